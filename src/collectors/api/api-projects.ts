import { endpoints } from '../../sources/harbor-api/endpoints.js';
import type { HarborApiClient } from '../../sources/harbor-api/harbor-api-client.js';
import type { Project } from '../../sources/harbor-api/harbor-types.js';
import type { Collector } from '../types.js';

// /projects (Harbor 2.0-2.15), paged, with_detail (the default) so each project carries repo_count and its
// `public` metadata. Emits the database collector's metrics when no database is configured.
export const apiProjectsCollector: Collector<HarborApiClient> = {
  name: 'api-projects',
  source: 'api',
  defaultEnabled: true,
  help: 'Without a database: projects by visibility and repositories per project, from /projects.',
  async collect({ client, out }) {
    const projects = await client.list<Project>(endpoints.projects, { with_detail: true });
    if (!projects) return;
    const visibility = { public: 0, private: 0 };
    for (const project of projects) {
      visibility[project.metadata?.public === 'true' ? 'public' : 'private']++;
      if (project.name) out.add('harbor_project_repositories', project.repo_count ?? 0, { project: project.name });
    }
    out.add('harbor_projects', visibility.public, { visibility: 'public' });
    out.add('harbor_projects', visibility.private, { visibility: 'private' });
  },
};
