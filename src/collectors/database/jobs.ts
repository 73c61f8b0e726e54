import type { HarborDatabase } from '../../sources/postgres/database-source.js';
import { snakeCase } from '../api/api-values.js';
import { collector } from '../types.js';

/** Execution statuses Harbor's task manager writes; each job type's latest execution has one of them. */
export const EXECUTION_STATUSES = ['Pending', 'Running', 'Stopped', 'Error', 'Success', 'Scheduled'] as const;

/** Every status attribute is lower-case snake case (`error`, `in_progress`), whatever case Harbor writes. */
export const statusLabel = snakeCase;

/**
 * One statement, three small answers as JSON (a few rows each, whatever the registry's size):
 * - executions: what Harbor keeps, by job type (execution.vendor_type: GARBAGE_COLLECTION, REPLICATION,
 *   RETENTION, SCAN_ALL, IMAGE_SCAN, PURGE_AUDIT_LOG, ...) and status;
 * - latest: the newest execution of each job type (highest id: ids follow creation). An unfinished execution may
 *   hold Go's zero time (year 1) as its end, which is read as no end;
 * - gc: the newest garbage collection that is not a dry run and recorded what it did (extra_attrs freed_space,
 *   purged_blobs, purged_manifests, written by Harbor >= 2.9).
 * Checked against Harbor 2.10.3, 2.13.5, 2.15.2.
 */
export const JOBS_SQL = `
SELECT
  (SELECT coalesce(json_agg(c), '[]')
   FROM (SELECT vendor_type AS job_type, coalesce(status, 'Unknown') AS status, count(*)::float8 AS executions
         FROM execution
         GROUP BY 1, 2) c) AS executions,
  (SELECT coalesce(json_agg(l), '[]')
   FROM (SELECT e.vendor_type AS job_type, coalesce(e.status, 'Unknown') AS status,
                date_part('epoch', e.start_time) AS started,
                CASE WHEN e.end_time > '1970-01-01' THEN date_part('epoch', e.end_time) END AS ended
         FROM (SELECT max(id) AS id FROM execution GROUP BY vendor_type) latest
         JOIN execution e ON e.id = latest.id) l) AS latest,
  (SELECT row_to_json(g)
   FROM (SELECT (attrs ->> 'freed_space')::float8 AS freed_bytes, (attrs ->> 'purged_blobs')::float8 AS purged_blobs,
                (attrs ->> 'purged_manifests')::float8 AS purged_manifests
         FROM (SELECT id, extra_attrs::jsonb AS attrs FROM execution WHERE vendor_type = 'GARBAGE_COLLECTION') gc
         WHERE attrs ? 'freed_space' AND coalesce(attrs ->> 'dry_run', 'false') <> 'true'
         ORDER BY id DESC
         LIMIT 1) g) AS gc`;

interface ExecutionsRow {
  job_type: string;
  status: string;
  executions: number;
}

interface LatestRow {
  job_type: string;
  status: string;
  started: number | null;
  ended: number | null;
}

interface GcRow {
  freed_bytes: number | null;
  purged_blobs: number | null;
  purged_manifests: number | null;
}

export const jobsCollector = collector<HarborDatabase>({
  name: 'jobs',
  source: 'database',
  defaultEnabled: true,
  help: "Harbor's jobs: each job type's latest execution (status, start, end, duration), executions by type and status, the last GC's results.",
  async collect({ client, out }) {
    const [answer] = await client.query<{
      executions: ExecutionsRow[];
      latest: LatestRow[];
      gc: GcRow | null;
    }>('jobs', JOBS_SQL);
    const { executions = [], latest = [], gc = null } = answer ?? {};
    for (const row of executions) {
      out.add('harbor_job_executions', row.executions, {
        job_type: row.job_type,
        status: statusLabel(row.status),
      });
    }

    for (const row of latest) {
      const jobType = { job_type: row.job_type };
      const statuses: string[] = [...EXECUTION_STATUSES];
      if (!statuses.includes(row.status)) statuses.push(row.status);
      for (const status of statuses) {
        out.add('harbor_job_last_execution_status', status === row.status ? 1 : 0, {
          job_type: row.job_type,
          status: statusLabel(status),
        });
      }
      if (row.started !== null)
        out.add('harbor_job_last_execution_start_timestamp_seconds', row.started, jobType);
      if (row.ended !== null) {
        out.add('harbor_job_last_execution_end_timestamp_seconds', row.ended, jobType);
        if (row.started !== null)
          out.add(
            'harbor_job_last_execution_duration_seconds',
            Math.max(0, row.ended - row.started),
            jobType,
          );
      }
    }

    if (gc) {
      if (gc.freed_bytes !== null) out.add('harbor_gc_last_freed_bytes', gc.freed_bytes);
      if (gc.purged_blobs !== null) out.add('harbor_gc_last_purged_blobs', gc.purged_blobs);
      if (gc.purged_manifests !== null) out.add('harbor_gc_last_purged_manifests', gc.purged_manifests);
    }
  },
});
