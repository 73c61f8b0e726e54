import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { scanAllCollector } from '../../../src/collectors/api/scan-all.js';
import { collectOnce, pointValue } from '../../harness/exporter.js';
import { captureLog } from '../../harness/capture-log.js';
import { startSimulatedHarbor, type SimulatedHarbor } from '../../harness/harbor-api-simulator.js';

const STATUS: Record<string, string> = {
  Success: 'success',
  Error: 'error',
  Stopped: 'stopped',
  Running: 'running',
  Pending: 'pending',
  Scheduled: 'scheduled',
};

describe('scan-all collector', () => {
  let harbor: SimulatedHarbor;

  before(async () => {
    harbor = await startSimulatedHarbor({ repositories: 10, seed: 9 });
  });
  after(() => harbor.stop());

  it('publishes the tasks of the latest scan-all by status, and whether it runs, as the tables hold them', async () => {
    const points = await collectOnce(harbor.source(), scanAllCollector);
    const { rows: latest } = await harbor.db.admin.query<{ id: number; status: string }>(
      `SELECT id, status FROM execution WHERE vendor_type = 'SCAN_ALL' ORDER BY start_time DESC, id DESC LIMIT 1`,
    );
    const { rows: tasks } = await harbor.db.admin.query<{ status: string; tasks: number }>(
      'SELECT status, count(*)::int AS tasks FROM task WHERE execution_id = $1 GROUP BY status',
      [latest[0]!.id],
    );
    for (const [harborStatus, status] of Object.entries(STATUS)) {
      const expected = tasks.find((row) => row.status === harborStatus)?.tasks ?? 0;
      assert.equal(pointValue(points, 'harbor_scan_all_tasks', { status }), expected, status);
    }
    const running = !['Success', 'Error', 'Stopped'].includes(latest[0]!.status);
    assert.equal(pointValue(points, 'harbor_scan_all_running', {}), running ? 1 : 0);
  });

  it('sees a new scan-all running', async () => {
    const { rows } = await harbor.db.admin.query<{ id: number }>(
      `INSERT INTO execution (vendor_type, vendor_id, status, trigger, start_time)
       VALUES ('SCAN_ALL', 0, 'Running', 'MANUAL', now() AT TIME ZONE 'UTC') RETURNING id`,
    );
    await harbor.db.admin.query(
      `INSERT INTO task (execution_id, status, status_code, vendor_type)
       SELECT $1, CASE WHEN n % 3 = 0 THEN 'Running' ELSE 'Success' END, 0, 'IMAGE_SCAN' FROM generate_series(1, 30) n`,
      [rows[0]!.id],
    );
    const points = await collectOnce(harbor.source(), scanAllCollector);
    assert.equal(pointValue(points, 'harbor_scan_all_running', {}), 1);
    assert.equal(pointValue(points, 'harbor_scan_all_tasks', { status: 'running' }), 10);
    assert.equal(pointValue(points, 'harbor_scan_all_tasks', { status: 'success' }), 20);
    assert.equal(pointValue(points, 'harbor_scan_all_tasks', { status: 'error' }), 0);
  });

  it('without a scanner (412) publishes nothing, fails nothing, and says so once', async () => {
    harbor.simulator.state.scannerConfigured = false;
    const { log, lines } = captureLog();
    const source = harbor.source({}, log);
    for (let refresh = 0; refresh < 3; refresh++) {
      const points = await collectOnce(source, scanAllCollector);
      assert.equal(points.size, 0);
    }
    const notes = lines.filter((line) => line.includes('/scans/all/metrics'));
    assert.equal(notes.length, 1, notes.join('\n'));
    assert.match(notes[0]!, /not available.*status=412/);
    assert.equal(source.unavailableEndpoints.get('/scans/all/metrics'), 412);

    // A scanner configured later is noticed at the next refresh.
    harbor.simulator.state.scannerConfigured = true;
    const points = await collectOnce(source, scanAllCollector);
    assert.ok((points.get('harbor_scan_all_tasks')?.length ?? 0) > 0);
    assert.equal(source.unavailableEndpoints.size, 0);
  });

  it("answered only as Harbor's API description allows", (t) => harbor.contract.assertClean(t));
});
