import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PostgresServer } from '../../../src/demo/postgres-server.js';
import { createHarborPool, type HarborPool } from '../../../src/sources/postgres/pool.js';
import { captureLog } from '../../harness/capture-log.js';
import { testDatabaseSettings, testPostgres } from '../../harness/postgres.js';

describe('session limits the server refuses', () => {
  let server: PostgresServer;
  let pool: HarborPool;
  const { log, lines } = captureLog('info');

  before(async () => {
    server = await testPostgres();
    // One millisecond over the largest idle_session_timeout PostgreSQL accepts.
    pool = createHarborPool(
      { ...testDatabaseSettings(server, 'postgres'), idleSessionTimeoutMs: 2 ** 31 },
      log,
    );
  });
  after(() => pool.end());

  it('are named in one warning for the pool, and its statements still run', async () => {
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(
        Array.from({ length: 4 }, () =>
          pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid, pg_sleep(0.02) IS NULL AS slept'),
        ),
      );
      assert.equal(answers.length, 4);
    }
    const [setting] = await pool.query<{ value: string }>(
      `SELECT current_setting('idle_session_timeout') AS value`,
    );
    assert.equal(setting?.value, '0', 'the session runs without the limit');
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0]!, /level=warn msg="could not set the session limits/);
    assert.match(lines[0]!, /idle_session_timeout/);
  });
});
