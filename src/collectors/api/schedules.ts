import { endpoints } from '../../sources/harbor-api/endpoints.js';
import type { HarborApiClient } from '../../sources/harbor-api/harbor-api-client.js';
import { collector } from '../types.js';
import { timestampSeconds } from './api-values.js';

// /schedules (Harbor 2.7-2.15), paged: every schedule of the job service with its vendor (job) type.
// /system/gc/schedule (2.0-2.15): the garbage collection schedule with its next run; type None or Manual
// means nothing is scheduled.
export const schedulesCollector = collector<HarborApiClient>({
  name: 'schedules',
  source: 'api',
  defaultEnabled: true,
  help: 'Scheduled jobs per job type, and the next scheduled garbage collection.',
  async collect({ client, out }) {
    const [schedules, gc] = await Promise.all([
      client.list(endpoints.schedules),
      client.get(endpoints.gcSchedule),
    ]);
    const counts = new Map<string, number>();
    for (const schedule of schedules ?? []) {
      const type = schedule.vendor_type || 'unknown';
      counts.set(type, (counts.get(type) ?? 0) + 1);
    }
    for (const [type, count] of counts) out.add('harbor_schedules', count, { job_type: type });

    const type = gc?.schedule?.type;
    const next = timestampSeconds(gc?.schedule?.next_scheduled_time);
    if (type && type !== 'None' && type !== 'Manual' && next !== undefined)
      out.add('harbor_gc_next_run_timestamp_seconds', next);
  },
});
