import type { HarborDatabase } from '../../sources/postgres/database-source.js';
import type { Collector } from '../types.js';

// Checked against Harbor 2.10.3, 2.13.5, 2.15.2. A deleted project keeps its row with deleted = true;
// visibility is the project_metadata row named 'public'.
export const PROJECTS_BY_VISIBILITY_SQL = `
SELECT CASE WHEN pm.value = 'true' THEN 'public' ELSE 'private' END AS visibility, count(*)::int AS projects
FROM project p
LEFT JOIN project_metadata pm ON pm.project_id = p.project_id AND pm.name = 'public'
WHERE NOT p.deleted
GROUP BY 1`;

export const REPOSITORIES_PER_PROJECT_SQL = `
SELECT p.name AS project, count(r.repository_id)::int AS repositories
FROM project p
LEFT JOIN repository r ON r.project_id = p.project_id
WHERE NOT p.deleted
GROUP BY p.name`;

export const projectsCollector: Collector<HarborDatabase> = {
  name: 'projects',
  source: 'database',
  defaultEnabled: true,
  help: 'Projects by visibility and repositories per project.',
  async collect({ client, out }) {
    const visibility = await client.query<{ visibility: string; projects: number }>(
      'projects by visibility',
      PROJECTS_BY_VISIBILITY_SQL,
    );
    const counts = new Map([
      ['public', 0],
      ['private', 0],
    ]);
    for (const row of visibility) counts.set(row.visibility, row.projects);
    for (const [name, projects] of counts) out.add('harbor_projects', projects, { visibility: name });

    const perProject = await client.query<{ project: string; repositories: number }>(
      'repositories per project',
      REPOSITORIES_PER_PROJECT_SQL,
    );
    for (const row of perProject)
      out.add('harbor_project_repositories', row.repositories, { project: row.project });
  },
};
