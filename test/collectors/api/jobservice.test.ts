import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jobserviceCollector } from '../../../src/collectors/api/jobservice.js';
import { collectOnce, pointValue } from '../../harness/exporter.js';
import { startSimulatedHarbor, type SimulatedHarbor } from '../../harness/harbor-api-simulator.js';

describe('jobservice collector', () => {
  let harbor: SimulatedHarbor;

  before(async () => {
    harbor = await startSimulatedHarbor({ repositories: 5, seed: 6 });
  });
  after(() => harbor.stop());

  it('publishes pending jobs, latency and paused state per job type as the queues hold them', async () => {
    const points = await collectOnce(harbor.source(), jobserviceCollector);
    const queues = harbor.simulator.state.jobQueues;
    assert.ok(queues.some((queue) => queue.paused) && queues.some((queue) => !queue.paused));
    assert.equal(points.get('harbor_jobservice_queue_pending_jobs')?.length, queues.length);
    for (const queue of queues) {
      const job = { job_type: queue.job_type };
      assert.equal(pointValue(points, 'harbor_jobservice_queue_pending_jobs', job), queue.count);
      assert.equal(pointValue(points, 'harbor_jobservice_queue_latency_seconds', job), queue.latency);
      assert.equal(pointValue(points, 'harbor_jobservice_queue_paused', job), queue.paused ? 1 : 0);
    }
  });

  it("publishes each pool's workers, the ones running a job, and the running jobs by type", async () => {
    const state = harbor.simulator.state;
    state.workerPools.push({
      ...state.workerPools[0]!,
      worker_pool_id: 'second-pool',
      concurrency: 4,
      pid: 2,
    });
    state.workers.push(
      { id: 'w1', pool_id: 'second-pool', job_name: 'WEBHOOK', job_id: 'job-77', check_in: '' },
      { id: 'w2', pool_id: 'second-pool', job_name: '', job_id: '', check_in: '' },
    );
    const points = await collectOnce(harbor.source(), jobserviceCollector);
    for (const pool of state.workerPools) {
      const busy = state.workers.filter(
        (worker) => worker.pool_id === pool.worker_pool_id && worker.job_id,
      ).length;
      const attributes = { pool: pool.worker_pool_id };
      assert.equal(pointValue(points, 'harbor_jobservice_pool_workers', attributes), pool.concurrency);
      assert.equal(pointValue(points, 'harbor_jobservice_pool_busy_workers', attributes), busy);
    }
    assert.equal(pointValue(points, 'harbor_jobservice_pool_busy_workers', { pool: 'second-pool' }), 1);
    for (const pool of state.workerPools) {
      for (const { job_type } of state.jobQueues) {
        const runs = state.workers.filter(
          (worker) => worker.pool_id === pool.worker_pool_id && worker.job_id && worker.job_name === job_type,
        ).length;
        const attributes = { pool: pool.worker_pool_id, job_type };
        assert.equal(pointValue(points, 'harbor_jobservice_running_jobs', attributes), runs, job_type);
      }
    }
    assert.equal(
      pointValue(points, 'harbor_jobservice_running_jobs', { pool: 'second-pool', job_type: 'WEBHOOK' }),
      1,
    );
  });

  it("answered only as Harbor's API description allows", (t) => harbor.contract.assertClean(t));
});
