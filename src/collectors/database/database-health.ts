import type { HarborDatabase } from '../../sources/postgres/database-source.js';
import { collector } from '../types.js';

/**
 * PostgreSQL's own catalog, independent of the Harbor release, in one statement: sessions by state and
 * application (as JSON, a few rows), and the server's figures. On a standby, whether a WAL receiver runs (its row
 * in pg_stat_wal_receiver exists for every role; its details only for pg_read_all_stats); while one runs, the WAL
 * received and not yet replayed, in bytes, and the replay lag in seconds: the age of the last replayed
 * transaction, or 0 when everything received has been replayed (an idle primary would otherwise look like growing
 * lag). Without a WAL receiver, or before any transaction was replayed, the lag is unknown (NULL), not 0.
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
       CASE WHEN pg_is_in_recovery() THEN wal.receiving END AS wal_receiver_up,
       CASE WHEN wal.receiving AND wal.received IS NOT NULL
            THEN greatest(0, pg_wal_lsn_diff(wal.received, wal.replayed))
       END::float8 AS replication_lag_bytes,
       CASE WHEN NOT wal.receiving OR wal.received IS NULL THEN NULL
            WHEN wal.received <= wal.replayed THEN 0
            WHEN wal.replayed_at IS NULL THEN NULL
            ELSE greatest(0, extract(epoch FROM now() - wal.replayed_at))
       END::float8 AS replication_lag_seconds
FROM (SELECT pg_is_in_recovery() AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver) AS receiving,
             pg_last_wal_receive_lsn() AS received, pg_last_wal_replay_lsn() AS replayed,
             pg_last_xact_replay_timestamp() AS replayed_at) AS wal`;

interface HealthRow {
  sessions: { state: string; application: string; sessions: number }[];
  max_connections: number;
  size_bytes: number;
  standby: boolean;
  wal_receiver_up: boolean | null;
  replication_lag_bytes: number | null;
  replication_lag_seconds: number | null;
}

export const databaseHealthCollector = collector<HarborDatabase>({
  name: 'database',
  source: 'database',
  defaultEnabled: true,
  help: "The database server's health: sessions by state and application, max_connections, size, standby, WAL receiver and replication lag.",
  async collect({ client, out }) {
    const [server] = await client.query<HealthRow>('database health', DATABASE_HEALTH_SQL);
    if (!server) return;
    for (const row of server.sessions) {
      out.add('harbor_database_sessions', row.sessions, { state: row.state, application: row.application });
    }
    out.add('harbor_database_max_connections', server.max_connections);
    out.add('harbor_database_size_bytes', server.size_bytes);
    out.add('harbor_database_standby', server.standby ? 1 : 0);
    if (server.wal_receiver_up !== null)
      out.add('harbor_database_wal_receiver_up', server.wal_receiver_up ? 1 : 0);
    if (server.replication_lag_bytes !== null)
      out.add('harbor_database_replication_lag_bytes', server.replication_lag_bytes);
    if (server.replication_lag_seconds !== null)
      out.add('harbor_database_replication_lag_seconds', server.replication_lag_seconds);
  },
});
