import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { PostgresServer } from '../../../src/demo/postgres-server.js';
import { APPLICATION_NAME, createHarborPool, type HarborPool } from '../../../src/sources/postgres/pool.js';
import { silentLogger } from '../../../src/log.js';
import { testDatabaseSettings, testPostgres } from '../../harness/postgres.js';

/** Blocks the event loop: what the server does meanwhile is read only afterwards, all at once. */
function blockEventLoop(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe('a pooled session the server has ended', () => {
  let server: PostgresServer;
  let admin: pg.Client;
  let pool: HarborPool;
  const uncaught: unknown[] = [];
  const record = (error: unknown) => uncaught.push(error);

  before(async () => {
    server = await testPostgres();
    admin = new pg.Client(server.clientConfig());
    await admin.connect();
    pool = createHarborPool(testDatabaseSettings(server, 'postgres'), silentLogger);
    process.on('uncaughtException', record);
  });
  after(async () => {
    process.off('uncaughtException', record);
    await pool.end();
    await admin.end();
  });

  it('fails the statement that drew it, then gives the next one a new session, without crashing', async () => {
    const [first] = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    // The server ends the idle session (an administrator, a restart) while the exporter is busy, so the pool
    // hands the dead session to a statement before it has read that the session is gone.
    const terminated = admin.query(
      'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1',
      [APPLICATION_NAME],
    );
    blockEventLoop(300);
    await assert.rejects(pool.query('SELECT 1'), /terminating connection/);
    const [next] = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    assert.notEqual(next?.pid, first?.pid);
    assert.equal((await terminated).rows[0]?.n, 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(uncaught, []);
  });
});
