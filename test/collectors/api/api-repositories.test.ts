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

  it('publishes the same pulls per repository as the database', async () => {
    const fromApi = await collectOnce(registry.harbor.source(), apiRepositoriesCollector);
    const fromDatabase = await collectOnce(registry.database, new RepositoriesCollector());
    const series = seriesOf(fromApi, 'harbor_repository_pulls');
    assert.equal(series.length, 250);
    assert.deepEqual(series, seriesOf(fromDatabase, 'harbor_repository_pulls'));
  });

  it('publishes artifacts per repository as Harbor counts them: index children without tags and accessories left out', async () => {
    const fromApi = await collectOnce(registry.harbor.source(), apiRepositoriesCollector);
    const { admin } = registry.harbor.db;
    // Numbers whatever the column's type (pg hands bigint columns over as strings).
    const ids = async (sql: string) =>
      new Set((await admin.query<{ id: number | string }>(sql)).rows.map((row) => Number(row.id)));
    const tagged = await ids('SELECT artifact_id AS id FROM tag');
    const children = await ids('SELECT child_id AS id FROM artifact_reference');
    const { rows: accessoryTable } = await admin.query<{ found: boolean }>(
      `SELECT to_regclass('artifact_accessory') IS NOT NULL AS found`,
    );
    const accessories = accessoryTable[0]!.found
      ? await ids('SELECT artifact_id AS id FROM artifact_accessory')
      : new Set<number>();
    const { rows: artifacts } = await admin.query<{ id: number | string | null; name: string }>(
      'SELECT a.id, r.name FROM repository r LEFT JOIN artifact a ON a.repository_id = r.repository_id',
    );
    const expected = new Map<string, number>();
    for (const { id: column, name } of artifacts) {
      const id = column === null ? null : Number(column);
      const counted = id !== null && (tagged.has(id) || !children.has(id)) && !accessories.has(id);
      expected.set(name, (expected.get(name) ?? 0) + (counted ? 1 : 0));
    }
    assert.ok(children.size > 0, 'the registry has index children, so the definitions differ');
    const published = new Map(
      (fromApi.get('harbor_repository_artifacts') ?? []).map((point) => [
        point.attributes.repository,
        point.value,
      ]),
    );
    assert.deepEqual(published, expected);
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
