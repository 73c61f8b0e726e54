import type { HarborDatabase } from '../../sources/postgres/database-source.js';
import { snakeCase } from '../api/api-values.js';
import { collector, type CollectorContext } from '../types.js';

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
 * - retention: the newest execution of each retention policy (execution.vendor_id is the policy's id; the policy's
 *   scope_reference its project), its dry_run flag (extra_attrs), its tasks by status and the artifacts its tasks
 *   counted: each task (one per repository) records total and retained in extra_attrs
 *   (goharbor/harbor src/pkg/retention/callback.go, src/controller/retention/controller.go); deleted is the rest.
 *   Policies of deleted projects are left out.
 * Checked against Harbor 2.10.3, 2.13.5, 2.15.2, 2.16 (main).
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
         LIMIT 1) g) AS gc,
  (SELECT coalesce(json_agg(r), '[]')
   FROM (SELECT e.vendor_id AS policy, p.name AS project, coalesce(e.status, 'Unknown') AS status,
                coalesce(e.extra_attrs::jsonb ->> 'dry_run', 'false') = 'true' AS dry_run,
                date_part('epoch', e.start_time) AS started,
                (SELECT coalesce(json_object_agg(t.status, t.tasks), '{}')
                 FROM (SELECT status, count(*)::float8 AS tasks FROM task WHERE execution_id = e.id GROUP BY status) t)
                  AS tasks,
                (SELECT coalesce(sum((extra_attrs::jsonb ->> 'total')::float8), 0) FROM task WHERE execution_id = e.id)
                  AS total,
                (SELECT coalesce(sum((extra_attrs::jsonb ->> 'retained')::float8), 0) FROM task WHERE execution_id = e.id)
                  AS retained
         FROM (SELECT max(id) AS id FROM execution WHERE vendor_type = 'RETENTION' GROUP BY vendor_id) latest
         JOIN execution e ON e.id = latest.id
         JOIN retention_policy rp ON rp.id = e.vendor_id
         JOIN project p ON p.project_id = rp.scope_reference AND NOT p.deleted) r) AS retention`;

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

interface RetentionRow {
  policy: number;
  project: string;
  status: string;
  dry_run: boolean;
  started: number | null;
  tasks: Record<string, number>;
  total: number;
  retained: number;
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
      retention: RetentionRow[];
    }>('jobs', JOBS_SQL);
    const { executions = [], latest = [], gc = null, retention = [] } = answer ?? {};
    for (const row of executions) {
      out.add('harbor_job_executions', row.executions, {
        job_type: row.job_type,
        status: statusLabel(row.status),
      });
    }

    for (const row of latest) {
      const jobType = { job_type: row.job_type };
      for (const status of statusesWith(row.status)) {
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

    for (const run of retention) addRetentionRun(out, run);

    if (gc) {
      if (gc.freed_bytes !== null) out.add('harbor_gc_last_freed_bytes', gc.freed_bytes);
      if (gc.purged_blobs !== null) out.add('harbor_gc_last_purged_blobs', gc.purged_blobs);
      if (gc.purged_manifests !== null) out.add('harbor_gc_last_purged_manifests', gc.purged_manifests);
    }
  },
});

/** Every status Harbor writes, plus an unexpected one if that is what an execution holds. */
function statusesWith(current: string): string[] {
  const statuses: string[] = [...EXECUTION_STATUSES];
  if (!statuses.includes(current)) statuses.push(current);
  return statuses;
}

/** A retention policy's newest run; deleted is what its tasks counted but did not retain (would delete, dry). */
function addRetentionRun(out: CollectorContext<HarborDatabase>['out'], run: RetentionRow): void {
  const policy = { project: run.project, policy_id: String(run.policy) };
  for (const status of statusesWith(run.status)) {
    out.add('harbor_retention_last_run_status', status === run.status ? 1 : 0, {
      ...policy,
      status: statusLabel(status),
    });
  }
  out.add('harbor_retention_last_run_dry_run', run.dry_run ? 1 : 0, policy);
  if (run.started !== null) out.add('harbor_retention_last_run_start_timestamp_seconds', run.started, policy);
  out.add('harbor_retention_last_run_artifacts', run.retained, { ...policy, outcome: 'retained' });
  out.add('harbor_retention_last_run_artifacts', Math.max(0, run.total - run.retained), {
    ...policy,
    outcome: 'deleted',
  });
  // Tasks have the statuses executions have.
  for (const status of new Set([...EXECUTION_STATUSES, ...Object.keys(run.tasks)])) {
    out.add('harbor_retention_last_run_tasks', run.tasks[status] ?? 0, {
      ...policy,
      status: statusLabel(status),
    });
  }
}
