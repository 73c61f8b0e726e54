import { endpoints } from '../../sources/harbor-api/endpoints.js';
import type { HarborApiClient } from '../../sources/harbor-api/harbor-api-client.js';
import type { ScheduleTask } from '../../sources/harbor-api/harbor-types.js';
import type { Collector } from '../types.js';

// /schedules (Harbor 2.7-2.15), paged: every schedule of the job service, with its vendor (job) type.
export const schedulesCollector: Collector<HarborApiClient> = {
  name: 'schedules',
  source: 'api',
  defaultEnabled: true,
  help: 'Scheduled jobs per job type (/schedules).',
  async collect({ client, out }) {
    const schedules = await client.list<ScheduleTask>(endpoints.schedules);
    if (!schedules) return;
    const counts = new Map<string, number>();
    for (const schedule of schedules) {
      const type = schedule.vendor_type || 'unknown';
      counts.set(type, (counts.get(type) ?? 0) + 1);
    }
    for (const [type, count] of counts) out.add('harbor_schedules', count, { job_type: type });
  },
};
