import type { HarborDatabase } from '../../sources/postgres/database-source.js';
import { collector } from '../types.js';

/** The robots Harbor lists (r, with their project p): robots of deleted projects and hidden ones left out. */
export const VISIBLE_ROBOTS = `FROM robot r
LEFT JOIN project p ON p.project_id = r.project_id
WHERE r.visible AND (coalesce(r.project_id, 0) = 0 OR (p.project_id IS NOT NULL AND NOT p.deleted))`;

/**
 * Robot accounts Harbor shows (visible; scan jobs create hidden short-lived ones). project_id 0 is a system
 * robot; expiresat is Unix seconds, -1 (or 0) for never. Robots of deleted projects are left out.
 * Checked against Harbor 2.10.3, 2.13.5, 2.15.2, 2.16 (main).
 */
export const ROBOTS_SQL = `
SELECT r.name AS robot, coalesce(p.name, '') AS project, r.expiresat::float8 AS expires_at,
       CASE WHEN r.disabled THEN 'disabled'
            WHEN r.expiresat > 0 AND r.expiresat <= extract(epoch FROM now()) THEN 'expired'
            ELSE 'active' END AS state
${VISIBLE_ROBOTS}`;

export const ROBOT_STATES = ['active', 'disabled', 'expired'] as const;

export const robotsCollector = collector<HarborDatabase>({
  name: 'robots',
  source: 'database',
  defaultEnabled: true,
  help: 'Robot accounts: expiry time of each robot that expires, and robots by state (active, disabled, expired).',
  async collect({ client, out }) {
    const rows = await client.query<{
      robot: string;
      project: string;
      expires_at: number | null;
      state: string;
    }>('robots', ROBOTS_SQL);
    const states = new Map<string, number>(ROBOT_STATES.map((state) => [state, 0]));
    for (const row of rows) {
      states.set(row.state, (states.get(row.state) ?? 0) + 1);
      if (row.expires_at !== null && row.expires_at > 0) {
        out.add('harbor_robot_expiry_timestamp_seconds', row.expires_at, {
          project: row.project,
          robot: row.robot,
        });
      }
    }
    for (const [state, robots] of states) out.add('harbor_robots', robots, { state });
  },
});
