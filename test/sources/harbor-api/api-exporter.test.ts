import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestExporter, testConfig, type RunningTestExporter } from '../../harness/exporter.js';
import { startSimulatedHarbor, type SimulatedHarbor } from '../../harness/harbor-api-simulator.js';
import { samplesOf, valueOf, type Sample } from '../../harness/prometheus-text.js';

/** Polls until `check` passes; generous, for a loaded machine. */
async function eventually(check: () => Promise<void>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('exporter with the Harbor API source', () => {
  let harbor: SimulatedHarbor;
  const running: RunningTestExporter[] = [];

  before(async () => {
    harbor = await startSimulatedHarbor({ repositories: 40, seed: 41 });
  });
  after(async () => {
    await Promise.all(running.map((exporter) => exporter.stop()));
    await harbor.stop();
  });

  async function exporter(flags: string[] = []): Promise<RunningTestExporter> {
    const started = await startTestExporter(
      testConfig([
        `--harbor.url=${harbor.simulator.url}`,
        '--harbor.username=admin',
        '--harbor.password=Harbor12345',
        '--refresh.interval=1h',
        ...flags,
      ]),
    );
    running.push(started);
    return started;
  }

  it('without a database, publishes the database metrics the API gives, under their names', async () => {
    const api = await exporter();
    await api.refreshAll();
    const samples = await api.scrape();
    assert.equal(valueOf(samples, 'harbor_exporter_source_up', { source: 'api' }), 1);
    assert.equal(valueOf(samples, 'harbor_api_up'), 1);
    const { rows } = await harbor.db.admin.query<{ live: number }>(
      'SELECT count(*)::int AS live FROM project WHERE NOT deleted',
    );
    const projects = samplesOf(samples, 'harbor_projects').reduce((sum, sample) => sum + sample.value, 0);
    assert.equal(projects, rows[0]!.live);
    assert.equal(samplesOf(samples, 'harbor_repository_pulls_total').length, 40);
    assert.ok(valueOf(samples, 'harbor_exporter_api_requests') > 0);
    await api.stop();
  });

  it('with a database too, each metric comes from one source: the API stands in for nothing', async () => {
    const both = await exporter([`--database.url=${harbor.db.server.url(harbor.db.name)}`]);
    await both.refreshAll();
    const samples = await both.scrape();
    assert.equal(valueOf(samples, 'harbor_exporter_source_up', { source: 'database' }), 1);
    assert.equal(valueOf(samples, 'harbor_exporter_source_up', { source: 'api' }), 1);
    assert.equal(samplesOf(samples, 'harbor_projects').length, 2, 'public and private, once each');
    assert.equal(samplesOf(samples, 'harbor_repository_pulls_total').length, 40);
    assert.equal(
      samplesOf(samples, 'harbor_exporter_collector_success', { collector: 'api-projects' }).length,
      0,
    );
    assert.equal(samplesOf(samples, 'harbor_exporter_collector_success', { collector: 'health' }).length, 1);
    const keys = samples.map((sample) => `${sample.name}${JSON.stringify(sample.labels)}`);
    assert.equal(new Set(keys).size, keys.length, 'no series twice');
    await both.stop();
  });

  it("publishes the seed's API names with --compat=seed", async () => {
    const seed = await exporter(['--compat=seed']);
    await seed.refreshAll();
    const samples = await seed.scrape();
    assert.equal(valueOf(samples, 'harbor_up'), 1);
    const names = new Set(samples.map((sample) => sample.name));
    for (const name of [
      'harbor_project_count_total',
      'harbor_repo_count_total',
      'harbor_replication_tasks',
      'harbor_replication_status',
      'harbor_system_volumes_bytes',
    ]) {
      assert.ok(names.has(name), name);
    }
    const total = valueOf(samples, 'harbor_system_volumes_bytes', { storage: 'total' });
    assert.equal(total, harbor.simulator.state.volume.total);
    assert.ok(samplesOf(samples, 'harbor_replication_tasks', { result: 'succeed' }).length > 0);
    assert.ok(
      samplesOf(samples, 'harbor_replication_status').every((sample) => 'repl_pol_name' in sample.labels),
    );
    await seed.stop();
  });

  it("publishes Harbor's built-in exporter names with --compat=harbor", async () => {
    const builtIn = await exporter(['--compat=harbor']);
    await builtIn.refreshAll();
    const samples = await builtIn.scrape();
    assert.equal(valueOf(samples, 'harbor_health'), 1);
    for (const component of harbor.simulator.state.components) {
      assert.equal(valueOf(samples, 'harbor_up', { component: component.name }), 1);
    }
    const [info] = samplesOf(samples, 'harbor_system_info');
    assert.match(info!.labels.harbor_version!, /^v2\.15\.2-/);
    assert.deepEqual(Object.keys(info!.labels).sort(), ['auth_mode', 'harbor_version', 'self_registration']);
    await builtIn.stop();
  });

  it('counts a malformed body as a failure of that collector only, and keeps serving', async () => {
    harbor.simulator.inject({ path: '/health', malformed: true });
    const api = await exporter();
    const health = { source: 'api', collector: 'health' };
    await api.refreshAll();
    let samples = await api.scrape();
    const errors = valueOf(samples, 'harbor_exporter_collector_errors_total', health);
    assert.ok(errors >= 1);
    assert.equal(valueOf(samples, 'harbor_exporter_collector_success', health), 0);
    assert.equal(
      valueOf(samples, 'harbor_exporter_collector_success', { source: 'api', collector: 'jobservice' }),
      1,
    );
    assert.equal(valueOf(samples, 'harbor_api_up'), 1);
    await api.refreshAll();
    samples = await api.scrape();
    assert.equal(valueOf(samples, 'harbor_exporter_collector_errors_total', health), errors + 1);
    harbor.simulator.faults.clear();
    await api.refreshAll();
    samples = await api.scrape();
    assert.equal(valueOf(samples, 'harbor_exporter_collector_success', health), 1);
    assert.equal(valueOf(samples, 'harbor_healthy'), 1);
    await api.stop();
  });

  it('marks the source failed when Harbor answers slower than the timeout, while /metrics answers at once', async () => {
    harbor.simulator.inject({ path: '/systeminfo', delayMs: 60_000, times: 1 });
    const slow = await exporter(['--refresh.timeout=1s']);
    // The first refresh starts with the exporter; Harbor holds its first request.
    await eventually(async () => assert.equal(harbor.simulator.inFlight, 1));
    const response = await fetch(`${slow.url}/metrics`);
    assert.equal(response.status, 200);
    assert.equal(
      harbor.simulator.inFlight,
      1,
      '/metrics answered while Harbor was still holding the request',
    );
    await response.text();
    await eventually(async () => {
      const samples: Sample[] = await slow.scrape();
      assert.equal(valueOf(samples, 'harbor_exporter_source_up', { source: 'api' }), 0);
      assert.equal(valueOf(samples, 'harbor_exporter_source_refresh_errors_total', { source: 'api' }), 1);
      assert.equal(valueOf(samples, 'harbor_api_up'), 0);
    });
    await slow.stop();
  });

  it("answered only as Harbor's API description allows", (t) => harbor.contract.assertClean(t));
});
