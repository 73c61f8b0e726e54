import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { Collector } from '../../src/collectors/types.js';
import type { DatabaseSettings } from '../../src/config/config.js';
import { silentLogger } from '../../src/log.js';
import { SourceRunner, type SourceState } from '../../src/refresh/source-runner.js';
import {
  DatabaseSource,
  fixedDatabaseSettings,
  type HarborDatabase,
} from '../../src/sources/postgres/database-source.js';
import { pointArrays, pointValue } from '../harness/exporter.js';
import { createHarborDatabase, type HarborTestDatabase } from '../harness/postgres.js';

/** A collector reading the project table, which the test locks. */
const projectsCollector: Collector<HarborDatabase> = {
  name: 'projects',
  collect: async ({ client }) => {
    await client.query('projects', 'SELECT count(*) FROM project');
  },
};

const up = (state: SourceState) => pointValue(pointArrays(state.own), 'harbor_database_up');

describe('harbor_database_up under a long lock', () => {
  let db: HarborTestDatabase;
  let locker: pg.Client;

  before(async () => {
    db = await createHarborDatabase({ repositories: 3, seed: 8 });
    locker = new pg.Client(db.server.clientConfig(db.name));
    await locker.connect();
  });
  after(async () => {
    await locker.end();
    await db.drop();
  });

  /** Runs `work` while `table` is locked by another session, and releases the lock after. */
  async function whileLocked(table: string, work: () => Promise<void>): Promise<void> {
    await locker.query('BEGIN');
    await locker.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
    try {
      await work();
    } finally {
      await locker.query('ROLLBACK');
    }
  }

  /** A runner of the database source with `settings` changed and a refresh deadline of `timeoutMs`. */
  function runnerOn(settings: Partial<DatabaseSettings>, timeoutMs: number) {
    const source = new DatabaseSource(fixedDatabaseSettings({ ...db.settings, ...settings }), silentLogger);
    const runner = new SourceRunner(source, [projectsCollector], {
      intervalMs: 3_600_000,
      timeoutMs,
      keepStaleForMs: 300_000,
      log: silentLogger,
      onRefreshed: () => {},
    });
    return { source, runner };
  }

  it('reads 1 while a statement waits on a lock past the refresh deadline, and while turns are skipped', async () => {
    const { source, runner } = runnerOn({ statementTimeoutMs: 2_000 }, 500);
    try {
      // Connected, and Harbor's schema known: the refresh under the lock begins at once.
      assert.equal((await runner.refresh()).success, true);
      await whileLocked('project', async () => {
        const timedOut = await runner.refresh();
        assert.match(timedOut.lastError ?? '', /timed out/);
        assert.equal(up(timedOut), 1);
        const skipped = await runner.refresh();
        assert.match(skipped.lastError ?? '', /has not finished yet/);
        assert.equal(up(skipped), 1);
      });
      await runner.stop();
    } finally {
      await source.close();
    }
  });

  it('reads 1 when the statement timeout cancels the first read of the schema behind a lock', async () => {
    const { source, runner } = runnerOn({ statementTimeoutMs: 300 }, 10_000);
    try {
      await whileLocked('schema_migrations', async () => {
        const failed = await runner.refresh();
        assert.match(
          failed.lastError ?? '',
          /schema_migrations: canceling statement due to statement timeout/,
        );
        assert.equal(failed.success, false);
        assert.equal(up(failed), 1);
      });
      const next = await runner.refresh();
      assert.deepEqual([next.success, up(next)], [true, 1]);
    } finally {
      await source.close();
    }
  });

  it('reads 0 when the database cannot be reached', async () => {
    const { source, runner } = runnerOn({ database: 'no_such_database', connectTimeoutMs: 1_000 }, 5_000);
    try {
      const failed = await runner.refresh();
      assert.match(failed.lastError ?? '', /database "no_such_database" does not exist/);
      assert.equal(up(failed), 0);
    } finally {
      await source.close();
    }
  });
});
