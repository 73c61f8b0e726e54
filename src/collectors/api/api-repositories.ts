import { endpoints } from '../../sources/harbor-api/endpoints.js';
import type { HarborApiClient } from '../../sources/harbor-api/harbor-api-client.js';
import { collector } from '../types.js';

// /repositories (Harbor 2.1-2.15), paged across all projects: one list, never a call per project or
// repository. Each carries pull_count and artifact_count. Stands in for the database's repositories collector
// when no database is configured; tags, pushes, sizes and timestamps stay database-only.
export const apiRepositoriesCollector = collector<HarborApiClient>({
  name: 'api-repositories',
  source: 'api',
  defaultEnabled: true,
  help: 'Without a database: pulls and artifacts per repository (/repositories).',
  async collect({ client, out }) {
    const repositories = await client.list(endpoints.repositories);
    for (const repository of repositories ?? []) {
      if (!repository.name) continue;
      const attributes = { project: repository.name.split('/')[0]!, repository: repository.name };
      out.add('harbor_repository_pulls', repository.pull_count ?? 0, attributes);
      out.add('harbor_repository_artifacts', repository.artifact_count ?? 0, attributes);
    }
  },
});
