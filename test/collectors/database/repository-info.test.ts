import assert from 'node:assert/strict';
import { it } from 'node:test';
import { repositoryInfoCollector } from '../../../src/collectors/database/repository-info.js';
import { forEachRelease, valuesBy } from './releases.js';

forEachRelease('repository-info collector', { repositories: 25, seed: 12 }, (context) => {
  it("publishes each live project's repositories with their id, in one statement", async () => {
    const { points, statements } = await context.trace(repositoryInfoCollector);
    const rows = await context.rows<{ project: string; repository: string; id: number }>(
      `SELECT p.name AS project, r.name AS repository, r.repository_id AS id
       FROM repository r JOIN project p USING (project_id) WHERE NOT p.deleted`,
    );
    assert.ok(rows.length > 0);
    const expected = new Map(rows.map((row) => [`${row.project}|${row.repository}|${row.id}`, 1]));
    assert.deepEqual(
      valuesBy(points, 'harbor_repository_info', 'project', 'repository', 'repository_id'),
      expected,
    );
    assert.deepEqual(statements, ['repository ids']);
  });
});
