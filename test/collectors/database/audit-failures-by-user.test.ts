import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  AuditFailuresByUserCollector,
  OTHER_USERS,
  auditFailuresByUserCollector,
} from '../../../src/collectors/database/audit-failures-by-user.js';
import { countBy, forEachRelease, valuesBy, type ReleaseContext } from './releases.js';

interface FailedRow {
  username: string;
  operation: string;
}

async function failedRows(context: ReleaseContext): Promise<FailedRow[]> {
  return context.rows<FailedRow>('SELECT username, operation FROM audit_log_ext WHERE op_result = false');
}

/** The top users by failed operations (ties by name), each by operation, the rest summed per operation. */
function expectedSeries(rows: readonly FailedRow[], top: number): Map<string, number> {
  const totals = [...countBy(rows, (row) => row.username)].sort(
    ([userA, a], [userB, b]) => b - a || (userA < userB ? -1 : 1),
  );
  const kept = new Set(totals.slice(0, top).map(([user]) => user));
  return countBy(rows, (row) => `${kept.has(row.username) ? row.username : OTHER_USERS}|${row.operation}`);
}

forEachRelease('audit-failures-by-user collector', { repositories: 60, seed: 14 }, (context) => {
  it('is off by default: user names are personal data', () => {
    assert.equal(auditFailuresByUserCollector.defaultEnabled, false);
  });

  it('publishes the top users by failed operations, the others summed, and loses no failure', async () => {
    const collector = new AuditFailuresByUserCollector({ failuresTopUsers: 3 });
    const { points, statements } = await context.trace(collector);
    const published = valuesBy(points, 'harbor_audit_failed_operations_by_user', 'user', 'operation');
    if (context.release === '2.10') {
      assert.equal(published.size, 0);
      assert.deepEqual(statements, [], 'no statement where Harbor records no results');
      return;
    }
    const rows = await failedRows(context);
    assert.ok(new Set(rows.map((row) => row.username)).size > 3, 'the fixture holds more users than the top');
    assert.deepEqual(published, expectedSeries(rows, 3));
    const byOperation = new Map<string, number>();
    for (const [key, failed] of published) {
      const operation = key.split('|')[1]!;
      byOperation.set(operation, (byOperation.get(operation) ?? 0) + failed);
    }
    assert.deepEqual(
      byOperation,
      countBy(rows, (row) => row.operation),
      'the sum over users is every failure',
    );
    assert.equal(statements.length, 1);
  });

  it('counts a burst of failed logins by one user incrementally, and ranks that user first', async (t) => {
    if (context.release === '2.10') return t.skip('Harbor 2.10 records no results');
    const collector = new AuditFailuresByUserCollector({ failuresTopUsers: 2 });
    await context.collect(collector);
    await context.db.admin.query(
      `INSERT INTO audit_log_ext (project_id, operation, resource_type, resource, username, op_result)
       SELECT 0, 'login', 'user', 'mallory', 'mallory', false FROM generate_series(1, 50)`,
    );
    const { points, statements } = await context.trace(collector);
    const published = valuesBy(points, 'harbor_audit_failed_operations_by_user', 'user', 'operation');
    assert.deepEqual(published, expectedSeries(await failedRows(context), 2));
    assert.equal(published.get('mallory|login'), 50);
    assert.equal(statements.length, 1);
  });
});
