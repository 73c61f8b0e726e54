import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PostgresServer } from '../../../src/demo/postgres-server.js';
import { createHarborPool, type HarborPool } from '../../../src/sources/postgres/pool.js';
import { streamTextRows } from '../../../src/sources/postgres/text-rows.js';
import { silentLogger } from '../../../src/log.js';
import { testDatabaseSettings, testPostgres } from '../../harness/postgres.js';

const ROWS = 20_000;
const SERIES_SQL = `SELECT g AS n, repeat('x', 20) AS padding FROM generate_series(1, ${ROWS}) AS g`;
const COLUMNS = ['n', 'padding'];

describe('rows handed over one at a time', () => {
  let server: PostgresServer;
  let pool: HarborPool;

  before(async () => {
    server = await testPostgres();
    // The statement timeout gives every query a client-side read timeout too: the case where pg keeps rows.
    pool = createHarborPool(testDatabaseSettings(server, 'postgres'), silentLogger);
  });
  after(() => pool.end());

  it('delivers every row in order', async () => {
    const seen: number[] = [];
    await pool.each(SERIES_SQL, undefined, COLUMNS, (values) => seen.push(Number(values[0])));
    assert.equal(seen.length, ROWS);
    assert.ok(seen.every((n, index) => n === index + 1));
  });

  it('keeps none of the rows it emitted, on a connection of the pool with its timeouts set', async () => {
    const client = await pool.pool.connect();
    try {
      let emitted = 0;
      const result = await streamTextRows(client, { text: SERIES_SQL }, COLUMNS, () => emitted++);
      assert.deepEqual([emitted, result.rowCount, result.rows.length], [ROWS, ROWS, 0]);
    } finally {
      client.release();
    }
  });

  it('fails with the server’s error, and the connection serves the next statement', async () => {
    await assert.rejects(
      pool.each('SELECT 1 / (g - 100) AS n FROM generate_series(1, 200) AS g', undefined, ['n'], () => {}),
      /division by zero/,
    );
    const [row] = await pool.query<{ ok: number }>('SELECT 1 AS ok');
    assert.equal(row?.ok, 1);
  });

  it('fails with the error a row handler throws, after the statement has ended cleanly', async () => {
    const pid = async () => (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0]!.pid;
    const sessions = new Set([await pid(), await pid()]);
    let calls = 0;
    await assert.rejects(
      pool.each(SERIES_SQL, undefined, COLUMNS, (values) => {
        calls++;
        if (values[0] === '10') throw new Error('bad row 10');
      }),
      /bad row 10/,
    );
    assert.equal(calls, 10, 'no row is handed over after the failing one');
    const [row] = await pool.query<{ ok: number }>('SELECT 2 AS ok');
    assert.equal(row?.ok, 2);
    // The session was sound: kept, not replaced.
    assert.ok(sessions.has(await pid()));
  });

  it('fails a statement whose columns are not the ones named, naming both', async () => {
    let calls = 0;
    await assert.rejects(
      pool.each(SERIES_SQL, undefined, ['padding', 'n'], () => calls++),
      /the statement returns columns \[n, padding\], expected \[padding, n\]/,
    );
    assert.equal(calls, 0);
  });
});
