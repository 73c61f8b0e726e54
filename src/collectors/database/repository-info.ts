import type { HarborDatabase } from '../../sources/postgres/database-source.js';
import { collector } from '../types.js';

/**
 * One row per repository of a live project: its id, which c4po/harbor_exporter put on its repository series as
 * `repo_id`. Streamed, one statement whatever the size. Checked against Harbor 2.10.3, 2.13.5, 2.15.2.
 */
export const REPOSITORY_IDS_SQL = `
SELECT r.name AS repository, p.name AS project, r.repository_id::text AS repository_id
FROM repository r
JOIN project p ON p.project_id = r.project_id AND NOT p.deleted`;

const COLUMNS = ['repository', 'project', 'repository_id'] as const;

export const repositoryInfoCollector = collector<HarborDatabase>({
  name: 'repository-info',
  source: 'database',
  // One more series per repository, for joins on the id only: off unless asked for.
  defaultEnabled: false,
  help: "Each repository's id (harbor_repository_info), for c4po's repo_id label under --compat=seed.",
  async collect({ client, out }) {
    const info = out.series('harbor_repository_info');
    await client.each('repository ids', REPOSITORY_IDS_SQL, COLUMNS, ([repository, project, id]) => {
      info(1, { project: project!, repository: repository!, repository_id: id! });
    });
  },
});
