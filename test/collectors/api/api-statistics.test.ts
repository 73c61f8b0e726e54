import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiStatisticsCollector } from '../../../src/collectors/api/api-statistics.js';
import { storageCollector } from '../../../src/collectors/database/storage.js';
import { collectOnce, pointValue } from '../../harness/exporter.js';
import { READ_ONLY_ROBOT } from '../../harness/harbor-api-simulator.js';
import { sameRegistry, type SameRegistry } from './same-registry.js';

describe('api-statistics collector (without a database)', () => {
  let registry: SameRegistry;

  before(async () => {
    registry = await sameRegistry({ repositories: 40, seed: 16 });
    await registry.harbor.db.admin.query(
      `INSERT INTO system_artifact (repository, digest, size, vendor, type) VALUES ('scandata_export', 'sha256:1', 123456, 'SCAN_DATA_EXPORT', 'csv')`,
    );
  });
  after(() => registry.stop());

  it("publishes Harbor's total storage, equal to the database's blob and system artifact bytes together", async () => {
    const fromApi = await collectOnce(registry.harbor.source(), apiStatisticsCollector);
    const fromDatabase = await collectOnce(registry.database, storageCollector);
    const blob = pointValue(fromDatabase, 'harbor_storage_consumption_bytes', { kind: 'blob' })!;
    const system = pointValue(fromDatabase, 'harbor_storage_consumption_bytes', { kind: 'system_artifact' })!;
    assert.ok(system >= 123456, 'system artifacts count');
    assert.equal(pointValue(fromApi, 'harbor_storage_consumption_bytes', { kind: 'all' }), blob + system);
    assert.equal(fromApi.get('harbor_storage_consumption_bytes')?.length, 1);
  });

  it('publishes nothing, rather than a false 0, to an account Harbor hides the totals from', async () => {
    const robot = registry.harbor.source({
      username: READ_ONLY_ROBOT.username,
      password: READ_ONLY_ROBOT.password,
    });
    const points = await collectOnce(robot, apiStatisticsCollector);
    assert.equal(points.size, 0);
  });

  it("answered only as Harbor's API description allows", (t) => registry.harbor.contract.assertClean(t));
});
