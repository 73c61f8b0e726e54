import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { databaseHealthCollector } from '../../../src/collectors/database/database-health.js';
import { silentLogger } from '../../../src/log.js';
import { DatabaseSource, fixedDatabaseSettings } from '../../../src/sources/postgres/database-source.js';
import { collectOnce, pointValue } from '../../harness/exporter.js';
import { createHarborDatabase, type HarborTestDatabase } from '../../harness/postgres.js';
import { findBaseBackup, StandbyServer } from './standby.js';

/** Polls until `check` holds; the machine may be loaded, so the bound is generous. */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('database collector: primary or standby, and replication lag', () => {
  let db: HarborTestDatabase;
  let standby: StandbyServer;
  let standbyAdmin: pg.Client;
  const sources: DatabaseSource[] = [];

  let skipStandby: string | false = false;

  before(async () => {
    db = await createHarborDatabase({ repositories: 5, seed: 2 });
    const baseBackup = findBaseBackup(db.server);
    if (!baseBackup) {
      skipStandby =
        'not run: no pg_basebackup of the server version on this machine (apt-get install postgresql-15)';
      return;
    }
    standby = await StandbyServer.start(db.server, baseBackup);
    standbyAdmin = new pg.Client({ ...db.server.clientConfig(db.name), port: standby.port });
    await standbyAdmin.connect();
  });
  after(async () => {
    let t = Date.now();
    const lap = (what: string) => {
      console.log(what, Date.now() - t);
      t = Date.now();
    };
    for (const source of sources) await source.close();
    lap('sources');
    await standbyAdmin?.end().catch(() => {});
    lap('admin');
    await standby?.destroy();
    lap('standby');
    await db?.drop();
    lap('drop');
  });

  const collectFrom = (port: number) => {
    const source = new DatabaseSource(fixedDatabaseSettings({ ...db.settings, port }), silentLogger);
    sources.push(source);
    return collectOnce(source, databaseHealthCollector);
  };
  const replay = async () =>
    (
      await standbyAdmin.query<{ received: string; replayed: string }>(
        'SELECT pg_last_wal_receive_lsn()::text AS received, pg_last_wal_replay_lsn()::text AS replayed',
      )
    ).rows[0]!;

  it('says primary and publishes no lag on the primary', async () => {
    const points = await collectFrom(db.server.port);
    assert.equal(pointValue(points, 'harbor_database_standby'), 0);
    assert.equal(pointValue(points, 'harbor_database_replication_lag_seconds'), undefined);
    assert.equal(pointValue(points, 'harbor_database_replication_lag_bytes'), undefined);
    assert.equal(pointValue(points, 'harbor_database_wal_receiver_up'), undefined);
  });

  it('says standby, with no lag once everything received is replayed', async (t) => {
    if (skipStandby) return t.skip(skipStandby);
    await db.admin.query('CREATE TABLE replication_probe (note text)');
    await db.admin.query(`INSERT INTO replication_probe VALUES ('caught-up')`);
    await eventually(async () => {
      const { rows } = await standbyAdmin
        .query('SELECT note FROM replication_probe')
        .catch(() => ({ rows: [] as unknown[] }));
      const { received, replayed } = await replay();
      return rows.length === 1 && received === replayed;
    }, 'the standby to replay');
    const points = await collectFrom(standby.port);
    assert.equal(pointValue(points, 'harbor_database_standby'), 1);
    assert.equal(pointValue(points, 'harbor_database_replication_lag_seconds'), 0);
    assert.equal(pointValue(points, 'harbor_database_replication_lag_bytes'), 0);
    assert.equal(pointValue(points, 'harbor_database_wal_receiver_up'), 1);
  });

  it('publishes the age of the last replayed transaction while replay trails what was received', async (t) => {
    if (skipStandby) return t.skip(skipStandby);
    await standbyAdmin.query('SELECT pg_wal_replay_pause()');
    try {
      await db.admin.query(`INSERT INTO replication_probe VALUES ('behind')`);
      await eventually(async () => {
        const { received, replayed } = await replay();
        return received !== replayed;
      }, 'WAL received but not replayed');
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const points = await collectFrom(standby.port);
      const { rows } = await standbyAdmin.query<{ age: number }>(
        'SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS age',
      );
      const { rows: bytes } = await standbyAdmin.query<{ behind: number }>(
        'SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::float8 AS behind',
      );
      const lagBytes = pointValue(points, 'harbor_database_replication_lag_bytes')!;
      assert.ok(lagBytes > 0, `${lagBytes} bytes received and not replayed`);
      assert.ok(
        lagBytes <= bytes[0]!.behind,
        `${lagBytes} bytes, at most ${bytes[0]!.behind} measured after`,
      );
      const lag = pointValue(points, 'harbor_database_replication_lag_seconds')!;
      assert.ok(lag >= 1, `lag ${lag} s after a paused replay of over a second`);
      assert.ok(
        lag <= rows[0]!.age,
        `lag ${lag} s is at most the replay age measured after it, ${rows[0]!.age} s`,
      );
    } finally {
      await standbyAdmin.query('SELECT pg_wal_replay_resume()');
    }
  });

  it('publishes the WAL receiver down and no lag (unknown, not 0) on a standby without one', async (t) => {
    if (skipStandby) return t.skip(skipStandby);
    const { rows } = await standbyAdmin.query<{ conninfo: string }>(
      `SELECT current_setting('primary_conninfo') AS conninfo`,
    );
    const conninfo = rows[0]!.conninfo;
    const receivers = async () =>
      (await standbyAdmin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_wal_receiver'))
        .rows[0]!.n;
    // Without primary_conninfo the standby stops its WAL receiver and starts none.
    await standbyAdmin.query(`ALTER SYSTEM SET primary_conninfo = ''`);
    await standbyAdmin.query('SELECT pg_reload_conf()');
    try {
      await eventually(async () => (await receivers()) === 0, 'the WAL receiver to stop');
      const points = await collectFrom(standby.port);
      assert.equal(pointValue(points, 'harbor_database_standby'), 1);
      assert.equal(pointValue(points, 'harbor_database_wal_receiver_up'), 0);
      assert.equal(pointValue(points, 'harbor_database_replication_lag_seconds'), undefined);
      assert.equal(pointValue(points, 'harbor_database_replication_lag_bytes'), undefined);
    } finally {
      await standbyAdmin.query(`ALTER SYSTEM SET primary_conninfo = '${conninfo.replaceAll("'", "''")}'`);
      await standbyAdmin.query('SELECT pg_reload_conf()');
    }
  });
});
