import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiRepositoriesCollector } from '../../../src/collectors/api/api-repositories.js';
import { RepositoriesCollector } from '../../../src/collectors/database/repositories.js';
import { collectOnce } from '../../harness/exporter.js';
import { sameRegistry, seriesOf, type SameRegistry } from './same-registry.js';

describe('api-repositories collector (without a database)', () => {
  let registry: SameRegistry;

  before(async () => {
    registry = await sameRegistry({ repositories: 250, seed: 14 });
  });
  after(() => registry.stop());

  it('publishes the same pulls and artifacts per repository as the database', async () => {
    const fromApi = await collectOnce(registry.harbor.source(), apiRepositoriesCollector);
    const fromDatabase = await collectOnce(registry.database, new RepositoriesCollector());
    for (const metric of ['harbor_repository_pulls', 'harbor_repository_artifacts']) {
      const series = seriesOf(fromApi, metric);
      assert.equal(series.length, 250, metric);
      assert.deepEqual(series, seriesOf(fromDatabase, metric), metric);
    }
  });

  it('reads all repositories in three pages, whatever the number of projects', async () => {
    const before = registry.harbor.answers.length;
    await collectOnce(registry.harbor.source(), apiRepositoriesCollector);
    const made = registry.harbor.answers.slice(before).filter((answer) => answer.path !== '/systeminfo');
    assert.deepEqual(
      made.map((answer) => `${answer.path} ${new URLSearchParams(answer.query).get('page')}`),
      ['/repositories 1', '/repositories 2', '/repositories 3'],
    );
  });

  it("answered only as Harbor's API description allows", (t) => registry.harbor.contract.assertClean(t));
});
