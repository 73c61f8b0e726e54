import type pg from 'pg';

/**
 * What the test database holds, counted by the test itself from raw rows (not with the collectors' SQL), to
 * compare with what the exporter publishes.
 */
export interface HarborCounts {
  /** Live projects by visibility. */
  projectsByVisibility: { public: number; private: number };
  /** Repositories of each live project (0 for a project without any). */
  repositoriesPerProject: Map<string, number>;
}

export async function countHarbor(client: pg.ClientBase): Promise<HarborCounts> {
  const projects = await client.query<{ project_id: number; name: string; deleted: boolean }>(
    'SELECT project_id, name, deleted FROM project',
  );
  const publicFlags = await client.query<{ project_id: number; value: string }>(
    `SELECT project_id, value FROM project_metadata WHERE name = 'public'`,
  );
  const repositories = await client.query<{ project_id: number }>('SELECT project_id FROM repository');

  const isPublic = new Map(publicFlags.rows.map((row) => [row.project_id, row.value === 'true']));
  const live = projects.rows.filter((project) => !project.deleted);
  const projectsByVisibility = { public: 0, private: 0 };
  const repositoriesPerProject = new Map<string, number>();
  const nameOf = new Map<number, string>();
  for (const project of live) {
    projectsByVisibility[isPublic.get(project.project_id) ? 'public' : 'private']++;
    repositoriesPerProject.set(project.name, 0);
    nameOf.set(project.project_id, project.name);
  }
  for (const repository of repositories.rows) {
    const name = nameOf.get(repository.project_id);
    if (name !== undefined) repositoriesPerProject.set(name, repositoriesPerProject.get(name)! + 1);
  }
  return { projectsByVisibility, repositoriesPerProject };
}

/** Deletes a project the way Harbor does: its repositories go, its row stays, renamed and marked deleted. */
export async function deleteProject(client: pg.ClientBase, name: string): Promise<void> {
  const { rows } = await client.query<{ project_id: number }>(
    'SELECT project_id FROM project WHERE name = $1',
    [name],
  );
  const id = rows[0]?.project_id;
  if (id === undefined) throw new Error(`no project ${name}`);
  await client.query(
    'DELETE FROM tag WHERE repository_id IN (SELECT repository_id FROM repository WHERE project_id = $1)',
    [id],
  );
  await client.query(
    'DELETE FROM artifact_reference WHERE parent_id IN (SELECT id FROM artifact WHERE project_id = $1) OR child_id IN (SELECT id FROM artifact WHERE project_id = $1)',
    [id],
  );
  await client.query(
    'DELETE FROM artifact_accessory WHERE artifact_id IN (SELECT id FROM artifact WHERE project_id = $1) OR subject_artifact_id IN (SELECT id FROM artifact WHERE project_id = $1)',
    [id],
  );
  await client.query('DELETE FROM artifact WHERE project_id = $1', [id]);
  await client.query('DELETE FROM repository WHERE project_id = $1', [id]);
  await client.query(
    `UPDATE project SET deleted = true, name = name || '#' || project_id WHERE project_id = $1`,
    [id],
  );
}

/** Deletes one repository (and its artifacts and tags) and returns its name. */
export async function deleteOneRepository(client: pg.ClientBase, project: string): Promise<string> {
  const { rows } = await client.query<{ repository_id: number; name: string }>(
    `SELECT r.repository_id, r.name FROM repository r JOIN project p ON p.project_id = r.project_id
     WHERE p.name = $1 ORDER BY r.repository_id LIMIT 1`,
    [project],
  );
  const repository = rows[0];
  if (!repository) throw new Error(`project ${project} has no repository`);
  await client.query('DELETE FROM tag WHERE repository_id = $1', [repository.repository_id]);
  await client.query(
    'DELETE FROM artifact_reference WHERE parent_id IN (SELECT id FROM artifact WHERE repository_id = $1) OR child_id IN (SELECT id FROM artifact WHERE repository_id = $1)',
    [repository.repository_id],
  );
  await client.query(
    'DELETE FROM artifact_accessory WHERE artifact_id IN (SELECT id FROM artifact WHERE repository_id = $1) OR subject_artifact_id IN (SELECT id FROM artifact WHERE repository_id = $1)',
    [repository.repository_id],
  );
  await client.query('DELETE FROM artifact WHERE repository_id = $1', [repository.repository_id]);
  await client.query('DELETE FROM repository WHERE repository_id = $1', [repository.repository_id]);
  return repository.name;
}
