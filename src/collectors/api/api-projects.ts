import { endpoints } from '../../sources/harbor-api/endpoints.js';
import type { HarborApiClient } from '../../sources/harbor-api/harbor-api-client.js';
import { collector } from '../types.js';

// /projects (Harbor 2.0-2.15), paged, with_detail so each project carries repo_count and its `public`
// metadata. Stands in for the database's projects collector when no database is configured. Counts come from
// the list rather than /statistics, whose private counts are complete only for system administrators.
export const apiProjectsCollector = collector<HarborApiClient>({
  name: 'api-projects',
  source: 'api',
  defaultEnabled: true,
  help: "Without a database: projects and repositories by visibility, each project's id, visibility and repositories (/projects).",
  async collect({ client, out }) {
    const projects = await client.list(endpoints.projects, { with_detail: true });
    if (!projects) return;
    const counts = { public: { projects: 0, repositories: 0 }, private: { projects: 0, repositories: 0 } };
    for (const project of projects) {
      const repositories = project.repo_count ?? 0;
      const visibility = project.metadata?.public === 'true' ? 'public' : 'private';
      counts[visibility].projects++;
      counts[visibility].repositories += repositories;
      if (!project.name) continue;
      out.add('harbor_project_repositories', repositories, { project: project.name });
      const projectId = String(project.project_id ?? '');
      out.add('harbor_project_info', 1, { project: project.name, project_id: projectId, visibility });
    }
    for (const [visibility, count] of Object.entries(counts)) {
      out.add('harbor_projects', count.projects, { visibility });
      out.add('harbor_repositories', count.repositories, { visibility });
    }
  },
});
