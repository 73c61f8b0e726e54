import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import type { DatabaseSettings } from '../../config/config.js';
import { APPLICATION_NAME } from '../../config/database-url.js';
import { errorMessage, type Logger } from '../../log.js';
import { RowHandlingError, streamTextRows, type TextRow } from './text-rows.js';

export { RowHandlingError, type TextRow } from './text-rows.js';

export { APPLICATION_NAME };

/** Server-side TCP keepalive: a peer that stops answering is dropped after about idle + interval * count. */
const KEEPALIVE = { idle: 30, interval: 10, count: 3 };
/** How much longer than the statement timeout the client waits for an answer before it gives the session up. */
const CLIENT_GRACE_MS = 5_000;

/**
 * A small pool on Harbor's database that cannot hurt it: few connections, read-only sessions, a statement
 * timeout, server-side keepalives and an idle-session limit, so that a connection whose client vanished is
 * reaped by the server itself. The client closes idle connections before the server would.
 */
export function createHarborPool(settings: DatabaseSettings, log: Logger): HarborPool {
  const options = [
    '-c default_transaction_read_only=on',
    // Parallel workers and JIT compilation cost Harbor's server more CPU than they save on these statements.
    '-c max_parallel_workers_per_gather=0',
    '-c jit=off',
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
    connectionTimeoutMillis: settings.connectTimeoutMs,
    idleTimeoutMillis: Math.max(500, Math.floor(settings.idleSessionTimeoutMs / 2)),
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    allowExitOnIdle: true,
    options,
  });
  // An idle connection closed by the server (restart, idle limit) must not crash the process.
  pool.on('error', (error) => log.debug('idle database connection closed', { err: errorMessage(error) }));
  const target = `${settings.host}:${settings.port}/${settings.database} as ${settings.user}`;
  return new HarborPool(pool, settings, target, log);
}

/**
 * Settings made on each new connection before its first statement. They exist from PostgreSQL 14 on (where they
 * do not, nothing is set): idle_session_timeout lets the server end a session whose client vanished without
 * closing it; client_connection_check_interval lets a running statement notice that its client is gone;
 * tcp_user_timeout ends a session stuck sending to a client that no longer acknowledges anything.
 */
const SESSION_SETUP_SQL = `
SELECT set_config('idle_session_timeout', $1, false),
       set_config('client_connection_check_interval', $2, false),
       set_config('tcp_user_timeout', $3, false)
WHERE current_setting('server_version_num')::int >= 140000`;
const CLIENT_CHECK_INTERVAL_MS = 5_000;
const TCP_USER_TIMEOUT_MS = (KEEPALIVE.idle + KEEPALIVE.interval * KEEPALIVE.count) * 1000;

/** The server could not be reached or refused the session; `code` is PostgreSQL's SQLSTATE or Node's errno. */
export class DatabaseConnectError extends Error {
  readonly code?: string;

  constructor(target: string, cause: unknown) {
    super(`cannot connect to ${target}: ${errorMessage(cause)}`, { cause });
    this.name = 'DatabaseConnectError';
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') this.code = code;
  }
}

/**
 * pg's Pool, each statement on a connection of its own for as long as it runs. New connections get their session
 * limits in the pool's `connect` event: the setup is queued on the connection before the statement that asked
 * for it, and a connection runs what it is given in order.
 */
export class HarborPool {
  /** Connections checked out now, so that end() can close them mid-statement. */
  private readonly active = new Set<pg.PoolClient>();
  /** Why a checked-out connection can no longer be trusted, once the server has said so. */
  private readonly failures = new WeakMap<pg.PoolClient, Error>();
  private limitsWarned = false;

  constructor(
    readonly pool: pg.Pool,
    private readonly settings: Pick<
      DatabaseSettings,
      'statementTimeoutMs' | 'idleSessionTimeoutMs' | 'preparedStatements'
    >,
    /** host:port/database as user, for error messages; never the password. */
    readonly target: string,
    private readonly log: Logger,
  ) {
    pool.on('connect', (client) => this.setUp(client));
  }

  get maxConnections(): number {
    return this.pool.options.max ?? 1;
  }

  /** How long the client waits for any answer: a guard in case the server never answers (network cut). */
  private get answerTimeoutMs(): number {
    return this.settings.statementTimeoutMs + CLIENT_GRACE_MS;
  }

  async query<Row extends object>(sql: string, params?: readonly unknown[]): Promise<Row[]> {
    return this.withClient(async (client) => (await client.query<Row>(this.statement(sql, params))).rows);
  }

  /**
   * Runs one statement and hands each row to `onRow` as it arrives, as the text of its columns, keeping none:
   * rows of a large result then die young instead of piling up until the statement ends. The statement's columns
   * must be exactly `columns`, in that order.
   */
  async each(
    sql: string,
    params: readonly unknown[] | undefined,
    columns: readonly string[],
    onRow: (values: TextRow) => void,
  ): Promise<void> {
    await this.withClient((client) => streamTextRows(client, this.statement(sql, params), columns, onRow));
  }

  private statement(sql: string, params: readonly unknown[] | undefined): pg.QueryConfig {
    const values = params as unknown[] | undefined;
    return this.settings.preparedStatements
      ? { name: statementName(sql), text: sql, values }
      : { text: sql, values };
  }

  /** A pooled connection for one statement, watched for errors until given back; broken ones are not reused. */
  private async withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw new DatabaseConnectError(this.target, error);
    }
    // pg-pool listens for a connection's errors only while it is idle: a session the server ends while it is
    // checked out (pg_terminate_backend, a restart) would otherwise crash the process.
    const onError = (error: Error) => {
      if (!this.failures.has(client)) this.failures.set(client, error);
    };
    client.on('error', onError);
    this.active.add(client);
    let failure: Error | undefined;
    // A guard in case the server never answers (network cut). Not pg's query_timeout: it gives the statement a
    // callback, and pg keeps every row of a statement that has one.
    let guard: NodeJS.Timeout | undefined;
    const unanswered = new Promise<never>((_, reject) => {
      guard = setTimeout(() => {
        reject(new Error(`no answer from the server within ${this.answerTimeoutMs} ms`));
        void client.end().catch(() => {});
      }, this.answerTimeoutMs);
    });
    try {
      return await Promise.race([work(client), unanswered]);
    } catch (error) {
      // A connection that failed mid-statement is not trusted again.
      const cause = asError(error);
      if (isConnectionError(cause)) failure = cause;
      throw error;
    } finally {
      clearTimeout(guard);
      this.active.delete(client);
      client.off('error', onError);
      client.release(this.failures.get(client) ?? failure);
    }
  }

  private setUp(client: pg.PoolClient): void {
    const limits = [
      String(this.settings.idleSessionTimeoutMs),
      String(CLIENT_CHECK_INTERVAL_MS),
      String(TCP_USER_TIMEOUT_MS),
    ];
    client.query({ text: SESSION_SETUP_SQL, values: limits }).catch((error: unknown) => {
      const err = errorMessage(error);
      // A session that broke meanwhile fails its statement too; a refused setting is worth a warning, once per
      // pool: the same refusal would otherwise be logged for every new connection.
      if (isConnectionError(asError(error))) return this.log.debug('could not set session limits', { err });
      if (this.limitsWarned) return;
      this.limitsWarned = true;
      this.log.warn(
        'could not set the session limits (idle-session-timeout, client check, TCP user timeout); sessions run without them',
        { err },
      );
    });
  }

  /** Closes every connection now: idle ones at once, busy ones by ending their socket mid-statement. */
  async end(): Promise<void> {
    const ended = this.pool.end();
    // pg's end() destroys the socket of a connection with a statement running.
    for (const client of this.active) void client.end().catch(() => {});
    await ended;
  }
}

const statementNames = new Map<string, string>();

/** A name per statement text; the exporter's texts are a small fixed set. */
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (!name) {
    name = `harbor_exporter_${createHash('sha256').update(sql).digest('hex').slice(0, 16)}`;
    statementNames.set(sql, name);
  }
  return name;
}

/**
 * Errors after which the session's prepared statements cannot be trusted: a table changed under a cached plan
 * (Harbor upgraded while the exporter runs), or a pooler handed the statement to another server session.
 */
const STALE_STATEMENT_CODES = new Set(['0A000', '26000']);

/**
 * Statement errors (SQLSTATE present) leave the connection usable; anything else does not, nor does an error the
 * server sent as it ended the session (severity FATAL or PANIC: terminated by an administrator, shutting down).
 */
function isConnectionError(error: Error): boolean {
  if (error instanceof RowHandlingError) return false;
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  if (severity === 'FATAL' || severity === 'PANIC') return true;
  return typeof code !== 'string' || STALE_STATEMENT_CODES.has(code);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
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
