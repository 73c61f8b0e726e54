import type { HarborDatabase } from '../../sources/postgres/database-source.js';
import { collector } from '../types.js';

/**
 * PostgreSQL's own catalog, independent of the Harbor release, in one statement: sessions by state and
 * application (as JSON, a few rows), and the server's figures. Replay lag on a standby is the age of the last
 * replayed transaction, except when everything received has been replayed (an idle primary would otherwise look
 * like growing lag).
 */
export const DATABASE_HEALTH_SQL = `
SELECT (SELECT coalesce(json_agg(s), '[]')
        FROM (SELECT coalesce(state, 'unknown') AS state,
                     coalesce(nullif(application_name, ''), 'unknown') AS application, count(*)::int AS sessions
              FROM pg_stat_activity
              WHERE datname = current_database() AND backend_type = 'client backend'
              GROUP BY 1, 2) s) AS sessions,
       current_setting('max_connections')::int AS max_connections,
       pg_database_size(current_database())::float8 AS size_bytes,
       pg_is_in_recovery() AS standby,
       CASE WHEN NOT pg_is_in_recovery() THEN NULL
            WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE greatest(0, extract(epoch FROM now() - pg_last_xact_replay_timestamp()))
       END::float8 AS replication_lag_seconds`;

interface HealthRow {
  sessions: { state: string; application: string; sessions: number }[];
  max_connections: number;
  size_bytes: number;
  standby: boolean;
  replication_lag_seconds: number | null;
}

export const databaseHealthCollector = collector<HarborDatabase>({
  name: 'database',
  source: 'database',
  defaultEnabled: true,
  help: "The database server's health: sessions by state and application, max_connections, size, standby and replication lag.",
  async collect({ client, out }) {
    const [server] = await client.query<HealthRow>('database health', DATABASE_HEALTH_SQL);
    if (!server) return;
    for (const row of server.sessions) {
      out.add('harbor_database_sessions', row.sessions, { state: row.state, application: row.application });
    }
    out.add('harbor_database_max_connections', server.max_connections);
    out.add('harbor_database_size_bytes', server.size_bytes);
    out.add('harbor_database_standby', server.standby ? 1 : 0);
    if (server.replication_lag_seconds !== null)
      out.add('harbor_database_replication_lag_seconds', server.replication_lag_seconds);
  },
});
