import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiQuotasCollector } from '../../../src/collectors/api/api-quotas.js';
import { projectsCollector } from '../../../src/collectors/database/projects.js';
import { collectOnce, pointValue } from '../../harness/exporter.js';
import { sameRegistry, seriesOf, type SameRegistry } from './same-registry.js';

const QUOTA_METRICS = [
  'harbor_project_quota_limit_bytes',
  'harbor_project_quota_unlimited',
  'harbor_project_quota_used_bytes',
];

describe('api-quotas collector (without a database)', () => {
  let registry: SameRegistry;

  before(async () => {
    registry = await sameRegistry({ projects: 120, repositories: 240, seed: 15 });
  });
  after(() => registry.stop());

  it('publishes the same quota limits, unlimited flags and usage per project as the database', async () => {
    const fromApi = await collectOnce(registry.harbor.source(), apiQuotasCollector);
    const fromDatabase = await collectOnce(registry.database, projectsCollector);
    for (const metric of QUOTA_METRICS) {
      assert.ok(seriesOf(fromApi, metric).length > 0, metric);
      assert.deepEqual(seriesOf(fromApi, metric), seriesOf(fromDatabase, metric), metric);
    }
  });

  it('states no limit as such, never as -1 bytes', async () => {
    const { rows } = await registry.harbor.db.admin.query<{ name: string }>(
      `SELECT p.name FROM quota q JOIN project p ON p.project_id::text = q.reference_id
       WHERE (q.hard ->> 'storage')::bigint = -1 AND NOT p.deleted LIMIT 1`,
    );
    const project = { project: rows[0]!.name };
    const points = await collectOnce(registry.harbor.source(), apiQuotasCollector);
    assert.equal(pointValue(points, 'harbor_project_quota_unlimited', project), 1);
    assert.equal(pointValue(points, 'harbor_project_quota_limit_bytes', project), undefined);
  });

  it("answered only as Harbor's API description allows", (t) => registry.harbor.contract.assertClean(t));
});
