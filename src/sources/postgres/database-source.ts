import type { DatabaseSettings } from '../../config/config.js';
import { errorMessage, type Logger } from '../../log.js';
import type { Source, SourceSession } from '../source.js';
import { harborSchema, type HarborSchema } from './harbor-release.js';
import { createHarborPool, DatabaseConnectError, type HarborPool, type TextRow } from './pool.js';

/** What database collectors get: a query function that counts statements, and the Harbor release. */
export interface HarborDatabase {
  schema: HarborSchema;
  /** Runs one statement. `name` identifies it in errors and tests. */
  query<Row extends object>(name: string, sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /**
   * Runs one statement and hands over its rows one at a time, keeping none: for results that grow with the
   * registry (a row per repository or tag), so that they never all exist at once. Each row comes as the text
   * PostgreSQL sent for its columns (null for NULL), in the order `columns` names; a statement whose columns are
   * not exactly those fails. No object is built per row.
   */
  each(
    name: string,
    sql: string,
    columns: readonly string[],
    onRow: (values: TextRow) => void,
    params?: readonly unknown[],
  ): Promise<void>;
}

/** Where the connection settings come from: fixed, or discovered (Kubernetes) and re-read after auth errors. */
export interface DatabaseSettingsProvider {
  current(): Promise<DatabaseSettings>;
  /** Called when the server rejected the credentials, so the next refresh reads them again. */
  rejected?(): void;
}

const SCHEMA_VERSION_SQL = 'SELECT max(version)::int AS version FROM schema_migrations';
const INVALID_PASSWORD = '28P01';

/** Harbor's PostgreSQL as a source: one pool for the life of the process, rebuilt only if settings change. */
export class DatabaseSource implements Source<HarborDatabase> {
  readonly name = 'database' as const;
  readonly upMetric = 'harbor_database_up';
  private pool?: HarborPool;
  private poolKey?: string;
  /** Harbor's schema as the last refresh on this pool read it. */
  private schema?: HarborSchema;
  private closed = false;
  /** Statements the last finished refresh ran, for the benchmark and tests. */
  lastStatements = 0;

  constructor(
    private readonly settings: DatabaseSettingsProvider,
    private readonly log: Logger,
  ) {}

  /** Collectors run one per connection, each statement on a connection of its own. */
  get concurrency(): number {
    return this.pool?.maxConnections ?? 1;
  }

  /**
   * The server answered when it failed a statement with an error of its own (severity ERROR: a statement timeout
   * behind a lock, a missing table), not when it could not be reached or ended or refused the session.
   */
  answeredWith(error: unknown): boolean {
    if (error instanceof DatabaseConnectError) return false;
    for (let cause = error; cause instanceof Error; cause = cause.cause) {
      const { code, severity } = cause as { code?: unknown; severity?: unknown };
      if (typeof code === 'string' && severity !== undefined) return severity === 'ERROR';
    }
    return false;
  }

  async beginRefresh(): Promise<SourceSession<HarborDatabase>> {
    if (this.closed) throw new Error('database source is closed');
    const pool = await this.currentPool();
    let statements = 0;
    const statement = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
      statements++;
      try {
        return await run();
      } catch (error) {
        if (error instanceof DatabaseConnectError) {
          if (error.code === INVALID_PASSWORD) this.settings.rejected?.();
          throw error;
        }
        throw new Error(`${name}: ${errorMessage(error)}`, { cause: error });
      }
    };
    const query = <Row extends object>(name: string, sql: string, params?: readonly unknown[]) =>
      statement(name, () => pool.query<Row>(sql, params));
    const each = (
      name: string,
      sql: string,
      columns: readonly string[],
      onRow: (values: TextRow) => void,
      params?: readonly unknown[],
    ) => statement(name, () => pool.each(sql, params, columns, onRow));
    // Read alongside the collectors once known: Harbor's schema changes only with an upgrade, and a refresh that
    // ran on a schema that has since changed is discarded by verify().
    const reading = query<{ version: number | null }>('schema_migrations', SCHEMA_VERSION_SQL).then(
      ([row]) => {
        if (row?.version === null || row?.version === undefined) {
          throw new Error('schema_migrations is empty: this does not look like a Harbor database');
        }
        return harborSchema(row.version);
      },
    );
    const known = this.schema;
    if (known) reading.catch(() => {});
    const schema = known ?? (await reading);
    this.schema = schema;
    return {
      client: { schema, query, each },
      verify: async () => {
        const current = await reading;
        this.schema = current;
        if (current.version !== schema.version) {
          throw new Error(
            `Harbor's schema changed from version ${schema.version} to ${current.version} during the refresh; the next refresh uses the new one`,
          );
        }
      },
      finish: (out) => {
        this.lastStatements = statements;
        out.add('harbor_exporter_database_statements', statements);
        out.add('harbor_exporter_harbor_schema_version', schema.version);
      },
    };
  }

  private async currentPool(): Promise<HarborPool> {
    const settings = await this.settings.current();
    const key = JSON.stringify(settings);
    if (this.pool && key === this.poolKey) return this.pool;
    const previous = this.pool;
    this.pool = createHarborPool(settings, this.log);
    this.poolKey = key;
    this.schema = undefined;
    if (previous) {
      this.log.info('database settings changed; reconnecting', {
        host: settings.host,
        database: settings.database,
      });
      await previous.end().catch(() => {});
    }
    return this.pool;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pool?.end().catch(() => {});
    this.pool = undefined;
  }
}

/** Settings given at start-up that never change. */
export function fixedDatabaseSettings(settings: DatabaseSettings): DatabaseSettingsProvider {
  return { current: async () => settings };
}
