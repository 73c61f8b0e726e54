import { readFileSync } from 'node:fs';
import pg from 'pg';
import type { DatabaseSettings } from '../../config/config.js';
import { errorMessage, type Logger } from '../../log.js';

export const APPLICATION_NAME = 'harbor-exporter';

/** Server-side TCP keepalive: a peer that stops answering is dropped after about idle + interval * count. */
const KEEPALIVE = { idle: 30, interval: 10, count: 3 };

/**
 * A small pool on Harbor's database that cannot hurt it: few connections, read-only sessions, a statement
 * timeout, server-side keepalives and an idle-session limit, so that a connection whose client vanished is
 * reaped by the server itself. The client closes idle connections before the server would.
 */
export function createHarborPool(settings: DatabaseSettings, log: Logger): HarborPool {
  const options = [
    '-c default_transaction_read_only=on',
    `-c tcp_keepalives_idle=${KEEPALIVE.idle}`,
    `-c tcp_keepalives_interval=${KEEPALIVE.interval}`,
    `-c tcp_keepalives_count=${KEEPALIVE.count}`,
  ].join(' ');
  const pool = new pg.Pool({
    host: settings.host,
    port: settings.port,
    user: settings.user,
    password: settings.password,
    database: settings.database,
    ssl: tlsOptions(settings),
    max: settings.maxConnections,
    application_name: APPLICATION_NAME,
    statement_timeout: settings.statementTimeoutMs,
    idle_in_transaction_session_timeout: settings.statementTimeoutMs,
    // A client-side guard in case the server never answers at all (network cut mid-query).
    query_timeout: settings.statementTimeoutMs + 5_000,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    idleTimeoutMillis: Math.max(500, Math.floor(settings.idleSessionTimeoutMs / 2)),
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    allowExitOnIdle: true,
    options,
  });
  // An idle connection closed by the server (restart, idle limit) must not crash the process.
  pool.on('error', (error) => log.debug('idle database connection closed', { err: errorMessage(error) }));
  return new HarborPool(pool, settings.idleSessionTimeoutMs, log);
}

/** The pool plus per-connection setup that must finish before the connection's first statement. */
export class HarborPool {
  private readonly prepared = new WeakSet<pg.PoolClient>();

  constructor(
    readonly pool: pg.Pool,
    private readonly idleSessionTimeoutMs: number,
    private readonly log: Logger,
  ) {}

  get maxConnections(): number {
    return this.pool.options.max ?? 1;
  }

  async query<Row extends object>(sql: string, params?: readonly unknown[]): Promise<Row[]> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      if (!this.prepared.has(client)) {
        // idle_session_timeout exists from PostgreSQL 14 on; on older servers this selects nothing.
        await client
          .query(
            `SELECT set_config('idle_session_timeout', $1, false) WHERE current_setting('server_version_num')::int >= 140000`,
            [String(this.idleSessionTimeoutMs)],
          )
          .catch((error: unknown) =>
            this.log.debug('could not set idle_session_timeout', { err: errorMessage(error) }),
          );
        this.prepared.add(client);
      }
      const result = await client.query<Row>({ text: sql, values: params as unknown[] | undefined });
      return result.rows;
    } catch (error) {
      // A connection that failed mid-statement is not trusted again.
      broken = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      client.release(isConnectionError(broken) ? broken : undefined);
    }
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}

/** Statement errors (SQLSTATE present) leave the connection usable; anything else does not. */
function isConnectionError(error: Error | undefined): boolean {
  return error !== undefined && typeof (error as { code?: unknown }).code !== 'string';
}

function tlsOptions(settings: DatabaseSettings): pg.PoolConfig['ssl'] {
  switch (settings.sslmode) {
    case 'disable':
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return { ca: readFileSync(settings.caFile!, 'utf8'), checkServerIdentity: () => undefined };
    case 'verify-full':
      return { ca: readFileSync(settings.caFile!, 'utf8') };
  }
}
