import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { projectsCollector } from '../../../src/collectors/database/projects.js';
import { silentLogger } from '../../../src/log.js';
import { DatabaseSource, fixedDatabaseSettings } from '../../../src/sources/postgres/database-source.js';
import { collectOnce, pointValue } from '../../harness/exporter.js';
import { createHarborDatabase, type HarborTestDatabase } from '../../harness/postgres.js';

describe('projects collector', () => {
  let db: HarborTestDatabase;
  let source: DatabaseSource;

  before(async () => {
    db = await createHarborDatabase({ repositories: 45, seed: 3 });
    source = new DatabaseSource(fixedDatabaseSettings(db.settings), silentLogger);
  });
  after(async () => {
    await source.close();
    await db.drop();
  });

  it('counts live projects by visibility as the rows say', async () => {
    const points = await collectOnce(source, projectsCollector);
    const { rows } = await db.admin.query<{ deleted: boolean; value: string | null }>(
      `SELECT p.deleted, m.value FROM project p LEFT JOIN project_metadata m ON m.project_id = p.project_id AND m.name = 'public'`,
    );
    const live = rows.filter((row) => !row.deleted);
    const publicCount = live.filter((row) => row.value === 'true').length;
    assert.ok(
      rows.some((row) => row.deleted),
      'the fixture holds a deleted project',
    );
    assert.equal(pointValue(points, 'harbor_projects', { visibility: 'public' }), publicCount);
    assert.equal(pointValue(points, 'harbor_projects', { visibility: 'private' }), live.length - publicCount);
  });

  it('counts repositories per project, projects without repositories included, deleted projects left out', async () => {
    await db.admin.query(`INSERT INTO project (owner_id, name) VALUES (1, 'empty-project')`);
    const points = await collectOnce(source, projectsCollector);
    const { rows } = await db.admin.query<{ name: string; project_id: number; deleted: boolean }>(
      'SELECT name, project_id, deleted FROM project',
    );
    const { rows: repositories } = await db.admin.query<{ project_id: number }>(
      'SELECT project_id FROM repository',
    );
    for (const project of rows) {
      const expected = repositories.filter(
        (repository) => repository.project_id === project.project_id,
      ).length;
      const actual = pointValue(points, 'harbor_project_repositories', { project: project.name });
      assert.equal(actual, project.deleted ? undefined : expected, project.name);
    }
    assert.equal(pointValue(points, 'harbor_project_repositories', { project: 'empty-project' }), 0);
  });
});
