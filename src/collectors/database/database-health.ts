import type { HarborDatabase } from '../../sources/postgres/database-source.js';
import type { Collector } from '../types.js';

// PostgreSQL's own catalog; independent of the Harbor release.
export const SESSIONS_SQL = `
SELECT coalesce(state, 'unknown') AS state, coalesce(nullif(application_name, ''), 'unknown') AS application,
       count(*)::int AS sessions
FROM pg_stat_activity
WHERE datname = current_database() AND backend_type = 'client backend'
GROUP BY 1, 2`;

export const SERVER_SQL = `
SELECT current_setting('max_connections')::int AS max_connections,
       pg_database_size(current_database())::float8 AS size_bytes`;

export const databaseHealthCollector: Collector<HarborDatabase> = {
  name: 'database',
  source: 'database',
  defaultEnabled: true,
  help: "The database server's health: sessions by state and application, max_connections, size.",
  async collect({ client, out }) {
    const sessions = await client.query<{ state: string; application: string; sessions: number }>(
      'sessions',
      SESSIONS_SQL,
    );
    for (const row of sessions) {
      out.add('harbor_database_sessions', row.sessions, { state: row.state, application: row.application });
    }
    const [server] = await client.query<{ max_connections: number; size_bytes: number }>(
      'server',
      SERVER_SQL,
    );
    if (server) {
      out.add('harbor_database_max_connections', server.max_connections);
      out.add('harbor_database_size_bytes', server.size_bytes);
    }
  },
};
