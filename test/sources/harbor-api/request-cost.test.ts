import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { silentLogger } from '../../../src/log.js';
import { SourceRunner } from '../../../src/refresh/source-runner.js';
import { buildSources } from '../../../src/wiring.js';
import { testConfig } from '../../harness/exporter.js';
import { startSimulatedHarbor, type SimulatedHarbor } from '../../harness/harbor-api-simulator.js';
import { ContractRecorder } from '../../harness/swagger-contract.js';

const pages = (items: number) => Math.max(1, Math.ceil(items / 100));

describe('API requests per refresh', () => {
  const contract = new ContractRecorder();
  const started: SimulatedHarbor[] = [];
  after(() => Promise.all(started.map((harbor) => harbor.stop())));

  /** One full refresh of every API collector (no database: the stand-ins included); requests and pages. */
  async function measure(options: { repositories: number; projects?: number; seed: number }) {
    const harbor = await startSimulatedHarbor({ ...options, contract });
    started.push(harbor);
    const config = testConfig([
      `--harbor.url=${harbor.simulator.url}`,
      '--harbor.username=admin',
      '--harbor.password=Harbor12345',
    ]);
    const [binding] = buildSources(config, silentLogger);
    assert.equal(binding?.source.name, 'api');
    const runner = new SourceRunner(binding.source, binding.collectors, {
      intervalMs: 3_600_000,
      timeoutMs: 60_000,
      keepStaleForMs: 60_000,
      log: silentLogger,
      onRefreshed: () => {},
    });
    const since = harbor.answers.length;
    const state = await runner.refresh();
    await binding.source.close();
    assert.equal(state.success, true, state.lastError);
    const requests = state.own.get('harbor_exporter_api_requests')?.valueAt(0) ?? NaN;
    assert.equal(requests, harbor.answers.length - since, 'every request reached Harbor once');

    // Independent counts of what the lists hold.
    const count = async (sql: string) => (await harbor.db.admin.query<{ n: number }>(sql)).rows[0]!.n;
    const policies = await count('SELECT count(*)::int AS n FROM replication_policy');
    const listPages =
      pages(await count('SELECT count(*)::int AS n FROM project WHERE NOT deleted')) +
      pages(await count('SELECT count(*)::int AS n FROM repository')) +
      pages(
        await count(
          `SELECT count(*)::int AS n FROM quota q JOIN project p ON p.project_id::text = q.reference_id AND NOT p.deleted`,
        ),
      ) +
      pages(await count('SELECT count(*)::int AS n FROM registry')) +
      pages(policies) +
      pages(harbor.simulator.state.schedules.length);
    const repositories = await count('SELECT count(*)::int AS n FROM repository');
    return { requests, listPages, policies, repositories };
  }

  it('grows with pages of lists only, never with repositories or projects', async () => {
    const small = await measure({ repositories: 30, seed: 31 });
    const large = await measure({ repositories: 450, projects: 230, seed: 32 });
    assert.ok(large.listPages > small.listPages + 4, `${small.listPages} → ${large.listPages} pages`);
    // Everything that is not a page of a list (or a policy's latest execution) is a fixed number of calls.
    const fixed = (measured: typeof small) => measured.requests - measured.listPages - measured.policies;
    assert.equal(fixed(large), fixed(small));
    assert.ok(
      large.requests < large.repositories / 10,
      `${large.requests} requests for ${large.repositories} repositories`,
    );
    console.log(
      `# requests per refresh: ${small.requests} at ${small.repositories} repositories, ${large.requests} at ${large.repositories}`,
    );
  });

  it("answered only as Harbor's API description allows", (t) => contract.assertClean(t));
});
