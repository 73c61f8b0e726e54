import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { collectorSwitches } from '../../src/wiring.js';
import { createHarborDatabase, type HarborTestDatabase } from '../harness/postgres.js';
import { startTestExporter, testConfig, type RunningTestExporter } from '../harness/exporter.js';
import { samplesOf, valueOf } from '../harness/prometheus-text.js';
import { readRepoFile } from './repo-files.js';

/** The SQL block docs/deployment.md gives operators, exactly as written there. */
function documentedRoleSql(): string {
  const doc = readRepoFile('docs/deployment.md');
  const match = /<!-- read-only-role:[\s\S]*?-->\s*```sql\n([\s\S]*?)```/.exec(doc);
  assert.ok(match, 'docs/deployment.md has no read-only-role SQL block');
  return match[1]!;
}

const databaseCollectors = collectorSwitches().filter((collector) => collector.source === 'database');

// Roles belong to the server, not to one database: each release gets its own role name.
for (const release of ['2.10', '2.15'] as const) {
  describe(`the read-only role of docs/deployment.md on Harbor ${release}`, () => {
    const role = `harbor_exporter_${release.replace('.', '_')}`;
    const password = randomBytes(12).toString('hex');
    let db: HarborTestDatabase;
    let running: RunningTestExporter;

    before(async () => {
      db = await createHarborDatabase({ repositories: 20, seed: 7, release });
      const sql = documentedRoleSql()
        .replaceAll('harbor_exporter', role)
        .replace("'change-me'", `'${password}'`);
      await db.admin.query(sql);
      running = await startTestExporter(
        testConfig([
          `--database.host=${db.server.host}`,
          `--database.port=${db.server.port}`,
          `--database.name=${db.name}`,
          `--database.user=${role}`,
          `--database.password=${password}`,
          '--refresh.interval=1h',
          // Every database collector, those off by default included, runs its statements as the role.
          ...databaseCollectors.map((collector) => `--collector.${collector.name}`),
        ]),
      );
      await running.refreshAll();
    });
    after(async () => {
      await running?.stop();
      await db?.drop();
    });

    it('lets every database collector succeed', async () => {
      const samples = await running.scrape();
      assert.equal(valueOf(samples, 'harbor_exporter_source_up', { source: 'database' }), 1);
      for (const collector of databaseCollectors) {
        assert.equal(
          valueOf(samples, 'harbor_exporter_collector_success', {
            source: 'database',
            collector: collector.name,
          }),
          1,
          `collector ${collector.name} failed as the read-only role`,
        );
      }
    });

    it("sees other users' sessions with their state (pg_monitor)", async () => {
      const samples = await running.scrape();
      assert.deepEqual(samplesOf(samples, 'harbor_database_sessions', { state: 'unknown' }), []);
      const others = samplesOf(samples, 'harbor_database_sessions').filter(
        (sample) => sample.labels.application !== 'harbor-exporter',
      );
      assert.ok(others.length > 0, "the test's own superuser session is not visible");
    });

    it('cannot write, nor read accounts or credentials', async () => {
      const client = new pg.Client({ ...db.server.clientConfig(db.name), user: role, password });
      await client.connect();
      try {
        const denied = async (sql: string) =>
          assert.rejects(client.query(sql), /permission denied|read-only transaction/, sql);
        await denied('SELECT * FROM harbor_user');
        await denied('SELECT secret FROM robot');
        await denied('SELECT access_cred FROM scanner_registration');
        await denied('SELECT access_secret FROM registry');
        await denied(`UPDATE repository SET pull_count = pull_count + 1`);
        await denied('CREATE TABLE exporter_was_here (id int)');
        const { rows } = await client.query<{ count: number }>('SELECT count(*)::int AS count FROM robot');
        const { rows: expected } = await db.admin.query<{ count: number }>(
          'SELECT count(*)::int AS count FROM robot',
        );
        assert.equal(rows[0]!.count, expected[0]!.count);
      } finally {
        await client.end();
      }
    });
  });
}
