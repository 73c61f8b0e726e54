import assert from 'node:assert/strict';
import { it } from 'node:test';
import { robotsCollector } from '../../../src/collectors/database/robots.js';
import { pointValue } from '../../harness/exporter.js';
import { forEachRelease, valuesBy } from './releases.js';

interface RobotRow {
  name: string;
  project_id: number;
  expiresat: string;
  disabled: boolean;
  visible: boolean;
}

forEachRelease('robots collector', { repositories: 20, seed: 6, robots: 14 }, (context) => {
  it('publishes the expiry of every visible robot that expires, and counts robots by state', async () => {
    const points = await context.collect(robotsCollector);
    const [{ now }] = (await context.rows<{ now: number }>(
      'SELECT extract(epoch FROM now())::float8 AS now',
    )) as [{ now: number }];
    const robots = await context.rows<RobotRow>(
      'SELECT name, project_id, expiresat, disabled, visible FROM robot',
    );
    const projects = new Map(
      (await context.rows<{ project_id: number; name: string }>('SELECT project_id, name FROM project')).map(
        (project) => [project.project_id, project.name],
      ),
    );
    const visible = robots.filter((robot) => robot.visible);
    assert.ok(visible.length < robots.length, 'the fixture holds hidden robots');
    const expiring = visible.filter((robot) => Number(robot.expiresat) > 0);
    const expected = new Map(
      expiring.map((robot) => [
        `${robot.project_id === 0 ? '' : projects.get(robot.project_id)}|${robot.name}`,
        Number(robot.expiresat),
      ]),
    );
    assert.deepEqual(valuesBy(points, 'harbor_robot_expiry_timestamp_seconds', 'project', 'robot'), expected);

    const disabled = visible.filter((robot) => robot.disabled).length;
    const expired = visible.filter(
      (robot) => !robot.disabled && Number(robot.expiresat) > 0 && Number(robot.expiresat) <= now,
    ).length;
    assert.ok(disabled > 0 && expired > 0, 'the fixture holds disabled and expired robots');
    assert.equal(pointValue(points, 'harbor_robots', { state: 'disabled' }), disabled);
    assert.equal(pointValue(points, 'harbor_robots', { state: 'expired' }), expired);
    assert.equal(
      pointValue(points, 'harbor_robots', { state: 'active' }),
      visible.length - disabled - expired,
    );
  });
});
