import assert from 'node:assert/strict';
import { it } from 'node:test';
import { RobotActivityCollector } from '../../../src/collectors/database/robot-activity.js';
import { forEachRelease, utcSeconds, valuesBy, type ReleaseContext } from './releases.js';

/** The newest op_time of each user name over the audit tables the release has, computed in JS. */
async function newestByUser(context: ReleaseContext): Promise<Map<string, number>> {
  const tables = context.release === '2.10' ? ['audit_log'] : ['audit_log', 'audit_log_ext'];
  const newest = new Map<string, number>();
  for (const table of tables) {
    const rows = await context.rows<{ username: string; op_time: string }>(
      `SELECT username, op_time::text AS op_time FROM ${table}`,
    );
    for (const { username, op_time: time } of rows) {
      newest.set(username, Math.max(newest.get(username) ?? -Infinity, utcSeconds(time)));
    }
  }
  return newest;
}

/** Robots Harbor lists, keyed `project|robot`, with the name Harbor logs each under. */
async function listedRobots(context: ReleaseContext, prefix: string): Promise<Map<string, string>> {
  const robots = await context.rows<{ name: string; project_id: number; visible: boolean }>(
    'SELECT name, project_id, visible FROM robot',
  );
  const projects = new Map(
    (
      await context.rows<{ project_id: number; name: string; deleted: boolean }>(
        'SELECT project_id, name, deleted FROM project',
      )
    ).map((project) => [project.project_id, project]),
  );
  const listed = new Map<string, string>();
  for (const robot of robots) {
    const project = projects.get(robot.project_id);
    if (!robot.visible || (robot.project_id !== 0 && (!project || project.deleted))) continue;
    listed.set(`${robot.project_id === 0 ? '' : project!.name}|${robot.name}`, prefix + robot.name);
  }
  return listed;
}

async function expectedLastUse(context: ReleaseContext, prefix = 'robot$'): Promise<Map<string, number>> {
  const newest = await newestByUser(context);
  const expected = new Map<string, number>();
  for (const [key, loggedAs] of await listedRobots(context, prefix)) {
    const time = newest.get(loggedAs);
    if (time !== undefined) expected.set(key, time);
  }
  return expected;
}

async function logEvent(context: ReleaseContext, user: string, time: string): Promise<void> {
  await context.db.admin.query(
    `INSERT INTO ${context.release === '2.10' ? 'audit_log' : 'audit_log_ext'}
       (project_id, operation, resource_type, resource, username, op_time)
     VALUES (0, 'pull', 'artifact', 'library/app:1', $1, $2)`,
    [user, time],
  );
}

forEachRelease('robot-activity collector', { repositories: 30, seed: 21, robots: 12 }, (context) => {
  const collector = new RobotActivityCollector({ robotNamePrefix: 'robot$' });

  it("publishes each listed robot's newest audit event, none for a robot never logged or deleted", async () => {
    const { points, statements } = await context.trace(collector);
    const published = valuesBy(points, 'harbor_robot_last_used_timestamp_seconds', 'project', 'robot');
    const expected = await expectedLastUse(context);
    const listed = await listedRobots(context, 'robot$');
    assert.ok(expected.size > 0, 'the fixture holds events by robots');
    assert.ok(expected.size < listed.size, 'and robots that never acted');
    assert.ok((await newestByUser(context)).has('robot$retired+deploy'), 'and events by a deleted robot');
    assert.deepEqual(published, expected);
    assert.equal(statements.length, 2, statements.join(', '));
  });

  it('keeps a time when Harbor purges the rows, and moves it with the next event', async () => {
    const before = valuesBy(
      await context.collect(collector),
      'harbor_robot_last_used_timestamp_seconds',
      'project',
      'robot',
    );
    for (const table of context.release === '2.10' ? ['audit_log'] : ['audit_log', 'audit_log_ext']) {
      await context.db.admin.query(`DELETE FROM ${table}`);
    }
    const afterPurge = valuesBy(
      await context.collect(collector),
      'harbor_robot_last_used_timestamp_seconds',
      'project',
      'robot',
    );
    assert.deepEqual(afterPurge, before);

    const [key, loggedAs] = [...(await listedRobots(context, 'robot$'))][0]!;
    await logEvent(context, loggedAs, '2026-11-30 08:00:00');
    const { points, statements } = await context.trace(collector);
    const next = valuesBy(points, 'harbor_robot_last_used_timestamp_seconds', 'project', 'robot');
    assert.deepEqual(next, new Map([...before, [key, utcSeconds('2026-11-30 08:00:00')]]));
    assert.equal(statements.length, 2, 'still two statements');
  });

  it("follows Harbor's robot name prefix when one is set", async () => {
    const custom = new RobotActivityCollector({ robotNamePrefix: "ci@'" });
    const listed = [...(await listedRobots(context, "ci@'"))];
    const [key, loggedAs] = listed[listed.length - 1]!;
    await logEvent(context, loggedAs, '2026-12-01 09:30:00');
    const published = valuesBy(
      await context.collect(custom),
      'harbor_robot_last_used_timestamp_seconds',
      'project',
      'robot',
    );
    assert.equal(published.get(key), utcSeconds('2026-12-01 09:30:00'));
    assert.deepEqual(published, await expectedLastUse(context, "ci@'"));
  });
});
