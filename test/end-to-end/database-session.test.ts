import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { silentLogger } from '../../src/log.js';
import type { DatabaseSettings } from '../../src/config/config.js';
import { Observations } from '../../src/collectors/observations.js';
import {
  DatabaseSource,
  fixedDatabaseSettings,
  LARGE_REFRESH_ROWS,
  type HarborDatabase,
} from '../../src/sources/postgres/database-source.js';
import { createHarborDatabase, type HarborTestDatabase } from '../harness/postgres.js';

/** What the server says about the sessions of one application on one database. */
async function sessionsOf(db: HarborTestDatabase, application: string): Promise<number> {
  const client = new pg.Client(db.server.clientConfig());
  await client.connect();
  try {
    const { rows } = await client.query<{ sessions: number }>(
      'SELECT count(*)::int AS sessions FROM pg_stat_activity WHERE datname = $1 AND application_name = $2',
      [db.name, application],
    );
    return rows[0]!.sessions;
  } finally {
    await client.end();
  }
}

describe('the database session the exporter opens', () => {
  let db: HarborTestDatabase;
  let source: DatabaseSource;
  let client: HarborDatabase;

  before(async () => {
    db = await createHarborDatabase({ repositories: 5, seed: 3 });
    source = new DatabaseSource(
      fixedDatabaseSettings({
        ...db.settings,
        statementTimeoutMs: 700,
        idleSessionTimeoutMs: 45_000,
        maxConnections: 3,
      }),
      silentLogger,
    );
    client = (await source.beginRefresh()).client;
  });
  after(async () => {
    await source.close();
    await db.drop();
  });

  it('is named, read-only, and limited on the server side', async () => {
    const [settings] = await client.query<Record<string, string>>(
      'settings',
      `SELECT current_setting('application_name') AS application_name,
              current_setting('default_transaction_read_only') AS read_only,
              current_setting('statement_timeout') AS statement_timeout,
              current_setting('idle_in_transaction_session_timeout') AS idle_in_transaction,
              current_setting('idle_session_timeout') AS idle_session,
              current_setting('client_connection_check_interval') AS check_interval,
              current_setting('tcp_user_timeout') AS tcp_user_timeout,
              current_setting('tcp_keepalives_idle') AS keepalives_idle,
              current_setting('max_parallel_workers_per_gather') AS parallel_workers,
              current_setting('jit') AS jit`,
    );
    assert.deepEqual(settings, {
      application_name: 'harbor-exporter',
      read_only: 'on',
      statement_timeout: '700ms',
      idle_in_transaction: '700ms',
      idle_session: '45s',
      check_interval: '5s',
      tcp_user_timeout: '60000', // milliseconds, shown without a unit
      keepalives_idle: '30',
      parallel_workers: '0',
      jit: 'off',
    });
    assert.equal(client.schema.version, 180);
    assert.equal(client.schema.release, '2.15');
  });

  it('cannot write, and names the statement that failed', async () => {
    await assert.rejects(client.query('a write', 'CREATE TABLE exporter_was_here (id int)'), {
      message: 'a write: cannot execute CREATE TABLE in a read-only transaction',
    });
    await assert.rejects(
      client.query('an update', 'UPDATE project SET name = name'),
      /read-only transaction/,
    );
  });

  it('stops a statement at the statement timeout and keeps the connection usable', async () => {
    await assert.rejects(client.query('a slow one', 'SELECT pg_sleep(5)'), {
      message: 'a slow one: canceling statement due to statement timeout',
    });
    const [row] = await client.query<{ one: number }>('after', 'SELECT 1 AS one');
    assert.equal(row?.one, 1);
  });

  it('never holds more connections than database.max-connections, however many statements wait', async () => {
    const statements = Array.from({ length: 12 }, (_, index) =>
      client.query<{ sessions: number }>(
        `parallel ${index}`,
        `SELECT pg_sleep(0.05), count(*)::int AS sessions FROM pg_stat_activity
         WHERE datname = current_database() AND application_name = 'harbor-exporter'`,
      ),
    );
    const seen = (await Promise.all(statements)).map((rows) => rows[0]!.sessions);
    assert.ok(Math.max(...seen) <= 3, `saw ${Math.max(...seen)} sessions`);
    assert.ok((await sessionsOf(db, 'harbor-exporter')) <= 3);
  });
});

describe('statements pipelined on the connections a refresh holds', () => {
  let db: HarborTestDatabase;
  before(async () => {
    db = await createHarborDatabase({ repositories: 3, seed: 5 });
  });
  after(() => db.drop());

  /** The backend each statement ran on, for statements asked for all at once. */
  async function backendsOf(client: HarborDatabase, count: number, sleepSeconds: number): Promise<number[]> {
    const asked = Array.from({ length: count }, (_, index) =>
      client.query<{ pid: number }>(
        `statement ${index}`,
        `SELECT pg_backend_pid() AS pid, pg_sleep(${sleepSeconds}) IS NULL AS slept`,
      ),
    );
    return (await Promise.all(asked)).map((rows) => rows[0]!.pid);
  }

  /**
   * A refresh's session, pipelined: statements are pipelined once a finished refresh has shown the registry to be
   * small, so one such refresh comes first.
   */
  async function pipelinedSession(source: DatabaseSource) {
    const first = await source.beginRefresh();
    first.finish?.(new Observations(['exporter', 'source']));
    await first.release?.();
    return source.beginRefresh();
  }

  /** A source on the test database with `settings` changed, closed after `work`. */
  async function withSource(
    settings: Partial<DatabaseSettings>,
    work: (source: DatabaseSource) => Promise<void>,
  ) {
    const source = new DatabaseSource(fixedDatabaseSettings({ ...db.settings, ...settings }), silentLogger);
    try {
      await work(source);
    } finally {
      await source.close();
    }
  }

  it('spreads statements asked for at once evenly over the connections it holds', async () => {
    await withSource({ maxConnections: 2 }, async (source) => {
      const session = await pipelinedSession(source);
      const pids = await backendsOf(session.client, 6, 0.02);
      session.release?.();
      const perConnection = [...new Set(pids)].map((pid) => pids.filter((seen) => seen === pid).length);
      assert.deepEqual(perConnection, [3, 3]);
    });
  });

  it('keeps a failed statement to itself: the ones queued behind it on its connection still answer', async () => {
    await withSource({ maxConnections: 1 }, async (source) => {
      const session = await pipelinedSession(source);
      const asked = [
        session.client.query('first', 'SELECT 1 AS n'),
        session.client.query('broken', 'SELECT * FROM no_such_table'),
        session.client.query('third', 'SELECT 3 AS n'),
      ];
      const [first, broken, third] = await Promise.allSettled(asked);
      session.release?.();
      assert.deepEqual(first, { status: 'fulfilled', value: [{ n: 1 }] });
      assert.equal(broken?.status, 'rejected');
      assert.match(
        String((broken as PromiseRejectedResult).reason),
        /broken: relation "no_such_table" does not exist/,
      );
      assert.deepEqual(third, { status: 'fulfilled', value: [{ n: 3 }] });
    });
  });

  it('sends the statements asked for together longest first, by their cost at the last refresh', async () => {
    await withSource({ maxConnections: 1 }, async (source) => {
      /** When each statement began on the server, for statements asked for in this order at once. */
      const startsOf = async () => {
        const session = await pipelinedSession(source);
        const ask = (name: string, sleepSeconds: number) =>
          session.client.query<{ began: string }>(
            name,
            `SELECT clock_timestamp()::text AS began, pg_sleep(${sleepSeconds}) IS NULL AS slept`,
          );
        const answers = await Promise.all([ask('short one', 0), ask('short two', 0), ask('long one', 0.1)]);
        await session.release?.();
        return answers.map((rows) => rows[0]!.began);
      };
      const [firstShort, , firstLong] = await startsOf();
      // Unknown costs: sent in the order asked.
      assert.ok(firstShort! < firstLong!);
      const [secondShort, , secondLong] = await startsOf();
      assert.ok(secondLong! < secondShort!, 'the long statement went first once its cost was known');
    });
  });

  it('works with the connections it could get when the server refuses some', async () => {
    await db.admin.query(`CREATE ROLE exporter_one LOGIN PASSWORD 'one' CONNECTION LIMIT 1`);
    await db.admin.query(`GRANT SELECT ON schema_migrations TO exporter_one`);
    await withSource({ user: 'exporter_one', password: 'one', maxConnections: 2 }, async (source) => {
      const session = await pipelinedSession(source);
      const pids = await backendsOf(session.client, 4, 0);
      session.release?.();
      assert.equal(new Set(pids).size, 1);
    }).finally(async () => {
      await db.admin.query('DROP OWNED BY exporter_one');
      await db.admin.query('DROP ROLE exporter_one');
    });
  });

  it('runs every collector at once once the registry is known to be small, else one per connection', async () => {
    await withSource({ maxConnections: 2 }, async (source) => {
      const refreshStreaming = async (rows: number) => {
        const session = await source.beginRefresh();
        let seen = 0;
        await session.client.each(
          'rows',
          'SELECT n FROM generate_series(1, $1::int) AS n',
          ['n'],
          () => seen++,
          [rows],
        );
        session.finish?.(new Observations(['exporter', 'source']));
        await session.release?.();
        assert.equal(seen, rows);
      };
      assert.equal(source.concurrency, 1, 'no pool yet');
      await refreshStreaming(10);
      assert.equal(source.concurrency, Number.POSITIVE_INFINITY);
      await refreshStreaming(LARGE_REFRESH_ROWS);
      assert.equal(source.concurrency, 2);
      await refreshStreaming(10);
      assert.equal(source.concurrency, Number.POSITIVE_INFINITY);
    });
  });

  it('runs one statement per connection at a time when pipelining is off', async () => {
    await withSource({ maxConnections: 2, pipelining: false }, async (source) => {
      const session = await source.beginRefresh();
      assert.equal(source.concurrency, 2);
      const pids = await backendsOf(session.client, 4, 0.02);
      session.release?.();
      assert.ok(new Set(pids).size <= 2);
      assert.ok((await sessionsOf(db, 'harbor-exporter')) <= 2);
    });
  });
});

describe('statements prepared once per connection', () => {
  let db: HarborTestDatabase;
  before(async () => {
    db = await createHarborDatabase({ repositories: 3, seed: 4 });
    await db.admin.query('CREATE TABLE exporter_probe (v int)');
    await db.admin.query('INSERT INTO exporter_probe VALUES (7)');
  });
  after(() => db.drop());

  /** Runs `work` on a one-connection source, so that every statement meets the same session. */
  async function inOneSession(
    preparedStatements: boolean,
    work: (client: HarborDatabase, next: () => Promise<HarborDatabase>) => Promise<void>,
  ) {
    const source = new DatabaseSource(
      fixedDatabaseSettings({ ...db.settings, maxConnections: 1, preparedStatements }),
      silentLogger,
    );
    let session = await source.beginRefresh();
    /** Ends this refresh and begins the next. */
    const next = async () => {
      await session.release?.();
      session = await source.beginRefresh();
      return session.client;
    };
    try {
      await work(session.client, next);
    } finally {
      await session.release?.();
      await source.close();
    }
  }
  const PREPARED_SQL = `SELECT name, statement FROM pg_prepared_statements WHERE statement LIKE '%exporter_probe%'`;

  it('prepares a statement on its first run and reuses it after', () =>
    inOneSession(true, async (client) => {
      for (let run = 0; run < 3; run++) {
        assert.deepEqual(await client.query('probe', 'SELECT v FROM exporter_probe'), [{ v: 7 }]);
      }
      const prepared = await client.query<{ name: string; statement: string }>('prepared', PREPARED_SQL);
      const probes = prepared.filter((row) => row.statement === 'SELECT v FROM exporter_probe');
      assert.equal(probes.length, 1);
      assert.match(probes[0]!.name, /^harbor_exporter_[0-9a-f]{16}$/);
    }));

  it('prepares nothing when told not to', () =>
    inOneSession(false, async (client) => {
      await client.query('probe', 'SELECT v FROM exporter_probe');
      assert.deepEqual(await client.query('prepared', 'SELECT name FROM pg_prepared_statements'), []);
    }));

  it('replaces a session whose prepared statement went stale when a table changed under it', () =>
    inOneSession(true, async (client, next) => {
      await client.query('probe', 'SELECT v FROM exporter_probe');
      const [before] = await client.query<{ pid: number }>('pid', 'SELECT pg_backend_pid() AS pid');
      await db.admin.query('ALTER TABLE exporter_probe ALTER COLUMN v TYPE bigint');
      await assert.rejects(
        client.query('probe', 'SELECT v FROM exporter_probe'),
        /probe: cached plan must not change result type/,
      );
      // The refresh goes on with what it holds; the next one gets a new session.
      const following = await next();
      assert.deepEqual(await following.query('probe', 'SELECT v FROM exporter_probe'), [{ v: '7' }]);
      const [after] = await following.query<{ pid: number }>('pid', 'SELECT pg_backend_pid() AS pid');
      assert.notEqual(after!.pid, before!.pid, 'a new session took over');
    }));
});

describe("Harbor's schema version, read alongside the collectors once known", () => {
  let db: HarborTestDatabase;
  let source: DatabaseSource;
  before(async () => {
    db = await createHarborDatabase({ repositories: 3, seed: 6 });
    source = new DatabaseSource(fixedDatabaseSettings(db.settings), silentLogger);
  });
  after(async () => {
    await source.close();
    await db.drop();
  });

  const newest = async () =>
    (await db.admin.query<{ id: string }>('SELECT max(version) AS id FROM schema_migrations')).rows[0]!.id;

  it('discards a refresh that ran while Harbor was upgraded, and uses the new schema in the next', async () => {
    const first = await source.beginRefresh();
    const version = first.client.schema.version;
    await first.verify?.();
    await first.release?.();

    // Harbor upgraded between the exporter's refreshes: the next refresh starts on what it knew.
    await db.admin.query('UPDATE schema_migrations SET version = $1 WHERE version = $2', [
      version + 1,
      await newest(),
    ]);
    const during = await source.beginRefresh();
    assert.equal(during.client.schema.version, version);
    await assert.rejects(
      during.verify!(),
      new RegExp(`schema changed from version ${version} to ${version + 1} during the refresh`),
    );
    await during.release?.();

    const after = await source.beginRefresh();
    assert.equal(after.client.schema.version, version + 1);
    await after.verify?.();
    await after.release?.();
  });
});
