import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { replicationCollector } from '../../../src/collectors/api/replication.js';
import { collectOnce, pointValue } from '../../harness/exporter.js';
import { startSimulatedHarbor, type SimulatedHarbor } from '../../harness/harbor-api-simulator.js';

/** Harbor's job statuses as the collector names them. */
const STATUS: Record<string, string> = {
  Success: 'succeeded',
  Error: 'failed',
  Stopped: 'stopped',
  Running: 'in_progress',
  Pending: 'in_progress',
  Scheduled: 'in_progress',
};

interface LatestRow {
  name: string;
  enabled: boolean;
  status: string | null;
  start: number | null;
  end: number | null;
  success: number;
  error: number;
  stopped: number;
  in_progress: number;
}

// Independent of the simulator: the latest execution of each policy and its tasks, straight from the tables.
const LATEST_SQL = `
SELECT p.name, p.enabled, e.status, extract(epoch FROM e.start_time)::float8 AS start,
       extract(epoch FROM e.end_time)::float8 AS end,
       count(t.id) FILTER (WHERE t.status = 'Success')::int AS success,
       count(t.id) FILTER (WHERE t.status = 'Error')::int AS error,
       count(t.id) FILTER (WHERE t.status = 'Stopped')::int AS stopped,
       count(t.id) FILTER (WHERE t.status IN ('Running', 'Pending', 'Scheduled'))::int AS in_progress
FROM replication_policy p
LEFT JOIN LATERAL (SELECT * FROM execution x WHERE x.vendor_type = 'REPLICATION' AND x.vendor_id = p.id
                   ORDER BY x.start_time DESC, x.id DESC LIMIT 1) e ON true
LEFT JOIN task t ON t.execution_id = e.id
GROUP BY p.id, e.id, e.status, e.start_time, e.end_time`;

describe('replication collector', () => {
  let harbor: SimulatedHarbor;

  before(async () => {
    harbor = await startSimulatedHarbor({ repositories: 10, seed: 8 });
  });
  after(() => harbor.stop());

  async function expectMatchesTables() {
    const points = await collectOnce(harbor.source(), replicationCollector);
    const { rows } = await harbor.db.admin.query<LatestRow>(LATEST_SQL);
    const enabled = rows.filter((row) => row.enabled).length;
    assert.equal(pointValue(points, 'harbor_replication_policies', { enabled: 'true' }), enabled);
    assert.equal(
      pointValue(points, 'harbor_replication_policies', { enabled: 'false' }),
      rows.length - enabled,
    );
    for (const row of rows) {
      const policy = { policy: row.name };
      if (row.status === null) {
        assert.equal(pointValue(points, 'harbor_replication_last_execution_succeeded', policy), undefined);
        continue;
      }
      const status = STATUS[row.status]!;
      for (const candidate of ['in_progress', 'succeeded', 'failed', 'stopped']) {
        assert.equal(
          pointValue(points, 'harbor_replication_last_execution_status', { ...policy, status: candidate }),
          candidate === status ? 1 : 0,
          `${row.name} ${candidate}`,
        );
      }
      assert.equal(
        pointValue(points, 'harbor_replication_last_execution_succeeded', policy),
        status === 'succeeded' ? 1 : 0,
      );
      assert.equal(
        pointValue(points, 'harbor_replication_last_execution_start_timestamp_seconds', policy),
        row.start,
      );
      assert.equal(
        pointValue(points, 'harbor_replication_last_execution_end_timestamp_seconds', policy),
        status === 'in_progress' ? undefined : (row.end ?? undefined),
      );
      const tasks = {
        succeeded: row.success,
        failed: row.error,
        stopped: row.stopped,
        in_progress: row.in_progress,
      };
      for (const [name, count] of Object.entries(tasks)) {
        assert.equal(
          pointValue(points, 'harbor_replication_last_execution_tasks', { ...policy, status: name }),
          count,
        );
      }
    }
    return rows;
  }

  it("publishes policies by state and each policy's latest execution as the tables hold them", async () => {
    const rows = await expectMatchesTables();
    assert.ok(
      rows.some((row) => !row.enabled),
      'the fixture holds a disabled policy',
    );
  });

  it('shows a running execution as in progress, without an end, and a policy never run without series', async () => {
    await harbor.db.admin.query(
      `INSERT INTO replication_policy (id, name, dest_registry_id, enabled) VALUES (50, 'never-run', 1, true)`,
    );
    const { rows } = await harbor.db.admin.query<{ id: number }>(
      `INSERT INTO execution (vendor_type, vendor_id, status, trigger, start_time)
       VALUES ('REPLICATION', 1, 'Running', 'MANUAL', date_trunc('milliseconds', now() AT TIME ZONE 'UTC')) RETURNING id`,
    );
    await harbor.db.admin.query(
      `INSERT INTO task (execution_id, status, status_code, vendor_type)
       VALUES ($1, 'Running', 0, 'REPLICATION'), ($1, 'Pending', 0, 'REPLICATION'), ($1, 'Success', 0, 'REPLICATION')`,
      [rows[0]!.id],
    );
    const latest = await expectMatchesTables();
    const first = latest.find((row) => row.name === 'mirror-to-dr')!;
    assert.equal(first.status, 'Running');
    assert.equal(first.in_progress, 2);
    assert.ok(latest.some((row) => row.name === 'never-run' && row.status === null));
  });

  it('asks for the policy list once and one page of the two latest executions per policy, never more', async () => {
    const before = harbor.answers.length;
    await collectOnce(harbor.source(), replicationCollector);
    const made = harbor.answers.slice(before).filter((answer) => answer.path !== '/systeminfo');
    const { rows } = await harbor.db.admin.query<{ policies: number }>(
      'SELECT count(*)::int AS policies FROM replication_policy',
    );
    assert.equal(made.filter((answer) => answer.path === '/replication/policies').length, 1);
    const executions = made.filter((answer) => answer.path === '/replication/executions');
    assert.equal(executions.length, rows[0]!.policies);
    assert.ok(executions.every((answer) => answer.query.includes('page_size=2')));
  });

  it("answered only as Harbor's API description allows", (t) => harbor.contract.assertClean(t));
});
