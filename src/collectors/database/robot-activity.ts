import type { HarborDatabase } from '../../sources/postgres/database-source.js';
import type { ExporterConfig } from '../../config/config.js';
import type { Collector, CollectorContext, CollectorFactory } from '../types.js';
import { AuditEventCounter, auditKey, robotActivity } from './audit-events.js';
import { VISIBLE_ROBOTS } from './robots.js';

/** The robots Harbor lists, by stored name (`project+name` or `name`). Checked against Harbor 2.10.3, 2.13.5, 2.15.2, 2.16 (main). */
export const LISTED_ROBOTS_SQL = `
SELECT r.name AS robot, coalesce(p.name, '') AS project
${VISIBLE_ROBOTS}`;

/**
 * When each robot account last acted, as Harbor's audit log records it: pushes, pulls and deletions of artifacts,
 * and (Harbor >= 2.13) the API changes it made. Read incrementally like pushes: the audit rows of robots are
 * grouped once at start, then only new rows, so two statements per refresh. Harbor logs a robot as its robot
 * prefix and stored name (src/controller/robot/controller.go); robots made before Harbor 2.2 are stored and logged
 * as `robot$...`. A robot with no recorded event has no series; one whose events Harbor purged keeps its time
 * while the exporter runs.
 */
export const robotActivityCollector: CollectorFactory<HarborDatabase, RobotActivityOptions> = {
  name: 'robot-activity',
  source: 'database',
  defaultEnabled: true,
  help: "When each robot account last acted, from Harbor's audit log (pushes, pulls, deletions, API changes); read incrementally.",
  create: (options) => new RobotActivityCollector(options),
};

export type RobotActivityOptions = Pick<ExporterConfig, 'robotNamePrefix'>;

/** Keeps its exporter's newest event per robot between refreshes. */
export class RobotActivityCollector implements Collector<HarborDatabase> {
  readonly name = robotActivityCollector.name;
  private readonly activity: AuditEventCounter;

  constructor(private readonly options: RobotActivityOptions) {
    this.activity = new AuditEventCounter(robotActivity('robot activity', options.robotNamePrefix));
  }

  async collect({ client, out }: CollectorContext<HarborDatabase>): Promise<void> {
    const [newest, robots] = await Promise.all([
      this.activity.count(client),
      client.query<{ robot: string; project: string }>('listed robots', LISTED_ROBOTS_SQL),
    ]);
    for (const { robot, project } of robots) {
      const times = [
        newest.get(auditKey(this.options.robotNamePrefix + robot)),
        newest.get(auditKey(robot)),
      ].filter((time) => time !== undefined);
      if (times.length > 0) {
        out.add('harbor_robot_last_used_timestamp_seconds', Math.max(...times), { project, robot });
      }
    }
  }
}
