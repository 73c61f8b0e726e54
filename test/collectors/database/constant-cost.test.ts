import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { databaseCollectors } from '../../../src/wiring.js';
import type { Collector } from '../../../src/collectors/types.js';
import type { HarborRelease } from '../../../src/demo/harbor-schema.js';
import { silentLogger } from '../../../src/log.js';
import { SourceRunner } from '../../../src/refresh/source-runner.js';
import {
  DatabaseSource,
  fixedDatabaseSettings,
  type HarborDatabase,
} from '../../../src/sources/postgres/database-source.js';
import { testConfig } from '../../harness/exporter.js';
import { createHarborDatabase } from '../../harness/postgres.js';

/** Statements of a first (full) and a second (incremental) refresh of every database collector, tags included. */
async function statementsAt(release: HarborRelease, repositories: number) {
  const db = await createHarborDatabase({ repositories, seed: 5, release });
  const source = new DatabaseSource(fixedDatabaseSettings(db.settings), silentLogger);
  const config = testConfig(['--collector.tags']);
  // New instances, as in a freshly started exporter.
  const collectors = databaseCollectors.map((collector) =>
    collector.create(config),
  ) as Collector<HarborDatabase>[];
  const runner = new SourceRunner(source, collectors, {
    intervalMs: 3_600_000,
    timeoutMs: 120_000,
    keepStaleForMs: 0,
    log: silentLogger,
    onRefreshed: () => {},
  });
  try {
    const first = await runner.refresh();
    const failed = first.collectors.filter((collector) => !collector.success);
    assert.deepEqual(
      failed.map((collector) => `${collector.name}: ${collector.lastError}`),
      [],
    );
    const full = source.lastStatements;
    await runner.refresh();
    return { full, incremental: source.lastStatements, collectors: first.collectors.length };
  } finally {
    await source.close();
    await db.drop();
  }
}

describe('constant cost', () => {
  for (const release of ['2.10', '2.15'] as const) {
    it(`runs as many statements at 2,000 repositories as at 10 (Harbor ${release})`, async () => {
      const small = await statementsAt(release, 10);
      const large = await statementsAt(release, 2000);
      assert.equal(small.collectors, databaseCollectors.length, 'every database collector ran');
      assert.equal(large.full, small.full, 'first refresh');
      assert.equal(large.incremental, small.incremental, 'later refreshes');
      // Session setup, then a handful per collector: nothing that grows with projects or repositories.
      assert.ok(small.full <= 3 * databaseCollectors.length, `${small.full} statements`);
    });
  }
});
