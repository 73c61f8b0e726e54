import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import type { DatabaseSettings } from '../../config/config.js';
import { APPLICATION_NAME } from '../../config/database-url.js';
import { errorMessage, type Logger } from '../../log.js';
import { StatementLanes } from './lanes.js';

export { APPLICATION_NAME };

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
    // A client-side guard in case the server never answers at all (network cut mid-query).
    query_timeout: settings.statementTimeoutMs + 5_000,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    idleTimeoutMillis: Math.max(500, Math.floor(settings.idleSessionTimeoutMs / 2)),
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    allowExitOnIdle: true,
    options,
    pipeline: settings.pipelining,
  });
  // An idle connection closed by the server (restart, idle limit) must not crash the process.
  pool.on('error', (error) => log.debug('idle database connection closed', { err: errorMessage(error) }));
  const target = `${settings.host}:${settings.port}/${settings.database} as ${settings.user}`;
  return new HarborPool(pool, settings.idleSessionTimeoutMs, target, log, {
    preparedStatements: settings.preparedStatements,
    pipelining: settings.pipelining,
  });
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

/** How statements reach the server. */
export interface StatementOptions {
  /** Name each statement, so the server parses and plans it once per connection. */
  preparedStatements: boolean;
  /** Hold the connections for a whole refresh and send each statement without waiting for those before it. */
  pipelining: boolean;
}

/** The statements of one refresh. */
export interface StatementSession {
  query<Row extends object>(name: string, sql: string, params?: readonly unknown[]): Promise<Row[]>;
  each(
    name: string,
    sql: string,
    params: readonly unknown[] | undefined,
    columns: readonly string[],
    onRow: (values: TextRow) => void,
  ): Promise<void>;
  /** Gives back what the session holds; always called, once its statements have settled. */
  release(): void;
}

/** The pool plus per-connection setup that must finish before the connection's first statement. */
export class HarborPool {
  /** Connections whose session limits have been sent. */
  private readonly limitsSent = new WeakSet<pg.PoolClient>();
  /**
   * Connections checked out now (so that end() can close them mid-statement), each with its listener for the errors
   * the server reports while it is checked out.
   */
  private readonly active = new Map<pg.PoolClient, (error: Error) => void>();
  /** Why a checked-out connection can no longer be trusted, once the server has said so. */
  private readonly failures = new WeakMap<pg.PoolClient, Error>();
  /** Of those, the ones pipelined sessions hold (given back by the session, or by end()). */
  private readonly held = new Set<pg.PoolClient>();
  /** Milliseconds each statement took at its last run, by name: where pipelined statements are sent. */
  private readonly costs = new Map<string, number>();

  constructor(
    readonly pool: pg.Pool,
    private readonly idleSessionTimeoutMs: number,
    /** host:port/database as user, for error messages; never the password. */
    readonly target: string,
    private readonly log: Logger,
    private readonly options: StatementOptions = { preparedStatements: true, pipelining: true },
  ) {}

  get maxConnections(): number {
    return this.pool.options.max ?? 1;
  }

  get pipelining(): boolean {
    return this.options.pipelining;
  }

  /**
   * A refresh's way to the server. Pipelined (when the pool allows it and the caller asks), it holds every
   * connection until released and sends each statement at once on the connection expected to be free first;
   * otherwise each statement checks out a connection of its own and gives it back when answered.
   */
  session(pipelined: boolean): StatementSession {
    if (!pipelined || !this.options.pipelining) {
      return {
        query: (_name, sql, params) => this.query(sql, params),
        each: (_name, sql, params, columns, onRow) => this.each(sql, params, columns, onRow),
        release: () => {},
      };
    }
    const lanes = new StatementLanes(
      {
        checkOut: () => this.checkOut(),
        checkIn: (client, broken) => this.checkIn(client, broken),
        failure: (client) => this.failures.get(client),
        isConnectionError,
      },
      this.maxConnections,
      this.costs,
    );
    return {
      query: (name, sql, params) => lanes.run(name, (client) => this.rows(client, sql, params)),
      each: (name, sql, params, columns, onRow) =>
        lanes.run(name, (client) => this.stream(client, sql, params, columns, onRow)),
      release: () => lanes.release(),
    };
  }

  async query<Row extends object>(sql: string, params?: readonly unknown[]): Promise<Row[]> {
    return this.withClient((client) => this.rows<Row>(client, sql, params));
  }

  private async rows<Row extends object>(
    client: pg.PoolClient,
    sql: string,
    params: readonly unknown[] | undefined,
  ): Promise<Row[]> {
    const result = await client.query<Row>(this.statement(sql, params));
    return result.rows;
  }

  /**
   * Runs one statement and hands each row to `onRow` as it arrives, as the text of its columns, keeping none:
   * rows of a large result then die young instead of piling up until the statement ends, and no object is built
   * per row. The statement's columns must be exactly `columns`, in that order.
   */
  async each(
    sql: string,
    params: readonly unknown[] | undefined,
    columns: readonly string[],
    onRow: (values: TextRow) => void,
  ): Promise<void> {
    await this.withClient((client) => this.stream(client, sql, params, columns, onRow));
  }

  private stream(
    client: pg.PoolClient,
    sql: string,
    params: readonly unknown[] | undefined,
    columns: readonly string[],
    onRow: (values: TextRow) => void,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const query = new TextRowStream(this.statement(sql, params), columns, onRow, (error) =>
        error ? reject(error) : resolve(),
      );
      void client.query(query);
    });
  }

  private statement(sql: string, params: readonly unknown[] | undefined): pg.QueryConfig {
    const values = params as unknown[] | undefined;
    return this.options.preparedStatements
      ? { name: statementName(sql), text: sql, values }
      : { text: sql, values };
  }

  /** A connection for a pipelined session, held until the session gives it back. */
  private async checkOut(): Promise<pg.PoolClient> {
    const client = await this.connect();
    this.held.add(client);
    return client;
  }

  /**
   * A connection from the pool, counted as active and watched for errors until given back. A new one has its
   * session limits sent ahead of its first statement, which need not wait for them: the connection runs its
   * statements in the order they were sent.
   */
  private async connect(): Promise<pg.PoolClient> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw new DatabaseConnectError(this.target, error);
    }
    // pg-pool listens for a connection's errors only while it is idle: a session the server ends while it is
    // checked out (pg_terminate_backend, a restart) would otherwise crash the process. It is watched from here, not
    // from when its holder first uses it: a refresh takes an idle one, then waits for its others to open.
    const onError = (error: Error) => {
      if (!this.failures.has(client)) this.failures.set(client, error);
    };
    client.on('error', onError);
    this.active.set(client, onError);
    if (!this.limitsSent.has(client)) {
      void this.setUp(client);
      this.limitsSent.add(client);
    }
    return client;
  }

  /** Gives a connection back to the pool; it is destroyed when it failed (`failure`, or an error the server sent). */
  private giveBack(client: pg.PoolClient, failure: Error | undefined): void {
    const onError = this.active.get(client);
    if (!onError) return;
    this.active.delete(client);
    client.off('error', onError);
    client.release(this.failures.get(client) ?? failure);
  }

  private checkIn(client: pg.PoolClient, broken: Error | undefined): void {
    if (this.held.delete(client)) this.giveBack(client, broken);
  }

  private setUp(client: pg.PoolClient): Promise<unknown> {
    return client
      .query(SESSION_SETUP_SQL, [
        String(this.idleSessionTimeoutMs),
        String(CLIENT_CHECK_INTERVAL_MS),
        String(TCP_USER_TIMEOUT_MS),
      ])
      .catch((error: unknown) =>
        this.log.debug('could not set session limits', { err: errorMessage(error) }),
      );
  }

  /** A pooled connection for one piece of work; broken connections are not reused. */
  private async withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.connect();
    let failure: Error | undefined;
    try {
      return await work(client);
    } catch (error) {
      // A connection that failed mid-statement is not trusted again.
      const cause = error instanceof Error ? error : new Error(String(error));
      if (isConnectionError(cause)) failure = cause;
      throw error;
    } finally {
      this.giveBack(client, failure);
    }
  }

  /** Closes every connection now: idle ones at once, busy ones by ending their socket mid-statement. */
  async end(): Promise<void> {
    const ended = this.pool.end();
    for (const client of this.active.keys()) closeNow(client);
    // A refresh's held connections go back now, destroyed, whether or not the refresh ever releases them.
    for (const client of this.held) this.checkIn(client, new Error('the database source is closing'));
    await ended;
  }
}

/**
 * Ends a connection now, even with statements running or queued on it. pg's end() destroys the socket of a busy
 * connection, except in pipeline mode, where it waits for every statement sent to be answered first: a statement
 * waiting on a lock would then hold the exporter's shutdown for as long as the statement timeout.
 */
function closeNow(client: pg.PoolClient): void {
  void client.end().catch(() => {});
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

/** A row's columns as the text PostgreSQL sent (null for NULL). */
export type TextRow = readonly (string | null)[];

/** Thrown by `each` for what went wrong on the exporter's side; the session itself is fine. */
export class RowHandlingError extends Error {
  override readonly name = 'RowHandlingError';
}

interface QueryInternals {
  handleRowDescription(message: { fields: { name: string }[] }): void;
  _accumulateRows: boolean;
  _canceledDueToError?: unknown;
}

/**
 * pg's Query, handing each row's text to a function instead of building an object and keeping it. pg keeps rows
 * whenever the query has a callback, and the client gives every query one when a query timeout is set; the
 * callback is still wanted for the outcome. An error set in _canceledDueToError is pg's own way of failing a
 * query once the server has finished it, which leaves the session clean. Tested
 * (test/sources/postgres/row-stream.test.ts), since it leans on how pg's Query works inside.
 */
export class TextRowStream extends pg.Query {
  constructor(
    config: pg.QueryConfig,
    private readonly columns: readonly string[],
    private readonly onRow: (values: TextRow) => void,
    callback: (error: Error | null) => void,
  ) {
    super(config, callback as never);
  }

  handleRowDescription(message: { fields: { name: string }[] }): void {
    const internals = this as unknown as QueryInternals;
    (pg.Query.prototype as unknown as QueryInternals).handleRowDescription.call(this, message);
    internals._accumulateRows = false;
    const names = message.fields.map((field) => field.name);
    if (names.join(',') !== this.columns.join(',')) {
      internals._canceledDueToError = new RowHandlingError(
        `the statement returns columns [${names.join(', ')}], expected [${this.columns.join(', ')}]`,
      );
    }
  }

  handleDataRow(message: { fields: TextRow }): void {
    const internals = this as unknown as QueryInternals;
    if (internals._canceledDueToError) return;
    try {
      this.onRow(message.fields);
    } catch (error) {
      // The rest of the rows are read and dropped; the statement's outcome is this error.
      internals._canceledDueToError =
        error instanceof RowHandlingError
          ? error
          : new RowHandlingError(errorMessage(error), { cause: error });
    }
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
function isConnectionError(error: Error | undefined): boolean {
  if (error === undefined || error instanceof RowHandlingError) return false;
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  if (severity === 'FATAL' || severity === 'PANIC') return true;
  return typeof code !== 'string' || STALE_STATEMENT_CODES.has(code);
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
