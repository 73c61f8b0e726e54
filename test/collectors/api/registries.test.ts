import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registriesCollector } from '../../../src/collectors/api/registries.js';
import { collectOnce, pointValue } from '../../harness/exporter.js';
import { startSimulatedHarbor, type SimulatedHarbor } from '../../harness/harbor-api-simulator.js';

describe('registries collector', () => {
  let harbor: SimulatedHarbor;

  before(async () => {
    harbor = await startSimulatedHarbor({ repositories: 5, seed: 12 });
  });
  after(() => harbor.stop());

  async function expectMatchesTable() {
    const points = await collectOnce(harbor.source(), registriesCollector);
    const { rows } = await harbor.db.admin.query<{ name: string; type: string; health: string | null }>(
      'SELECT name, type, health FROM registry',
    );
    assert.equal(points.get('harbor_registry_endpoint_healthy')?.length, rows.length);
    for (const row of rows) {
      assert.equal(
        pointValue(points, 'harbor_registry_endpoint_healthy', { registry: row.name, type: row.type }),
        row.health === 'healthy' ? 1 : 0,
        row.name,
      );
    }
    return rows;
  }

  it('publishes the health of each replication endpoint as the registry table holds it', async () => {
    const rows = await expectMatchesTable();
    assert.ok(rows.some((row) => row.health === 'healthy') && rows.some((row) => row.health !== 'healthy'));
  });

  it('reads every page when there are more endpoints than one page holds', async () => {
    await harbor.db.admin.query(
      `INSERT INTO registry (name, url, type, health)
       SELECT 'edge-' || n, 'https://edge-' || n || '.example.com', 'harbor',
              CASE WHEN n % 7 = 0 THEN 'unhealthy' ELSE 'healthy' END
       FROM generate_series(1, 230) n`,
    );
    const before = harbor.answers.length;
    const rows = await expectMatchesTable();
    const pages = harbor.answers.slice(before).filter((answer) => answer.path === '/registries');
    assert.equal(pages.length, Math.ceil(rows.length / 100));
    assert.ok(pages.every((answer) => answer.query.includes('page_size=100')));
  });

  it("answered only as Harbor's API description allows", (t) => harbor.contract.assertClean(t));
});
