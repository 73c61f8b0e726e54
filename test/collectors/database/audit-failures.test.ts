import assert from 'node:assert/strict';
import { it } from 'node:test';
import { AuditFailuresCollector } from '../../../src/collectors/database/audit-failures.js';
import { countBy, forEachRelease, valuesBy, type ReleaseContext } from './releases.js';

/** Failed operations counted in JS from the rows audit_log_ext holds. */
async function failedInTable(context: ReleaseContext): Promise<Map<string, number>> {
  const rows = await context.rows<{ operation: string; resource_type: string; op_result: boolean | null }>(
    'SELECT operation, resource_type, op_result FROM audit_log_ext',
  );
  return countBy(
    rows.filter((row) => row.op_result === false),
    (row) => `${row.operation}|${row.resource_type}`,
  );
}

async function failLogin(context: ReleaseContext, user: string): Promise<void> {
  await context.db.admin.query(
    `INSERT INTO audit_log_ext (project_id, operation, resource_type, resource, username, op_result, op_desc)
     VALUES (0, 'login', 'user', $1, $1, false, 'login')`,
    [user],
  );
}

forEachRelease('audit-failures collector', { repositories: 40, seed: 12 }, (context) => {
  const collector = new AuditFailuresCollector();

  it('counts failed operations by operation and resource type, failed logins included; none before 2.13', async () => {
    const { points, statements } = await context.trace(collector);
    const published = valuesBy(points, 'harbor_audit_failed_operations', 'operation', 'resource_type');
    if (context.release === '2.10') {
      assert.equal(published.size, 0);
      assert.deepEqual(statements, [], 'no statement where Harbor records no results');
      return;
    }
    const expected = await failedInTable(context);
    assert.ok((expected.get('login|user') ?? 0) > 0, 'the fixture holds failed logins');
    assert.ok(expected.size > 1, 'and other failed operations');
    assert.deepEqual(published, expected);
    for (const point of points.get('harbor_audit_failed_operations') ?? []) {
      assert.deepEqual(Object.keys(point.attributes).sort(), ['operation', 'resource_type'], 'no user names');
    }
  });

  it('keeps every count when Harbor purges old rows, and a new failed login adds exactly 1', async (t) => {
    if (context.release === '2.10') return t.skip('Harbor 2.10 records no results');
    const before = valuesBy(
      await context.collect(collector),
      'harbor_audit_failed_operations',
      'operation',
      'resource_type',
    );
    await context.db.admin.query(
      'DELETE FROM audit_log_ext WHERE id IN (SELECT id FROM audit_log_ext ORDER BY id LIMIT (SELECT count(*) / 2 FROM audit_log_ext))',
    );
    const { points, statements } = await context.trace(collector);
    const afterPurge = valuesBy(points, 'harbor_audit_failed_operations', 'operation', 'resource_type');
    assert.deepEqual(afterPurge, before);
    assert.equal(statements.length, 1, statements.join(', '));
    await failLogin(context, 'mallory');
    const next = valuesBy(
      await context.collect(collector),
      'harbor_audit_failed_operations',
      'operation',
      'resource_type',
    );
    const expected = new Map(before);
    expected.set('login|user', (before.get('login|user') ?? 0) + 1);
    assert.deepEqual(next, expected);
  });
});
