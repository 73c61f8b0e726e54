import { endpoints } from '../../sources/harbor-api/endpoints.js';
import type { HarborApiClient } from '../../sources/harbor-api/harbor-api-client.js';
import { EXECUTION_STATUSES, statusLabel } from '../database/jobs.js';
import { collector } from '../types.js';
import { timestampSeconds } from './api-values.js';

const GC = { job_type: 'GARBAGE_COLLECTION' };
const FINAL = ['Success', 'Error', 'Stopped'];
/** Harbor's execution sweep keeps the newest 50 garbage collections: one page holds them all. */
const HISTORY = { page: 1, page_size: 100 };

interface GcResults {
  freed_space?: unknown;
  purged_blobs?: unknown;
  purged_manifests?: unknown;
  dry_run?: unknown;
}

// /system/gc (Harbor 2.0-2.15) lists runs newest first; job_status is the execution's status, creation_time
// its start, update_time its end once final; job_parameters is a JSON string holding, from 2.9,
// freed_space, purged_blobs and purged_manifests. Stands in for the database's jobs metrics of garbage
// collection when no database is configured (other job types stay database-only).
export const apiGcCollector = collector<HarborApiClient>({
  name: 'api-gc',
  source: 'api',
  defaultEnabled: true,
  help: 'Without a database: the latest garbage collection (status, start, end, duration) and what the last real one freed.',
  async collect({ client, out }) {
    const runs = await client.get(endpoints.gcHistory, HISTORY);
    if (!Array.isArray(runs) || runs.length === 0) return;
    const latest = runs[0]!;
    const status = latest.job_status || 'Unknown';
    const statuses: string[] = [...EXECUTION_STATUSES];
    if (!statuses.includes(status)) statuses.push(status);
    for (const candidate of statuses) {
      out.add('harbor_job_last_execution_status', candidate === status ? 1 : 0, {
        ...GC,
        status: statusLabel(candidate),
      });
    }
    const started = timestampSeconds(latest.creation_time);
    const ended = FINAL.includes(status) ? timestampSeconds(latest.update_time) : undefined;
    if (started !== undefined) out.add('harbor_job_last_execution_start_timestamp_seconds', started, GC);
    if (ended !== undefined) {
      out.add('harbor_job_last_execution_end_timestamp_seconds', ended, GC);
      if (started !== undefined)
        out.add('harbor_job_last_execution_duration_seconds', Math.max(0, ended - started), GC);
    }

    const real = runs.map((run) => results(run.job_parameters)).find((attrs) => attrs && isReal(attrs));
    if (!real) return;
    if (typeof real.freed_space === 'number') out.add('harbor_gc_last_freed_bytes', real.freed_space);
    if (typeof real.purged_blobs === 'number') out.add('harbor_gc_last_purged_blobs', real.purged_blobs);
    if (typeof real.purged_manifests === 'number')
      out.add('harbor_gc_last_purged_manifests', real.purged_manifests);
  },
});

function results(parameters: string | undefined): GcResults | undefined {
  try {
    const parsed: unknown = JSON.parse(parameters ?? '');
    return parsed && typeof parsed === 'object' ? (parsed as GcResults) : undefined;
  } catch {
    return undefined;
  }
}

/** A run that recorded what it did and was not a dry run. */
function isReal(attrs: GcResults): boolean {
  return attrs.freed_space !== undefined && attrs.dry_run !== true && attrs.dry_run !== 'true';
}
