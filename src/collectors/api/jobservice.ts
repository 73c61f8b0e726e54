import { endpoints } from '../../sources/harbor-api/endpoints.js';
import type { HarborApiClient } from '../../sources/harbor-api/harbor-api-client.js';
import { collector } from '../types.js';

// Harbor 2.7-2.15: three calls, whatever the load. /jobservice/pools/all/workers lists every pool's workers;
// a worker with a job_id is busy.
export const jobserviceCollector = collector<HarborApiClient>({
  name: 'jobservice',
  source: 'api',
  defaultEnabled: true,
  help: "The job service: pending jobs, latency and paused state per job type; each pool's workers, busy workers and running jobs by type.",
  async collect({ client, out }) {
    const [queues, pools, workers] = await Promise.all([
      client.get(endpoints.jobserviceQueues),
      client.get(endpoints.jobservicePools),
      client.get(endpoints.jobserviceWorkers),
    ]);
    for (const queue of arrayOf(queues)) {
      if (!queue.job_type) continue;
      const attributes = { job_type: queue.job_type };
      out.add('harbor_jobservice_queue_pending_jobs', queue.count ?? 0, attributes);
      out.add('harbor_jobservice_queue_latency_seconds', queue.latency ?? 0, attributes);
      out.add('harbor_jobservice_queue_paused', queue.paused ? 1 : 0, attributes);
    }
    const busy = new Map<string, number>();
    /** Running jobs by pool, then job type. */
    const running = new Map<string, Map<string, number>>();
    for (const worker of arrayOf(workers)) {
      if (!worker.pool_id || !worker.job_id) continue;
      busy.set(worker.pool_id, (busy.get(worker.pool_id) ?? 0) + 1);
      const byType = running.get(worker.pool_id) ?? new Map<string, number>();
      running.set(worker.pool_id, byType);
      const type = worker.job_name || 'unknown';
      byType.set(type, (byType.get(type) ?? 0) + 1);
    }
    // Every job type the queues know, in every pool, as Harbor's own exporter lists them (0 when idle).
    const jobTypes = arrayOf(queues).flatMap((queue) => (queue.job_type ? [queue.job_type] : []));
    for (const pool of arrayOf(pools)) {
      if (!pool.worker_pool_id) continue;
      const attributes = { pool: pool.worker_pool_id };
      out.add('harbor_jobservice_pool_workers', pool.concurrency ?? 0, attributes);
      if (!workers) continue;
      out.add('harbor_jobservice_pool_busy_workers', busy.get(pool.worker_pool_id) ?? 0, attributes);
      const byType = running.get(pool.worker_pool_id);
      for (const type of new Set([...jobTypes, ...(byType?.keys() ?? [])])) {
        out.add('harbor_jobservice_running_jobs', byType?.get(type) ?? 0, { ...attributes, job_type: type });
      }
    }
  },
});

function arrayOf<T>(value: T[] | undefined): T[] {
  return Array.isArray(value) ? value : [];
}
