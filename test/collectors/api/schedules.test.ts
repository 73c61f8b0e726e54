import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { schedulesCollector } from '../../../src/collectors/api/schedules.js';
import { collectOnce, pointValue } from '../../harness/exporter.js';
import { startSimulatedHarbor, type SimulatedHarbor } from '../../harness/harbor-api-simulator.js';

describe('schedules collector', () => {
  let harbor: SimulatedHarbor;

  before(async () => {
    harbor = await startSimulatedHarbor({ repositories: 5, seed: 10 });
  });
  after(() => harbor.stop());

  function expectedCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const schedule of harbor.simulator.state.schedules) {
      counts.set(schedule.vendor_type!, (counts.get(schedule.vendor_type!) ?? 0) + 1);
    }
    return counts;
  }

  it('counts schedules per job type and publishes the next garbage collection', async () => {
    const points = await collectOnce(harbor.source(), schedulesCollector);
    for (const [type, count] of expectedCounts()) {
      assert.equal(pointValue(points, 'harbor_schedules', { job_type: type }), count, type);
    }
    assert.equal(points.get('harbor_schedules')?.length, expectedCounts().size);
    const next = Date.parse(harbor.simulator.state.gcSchedule.next_scheduled_time!) / 1000;
    assert.equal(pointValue(points, 'harbor_gc_next_run_timestamp_seconds'), next);
  });

  it('reads every page of a long schedule list', async () => {
    const schedules = harbor.simulator.state.schedules;
    for (let id = 100; id < 330; id++) {
      schedules.push({ id, vendor_type: 'REPLICATION', vendor_id: id, cron: '0 0 * * * *' });
    }
    const before = harbor.answers.length;
    const points = await collectOnce(harbor.source(), schedulesCollector);
    assert.equal(
      pointValue(points, 'harbor_schedules', { job_type: 'REPLICATION' }),
      expectedCounts().get('REPLICATION'),
    );
    const pages = harbor.answers.slice(before).filter((answer) => answer.path === '/schedules');
    assert.equal(pages.length, Math.ceil(schedules.length / 100));
    assert.deepEqual(
      pages.map((answer) => new URLSearchParams(answer.query).get('page')),
      ['1', '2', '3'],
    );
  });

  it('publishes no next run when garbage collection is not scheduled', async () => {
    harbor.simulator.state.gcSchedule = { type: 'None' };
    const points = await collectOnce(harbor.source(), schedulesCollector);
    assert.equal(pointValue(points, 'harbor_gc_next_run_timestamp_seconds'), undefined);
  });

  it("answered only as Harbor's API description allows", (t) => harbor.contract.assertClean(t));
});
