import assert from 'node:assert/strict';
import { it } from 'node:test';
import { EXECUTION_STATUSES, jobsCollector, statusLabel } from '../../../src/collectors/database/jobs.js';
import { pointValue } from '../../harness/exporter.js';
import { countBy, forEachRelease, utcSeconds, valuesBy } from './releases.js';

interface ExecutionRow {
  id: number;
  vendor_type: string;
  status: string;
  start_time: string | null;
  end_time: string | null;
  extra_attrs: {
    freed_space?: number;
    purged_blobs?: number;
    purged_manifests?: number;
    dry_run?: boolean;
  } | null;
}

forEachRelease('jobs collector', { repositories: 30, seed: 4 }, (context) => {
  const executions = () =>
    context.rows<ExecutionRow>(
      'SELECT id, vendor_type, status, start_time::text, end_time::text, extra_attrs FROM execution ORDER BY id',
    );

  it('counts executions by job type and status', async () => {
    const points = await context.collect(jobsCollector);
    const rows = await executions();
    assert.deepEqual(
      valuesBy(points, 'harbor_job_executions', 'job_type', 'status'),
      countBy(rows, (row) => `${row.vendor_type}|${statusLabel(row.status)}`),
    );
  });

  it("reports each job type's latest execution: one status set to 1, start, end and duration", async () => {
    const points = await context.collect(jobsCollector);
    const latest = new Map<string, ExecutionRow>();
    for (const row of await executions()) latest.set(row.vendor_type, row);
    assert.ok(latest.has('IMAGE_SCAN') && latest.has('GARBAGE_COLLECTION') && latest.has('REPLICATION'));
    for (const [jobType, row] of latest) {
      for (const status of EXECUTION_STATUSES) {
        assert.equal(
          pointValue(points, 'harbor_job_last_execution_status', {
            job_type: jobType,
            status: statusLabel(status),
          }),
          status === row.status ? 1 : 0,
          `${jobType} ${status}`,
        );
      }
      const attributes = { job_type: jobType };
      const start = utcSeconds(row.start_time!);
      assert.equal(
        pointValue(points, 'harbor_job_last_execution_start_timestamp_seconds', attributes),
        start,
      );
      const end = row.end_time === null ? undefined : utcSeconds(row.end_time);
      assert.equal(pointValue(points, 'harbor_job_last_execution_end_timestamp_seconds', attributes), end);
      assert.equal(
        pointValue(points, 'harbor_job_last_execution_duration_seconds', attributes),
        end === undefined ? undefined : end - start,
      );
    }
  });

  it('reports what the last real garbage collection did, skipping a newer dry run', async () => {
    const points = await context.collect(jobsCollector);
    const gcs = (await executions()).filter((row) => row.vendor_type === 'GARBAGE_COLLECTION');
    assert.equal(gcs.at(-1)!.extra_attrs!.dry_run, true, 'the newest GC of the fixture is a dry run');
    const last = gcs
      .filter((row) => row.extra_attrs?.freed_space !== undefined && !row.extra_attrs.dry_run)
      .at(-1)!;
    assert.equal(pointValue(points, 'harbor_gc_last_freed_bytes'), last.extra_attrs!.freed_space);
    assert.equal(pointValue(points, 'harbor_gc_last_purged_blobs'), last.extra_attrs!.purged_blobs);
    assert.equal(pointValue(points, 'harbor_gc_last_purged_manifests'), last.extra_attrs!.purged_manifests);
  });

  it('treats an unfinished execution as running: no end, no duration, and an unknown status as its own', async () => {
    await context.db.admin.query(
      `INSERT INTO execution (vendor_type, vendor_id, status, trigger, start_time, end_time)
       VALUES ('P2P_PREHEAT', 7, 'Running', 'MANUAL', now(), '0001-01-01 00:00:00'),
              ('WEBHOOK', 3, 'Paused', 'EVENT', now(), NULL)`,
    );
    const points = await context.collect(jobsCollector);
    const preheat = { job_type: 'P2P_PREHEAT' };
    assert.equal(
      pointValue(points, 'harbor_job_last_execution_status', { ...preheat, status: 'running' }),
      1,
    );
    assert.equal(pointValue(points, 'harbor_job_last_execution_end_timestamp_seconds', preheat), undefined);
    assert.equal(pointValue(points, 'harbor_job_last_execution_duration_seconds', preheat), undefined);
    assert.equal(
      pointValue(points, 'harbor_job_last_execution_status', { job_type: 'WEBHOOK', status: 'paused' }),
      1,
    );
    assert.equal(
      pointValue(points, 'harbor_job_last_execution_status', { job_type: 'WEBHOOK', status: 'success' }),
      0,
    );
  });
  it("reports each retention policy's newest run: status, dry run, start, artifacts retained and deleted, tasks", async () => {
    const points = await context.collect(jobsCollector);
    const runs = await context.rows<{
      id: number;
      vendor_id: number;
      status: string;
      start_time: string;
      extra_attrs: { dry_run?: boolean } | null;
    }>(
      `SELECT id, vendor_id, status, start_time::text, extra_attrs FROM execution WHERE vendor_type = 'RETENTION' ORDER BY id`,
    );
    const policies = await context.rows<{ id: number; project: string; deleted: boolean }>(
      'SELECT rp.id, p.name AS project, p.deleted FROM retention_policy rp JOIN project p ON p.project_id = rp.scope_reference',
    );
    const tasks = await context.rows<{
      execution_id: number;
      status: string;
      extra_attrs: { total?: number; retained?: number } | null;
    }>('SELECT execution_id, status, extra_attrs FROM task');
    const newest = new Map<number, (typeof runs)[number]>();
    for (const run of runs) newest.set(run.vendor_id, run);
    assert.ok(newest.size > 0, 'the fixture holds retention runs');
    assert.ok(
      [...newest.values()].some((run) => run.extra_attrs?.dry_run === true),
      'one of them a dry run',
    );
    let published = 0;
    for (const policy of policies) {
      const run = newest.get(policy.id);
      if (!run || policy.deleted) continue;
      published++;
      const attributes = { project: policy.project, policy_id: String(policy.id) };
      const own = tasks.filter((task) => task.execution_id === run.id);
      const total = own.reduce((sum, task) => sum + (task.extra_attrs?.total ?? 0), 0);
      const retained = own.reduce((sum, task) => sum + (task.extra_attrs?.retained ?? 0), 0);
      assert.ok(total > 0, 'tasks recorded what they looked at');
      for (const status of EXECUTION_STATUSES) {
        assert.equal(
          pointValue(points, 'harbor_retention_last_run_status', {
            ...attributes,
            status: statusLabel(status),
          }),
          status === run.status ? 1 : 0,
        );
        assert.equal(
          pointValue(points, 'harbor_retention_last_run_tasks', {
            ...attributes,
            status: statusLabel(status),
          }),
          own.filter((task) => task.status === status).length,
        );
      }
      assert.equal(
        pointValue(points, 'harbor_retention_last_run_dry_run', attributes),
        run.extra_attrs?.dry_run ? 1 : 0,
      );
      assert.equal(
        pointValue(points, 'harbor_retention_last_run_start_timestamp_seconds', attributes),
        utcSeconds(run.start_time),
      );
      assert.equal(
        pointValue(points, 'harbor_retention_last_run_artifacts', { ...attributes, outcome: 'retained' }),
        retained,
      );
      assert.equal(
        pointValue(points, 'harbor_retention_last_run_artifacts', { ...attributes, outcome: 'deleted' }),
        total - retained,
      );
    }
    assert.equal(
      valuesBy(points, 'harbor_retention_last_run_dry_run', 'project', 'policy_id').size,
      published,
    );
  });
});
