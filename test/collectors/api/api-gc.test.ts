import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiGcCollector } from '../../../src/collectors/api/api-gc.js';
import { jobsCollector } from '../../../src/collectors/database/jobs.js';
import type { Point } from '../../../src/collectors/observations.js';
import { collectOnce, pointValue } from '../../harness/exporter.js';
import { sameRegistry, seriesOf, type SameRegistry } from './same-registry.js';

const GC_METRICS = [
  'harbor_job_last_execution_status',
  'harbor_job_last_execution_start_timestamp_seconds',
  'harbor_job_last_execution_end_timestamp_seconds',
  'harbor_job_last_execution_duration_seconds',
  'harbor_gc_last_freed_bytes',
  'harbor_gc_last_purged_blobs',
  'harbor_gc_last_purged_manifests',
];

/** The database collector's garbage collection series only (it covers every job type). */
function garbageCollectionOnly(points: ReadonlyMap<string, readonly Point[]>) {
  return new Map(
    [...points].map(([metric, list]) => [
      metric,
      list.filter(
        (point) =>
          point.attributes.job_type === undefined || point.attributes.job_type === 'GARBAGE_COLLECTION',
      ),
    ]),
  );
}

describe('api-gc collector (without a database)', () => {
  let registry: SameRegistry;

  before(async () => {
    registry = await sameRegistry({ repositories: 10, seed: 17 });
  });
  after(() => registry.stop());

  async function expectAgreement() {
    const fromApi = await collectOnce(registry.harbor.source(), apiGcCollector);
    const fromDatabase = garbageCollectionOnly(await collectOnce(registry.database, jobsCollector));
    for (const metric of GC_METRICS) {
      assert.deepEqual(seriesOf(fromApi, metric), seriesOf(fromDatabase, metric), metric);
    }
    return fromApi;
  }

  it("publishes the latest garbage collection and the last one's results as the database does", async () => {
    const points = await expectAgreement();
    assert.ok(pointValue(points, 'harbor_gc_last_freed_bytes')! >= 0);
    assert.equal(
      points.get('harbor_job_last_execution_status')?.filter((point) => point.value === 1).length,
      1,
    );
  });

  it('takes the results of the last real run when the newest was a dry run, and shows a running one without an end', async () => {
    const start = `date_trunc('milliseconds', now() AT TIME ZONE 'UTC')`;
    await registry.harbor.db.admin.query(
      `INSERT INTO execution (vendor_type, vendor_id, status, trigger, extra_attrs, start_time, end_time)
       VALUES ('GARBAGE_COLLECTION', -1, 'Success', 'MANUAL',
               '{"dry_run": true, "freed_space": 999, "purged_blobs": 9, "purged_manifests": 1}',
               ${start} - interval '1 hour', ${start} - interval '50 minutes')`,
    );
    const dryRun = await expectAgreement();
    assert.notEqual(pointValue(dryRun, 'harbor_gc_last_freed_bytes'), 999);
    await registry.harbor.db.admin.query(
      `INSERT INTO execution (vendor_type, vendor_id, status, trigger, start_time)
       VALUES ('GARBAGE_COLLECTION', -1, 'Running', 'SCHEDULE', ${start})`,
    );
    const running = await expectAgreement();
    const gc = { job_type: 'GARBAGE_COLLECTION' };
    assert.equal(pointValue(running, 'harbor_job_last_execution_status', { ...gc, status: 'running' }), 1);
    assert.equal(pointValue(running, 'harbor_job_last_execution_end_timestamp_seconds', gc), undefined);
  });

  it("answered only as Harbor's API description allows", (t) => registry.harbor.contract.assertClean(t));
});
