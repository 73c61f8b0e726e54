import { endpoints } from '../../sources/harbor-api/endpoints.js';
import type { HarborApiClient } from '../../sources/harbor-api/harbor-api-client.js';
import type { GCHistory, GCSchedule } from '../../sources/harbor-api/harbor-types.js';
import type { Collector } from '../types.js';
import { addStateSet, timestampSeconds } from './api-values.js';

// Harbor 2.0-2.15: /system/gc?page_size=1 is the latest run (executions list newest first by default); job_parameters is a JSON string that
// holds freed_space from 2.9. /system/gc/schedule holds the schedule and its next run time.
const STATUSES = ['pending', 'running', 'success', 'error', 'stopped'];

export const gcCollector: Collector<HarborApiClient> = {
  name: 'gc',
  source: 'api',
  defaultEnabled: true,
  help: 'The latest garbage collection (status, start, freed bytes) and the next scheduled one.',
  async collect({ client, out }) {
    const [runs, schedule] = await Promise.all([
      client.get<GCHistory[]>(endpoints.gcHistory, { page: 1, page_size: 1 }),
      client.get<GCSchedule>(endpoints.gcSchedule),
    ]);
    const last = Array.isArray(runs) ? runs[0] : undefined;
    if (last) {
      addStateSet(out, 'harbor_gc_last_run_status', STATUSES, (last.job_status ?? 'unknown').toLowerCase());
      const start = timestampSeconds(last.creation_time);
      if (start !== undefined) out.add('harbor_gc_last_run_start_timestamp_seconds', start);
      const freed = freedSpace(last.job_parameters);
      if (freed !== undefined) out.add('harbor_gc_last_run_freed_bytes', freed);
    }
    const next = timestampSeconds(schedule?.schedule?.next_scheduled_time);
    const scheduled = schedule?.schedule?.type && !['None', 'Manual'].includes(schedule.schedule.type);
    if (scheduled && next !== undefined) out.add('harbor_gc_next_run_timestamp_seconds', next);
  },
};

function freedSpace(parameters: string | undefined): number | undefined {
  if (!parameters) return undefined;
  try {
    const value = (JSON.parse(parameters) as { freed_space?: unknown }).freed_space;
    return typeof value === 'number' ? value : undefined;
  } catch {
    return undefined;
  }
}
