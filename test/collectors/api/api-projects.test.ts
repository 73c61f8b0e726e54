import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiProjectsCollector } from '../../../src/collectors/api/api-projects.js';
import { projectsCollector } from '../../../src/collectors/database/projects.js';
import { collectOnce, pointValue } from '../../harness/exporter.js';
import { sameRegistry, seriesOf, type SameRegistry } from './same-registry.js';

describe('api-projects collector (without a database)', () => {
  let registry: SameRegistry;

  before(async () => {
    // More projects than one page of 100 holds.
    registry = await sameRegistry({ projects: 230, repositories: 460, seed: 13 });
  });
  after(() => registry.stop());

  it('publishes the same projects and repositories, by visibility and per project, as the database', async () => {
    const fromApi = await collectOnce(registry.harbor.source(), apiProjectsCollector);
    const fromDatabase = await collectOnce(registry.database, projectsCollector);
    for (const metric of ['harbor_projects', 'harbor_repositories', 'harbor_project_repositories']) {
      const series = seriesOf(fromApi, metric);
      assert.ok(series.length > 0, metric);
      assert.deepEqual(series, seriesOf(fromDatabase, metric), metric);
    }
    const { rows } = await registry.harbor.db.admin.query<{ live: number }>(
      'SELECT count(*)::int AS live FROM project WHERE NOT deleted',
    );
    assert.equal(rows[0]!.live, 230);
    assert.equal(
      pointValue(fromApi, 'harbor_projects', { visibility: 'public' })! +
        pointValue(fromApi, 'harbor_projects', { visibility: 'private' })!,
      230,
    );
  });

  it('walks /projects in pages of 100, following Link', async () => {
    const before = registry.harbor.answers.length;
    await collectOnce(registry.harbor.source(), apiProjectsCollector);
    const pages = registry.harbor.answers.slice(before).filter((answer) => answer.path === '/projects');
    assert.deepEqual(
      pages.map((answer) => new URLSearchParams(answer.query).get('page')),
      ['1', '2', '3'],
    );
    assert.ok(pages.every((answer) => new URLSearchParams(answer.query).get('page_size') === '100'));
    assert.ok(pages.slice(0, 2).every((answer) => /rel="next"/.test(answer.headers.link ?? '')));
  });

  it("answered only as Harbor's API description allows", (t) => registry.harbor.contract.assertClean(t));
});
