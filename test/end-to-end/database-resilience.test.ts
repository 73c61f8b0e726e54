import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { freePort } from '../../src/demo/postgres-server.js';
import { startTestExporter, testConfig } from '../harness/exporter.js';
import { createHarborDatabase, type HarborTestDatabase } from '../harness/postgres.js';
import { samplesOf, valueOf, type Sample } from '../harness/prometheus-text.js';
import { ExporterProcess } from './exporter-process.js';
import { countHarbor } from './harbor-counts.js';
import { StallingProxy } from './stalling-proxy.js';

const APPLICATION = 'harbor-exporter';

interface ExporterSession {
  pid: number;
  state: string | null;
  clientPort: number | null;
  waitEventType: string | null;
}

/** The exporter's sessions on one database, seen from the server. */
async function exporterSessions(db: HarborTestDatabase): Promise<ExporterSession[]> {
  const client = new pg.Client(db.server.clientConfig());
  await client.connect();
  try {
    const { rows } = await client.query<ExporterSession>(
      `SELECT pid, state, client_port AS "clientPort", wait_event_type AS "waitEventType"
       FROM pg_stat_activity WHERE datname = $1 AND application_name = $2`,
      [db.name, APPLICATION],
    );
    return rows;
  } finally {
    await client.end();
  }
}

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function databaseHealth(samples: readonly Sample[]): { sourceUp: number; databaseUp: number } {
  return {
    sourceUp: valueOf(samples, 'harbor_exporter_source_up', { source: 'database' }),
    databaseUp: valueOf(samples, 'harbor_database_up'),
  };
}

/**
 * Waits for three failed refreshes of the database source, checks that it is reported down while the process
 * keeps running, and returns the one log line the failure gave.
 */
async function onlyFailureAfterThreeRefreshes(exporter: ExporterProcess): Promise<string> {
  await exporter.waitFor(async () => {
    const samples = await exporter.scrape();
    return valueOf(samples, 'harbor_exporter_source_refreshes_total', { source: 'database' }) >= 3;
  }, 'three refreshes');
  assert.deepEqual(databaseHealth(await exporter.scrape()), { sourceUp: 0, databaseUp: 0 });
  assert.ok(exporter.running);
  const failures = exporter.lines.filter((line) => /refresh failed/.test(line));
  assert.equal(failures.length, 1, exporter.lines.join('\n'));
  return failures[0]!;
}

describe('database resilience', () => {
  let db: HarborTestDatabase;

  before(async () => {
    db = await createHarborDatabase({ repositories: 20, seed: 31 });
  });
  after(async () => {
    await db.drop();
  });

  it('keeps serving while the database is killed, reports it down, and recovers by itself', async () => {
    const running = await startTestExporter(
      testConfig([
        `--database.url=${db.server.url(db.name)}`,
        '--refresh.interval=1s',
        '--database.connect-timeout=1s',
      ]),
    );
    try {
      await eventually(
        async () => databaseHealth(await running.scrape()).sourceUp === 1,
        'a first good refresh',
      );
      db.admin.on('error', () => {}); // the test's own connection dies with the server
      await db.server.kill();

      await eventually(async () => {
        const health = databaseHealth(await running.scrape());
        return health.sourceUp === 0 && health.databaseUp === 0;
      }, 'the exporter to report the database down');
      const down = await running.scrape();
      assert.equal(
        valueOf(down, 'harbor_exporter_collector_success', { source: 'database', collector: 'projects' }),
        0,
      );
      // Still serving the last good values, marked stale, within refresh.keep-stale-for.
      assert.ok(samplesOf(down, 'harbor_project_repositories').length > 0);

      await db.server.resume();
      await eventually(async () => {
        const health = databaseHealth(await running.scrape());
        return health.sourceUp === 1 && health.databaseUp === 1;
      }, 'the exporter to recover');
      db.admin = new pg.Client(db.server.clientConfig(db.name));
      db.admin.on('error', () => {}); // dropped with the database at the end
      await db.admin.connect();
      const counts = await countHarbor(db.admin);
      await running.refreshAll();
      const samples = await running.scrape();
      for (const [project, repositories] of counts.repositoriesPerProject) {
        assert.equal(valueOf(samples, 'harbor_project_repositories', { project }), repositories, project);
      }
    } finally {
      await running.stop();
    }
  });

  it('never leaves more than its pool on the server when killed with SIGKILL 20 times in a row', async () => {
    const maxConnections = 2;
    const args = [
      `--database.url=${db.server.url(db.name)}`,
      `--database.max-connections=${maxConnections}`,
      '--refresh.interval=1s',
    ];
    let most = 0;
    for (let round = 1; round <= 20; round++) {
      const exporter = await ExporterProcess.start(args);
      try {
        await exporter.waitFor(
          async () => (await fetch(`${exporter.url}/readyz`)).status === 200,
          'readiness',
        );
        await exporter.waitFor(
          async () => databaseHealth(await exporter.scrape()).sourceUp === 1,
          'the database source to be up',
        );
        // Once this exporter runs, whatever earlier ones left behind is already counted here.
        const sessions = await exporterSessions(db);
        most = Math.max(most, sessions.length);
        assert.ok(sessions.length >= 1, `round ${round}: the exporter holds no session at all`);
        assert.ok(
          sessions.length <= maxConnections,
          `round ${round}: ${sessions.length} sessions on the server, pool is ${maxConnections}`,
        );
        assert.deepEqual(
          sessions.filter((session) => session.state?.startsWith('idle in transaction')),
          [],
          'a transaction was left open',
        );
      } finally {
        const exit = await exporter.signal('SIGKILL');
        assert.equal(exit.signal, 'SIGKILL');
      }
    }
    console.log(`# most exporter sessions seen across 20 SIGKILLs: ${most} (pool ${maxConnections})`);
    await eventually(async () => (await exporterSessions(db)).length === 0, 'the last sessions to end');
  });

  it('has the server drop a session whose client vanished without closing it, within idle-session-timeout', async () => {
    const proxy = await StallingProxy.start(db.server.host, db.server.port);
    const running = await startTestExporter(
      testConfig([
        `--database.url=postgres://${db.server.user}:${encodeURIComponent(db.server.password)}@127.0.0.1:${proxy.port}/${db.name}`,
        '--refresh.interval=1h',
        '--database.idle-session-timeout=2s',
        '--database.connect-timeout=1s',
      ]),
    );
    try {
      await running.refreshAll();
      // Cut the network right after a refresh: the exporter's own close can no longer reach the server.
      proxy.stall();
      const stalledAt = Date.now();
      const throughProxy = async () =>
        (await exporterSessions(db)).filter((session) => proxy.upstreamPorts.has(session.clientPort ?? -1));
      assert.ok((await throughProxy()).length >= 1, 'no session through the proxy to cut');

      await eventually(
        async () => (await throughProxy()).length === 0,
        'the server to drop the sessions',
        30_000,
      );
      const seconds = (Date.now() - stalledAt) / 1000;
      console.log(
        `# sessions behind the stalled proxy ended after ${seconds.toFixed(1)} s (idle-session-timeout 2 s)`,
      );

      // The exporter, still cut off, reports the database down instead of hanging.
      await running.refreshAll();
      assert.deepEqual(databaseHealth(await running.scrape()), { sourceUp: 0, databaseUp: 0 });
    } finally {
      await running.stop();
      await proxy.close();
    }
  });

  it('closes its database connections at once on SIGTERM, even with a statement waiting', async () => {
    const exporter = await ExporterProcess.start([
      `--database.url=${db.server.url(db.name)}`,
      '--refresh.interval=1s',
      '--database.statement-timeout=60s',
    ]);
    const locker = new pg.Client(db.server.clientConfig(db.name));
    await locker.connect();
    try {
      await exporter.waitFor(
        async () => databaseHealth(await exporter.scrape()).sourceUp === 1,
        'a good refresh',
      );
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE project IN ACCESS EXCLUSIVE MODE');
      await eventually(
        async () => (await exporterSessions(db)).some((session) => session.waitEventType === 'Lock'),
        'an exporter statement to wait for the lock',
      );
      const signalledAt = Date.now();
      const exit = await exporter.signal('SIGTERM');
      const seconds = (Date.now() - signalledAt) / 1000;
      assert.deepEqual(exit, { code: 0, signal: null });
      console.log(
        `# exited ${seconds.toFixed(1)} s after SIGTERM with a statement waiting (statement timeout 60 s)`,
      );
      assert.ok(seconds < 20, `took ${seconds} s to stop`);
      // The waiting backend notices its client is gone (client_connection_check_interval) before the lock ends.
      await eventually(
        async () => (await exporterSessions(db)).length === 0,
        'the server sessions to end',
        30_000,
      );
    } finally {
      await locker.query('ROLLBACK').catch(() => {});
      await locker.end();
      await exporter.signal('SIGKILL');
    }
  });

  it('reports a wrong password on one clear line and as down, without exiting', async () => {
    const wrong = 'not-the-password-4711';
    const exporter = await ExporterProcess.start([
      `--database.url=postgres://${db.server.user}:${wrong}@${db.server.host}:${db.server.port}/${db.name}`,
      '--refresh.interval=2s', // a refresh slowed by a busy machine stays within its deadline
    ]);
    try {
      const failure = await onlyFailureAfterThreeRefreshes(exporter);
      assert.match(
        failure,
        new RegExp(
          `level=warn msg="refresh failed" source=database err="cannot connect to ${db.server.host}:${db.server.port}/${db.name} as postgres: password authentication failed for user \\\\"postgres\\\\""`,
        ),
      );
      assert.ok(!exporter.lines.some((line) => line.includes(wrong)), 'the password reached the log');
      assert.ok(!(await (await fetch(`${exporter.url}/metrics`)).text()).includes(wrong));
    } finally {
      assert.deepEqual(await exporter.signal('SIGTERM'), { code: 0, signal: null });
    }
  });

  it('reports an unreachable database on one clear line and as down, without exiting', async () => {
    const closedPort = await freePort();
    const exporter = await ExporterProcess.start([
      `--database.url=postgres://reader:secret@127.0.0.1:${closedPort}/registry`,
      '--refresh.interval=2s', // a refresh slowed by a busy machine stays within its deadline
    ]);
    try {
      const failure = await onlyFailureAfterThreeRefreshes(exporter);
      assert.match(
        failure,
        new RegExp(
          `err="cannot connect to 127\\.0\\.0\\.1:${closedPort}/registry as reader: connect ECONNREFUSED`,
        ),
      );
    } finally {
      assert.deepEqual(await exporter.signal('SIGTERM'), { code: 0, signal: null });
    }
  });
});
