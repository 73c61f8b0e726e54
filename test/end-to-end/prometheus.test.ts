import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { catalog, metricDefinition } from '../../src/catalog/index.js';
import { allCollectors } from '../../src/wiring.js';
import { DEFAULT_ACCOUNT, HarborApiSimulator } from '../../src/demo/harbor-api-simulator/simulator.js';
import { startTestExporter, testConfig, type RunningTestExporter } from '../harness/exporter.js';
import { createHarborDatabase, type HarborTestDatabase } from '../harness/postgres.js';
import { countHarbor, deleteOneRepository, deleteProject } from './harbor-counts.js';
import { promtoolCheckMetrics, PrometheusServer, requirePrometheus } from './prometheus-server.js';

const binaries = requirePrometheus();
const skip = 'skip' in binaries ? binaries.skip : false;
if (skip) console.log(`# ${skip}`);

/** Labels of a queried sample without the ones Prometheus adds, as `k=v,k2=v2`. */
function ownLabels(labels: Record<string, string>): string {
  const { __name__: _name, job: _job, instance: _instance, ...own } = labels;
  return Object.entries(own)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

function sameEntries(a: Map<string, number>, b: Map<string, number>): boolean {
  return a.size === b.size && [...a].every(([key, value]) => b.get(key) === value);
}

describe('a real Prometheus scraping the exporter', { skip }, () => {
  let db: HarborTestDatabase;
  let plain: RunningTestExporter;
  let compat: RunningTestExporter;
  let prometheus: PrometheusServer;
  let api: HarborApiSimulator;
  const { prometheus: prometheusBinary, promtool } = binaries as { prometheus: string; promtool: string };

  before(async () => {
    db = await createHarborDatabase({ repositories: 40, projects: 6, seed: 21 });
    api = await HarborApiSimulator.start({ database: db.server.clientConfig(db.name) });
    // Both sources, every collector on: the whole catalog goes through Prometheus and promtool.
    const sources = [
      `--database.url=${db.server.url(db.name)}`,
      `--harbor.url=${api.url}`,
      `--harbor.username=${DEFAULT_ACCOUNT.username}`,
      `--harbor.password=${DEFAULT_ACCOUNT.password}`,
      ...allCollectors
        .filter((collector) => !collector.defaultEnabled)
        .map((collector) => `--collector.${collector.name}`),
    ];
    plain = await startTestExporter(testConfig([...sources, '--refresh.interval=2s']));
    compat = await startTestExporter(
      testConfig([...sources, '--refresh.interval=1h', '--compat=seed,harbor']),
    );
    await compat.refreshAll();
    prometheus = await PrometheusServer.start(prometheusBinary, {
      harbor: new URL(plain.url).host,
      'harbor-compat': new URL(compat.url).host,
    });
    await prometheus.waitFor(async () => {
      const targets = await prometheus.targets();
      return targets.harbor?.health === 'up' && targets['harbor-compat']?.health === 'up';
    }, 'both targets to be scraped');
  });
  after(async () => {
    await prometheus?.stop();
    await plain?.stop();
    await compat?.stop();
    await api?.close();
    await db?.drop();
  });

  it('passes promtool check metrics without a single complaint', async () => {
    await plain.refreshAll();
    const result = promtoolCheckMetrics(promtool, await plain.scrapeText());
    assert.deepEqual(result, { code: 0, problems: [] });
  });

  it('stores the values the database holds, as the test counts them', async () => {
    const counts = await countHarbor(db.admin);
    // Both sources up and every collector succeeding in one refresh (a busy machine may miss a deadline first).
    await prometheus.waitFor(async () => {
      const up = await prometheus.query('harbor_exporter_source_up{job="harbor"} == 1');
      const failing = await prometheus.query('harbor_exporter_collector_success{job="harbor"} == 0');
      return up.length === 2 && failing.length === 0;
    }, 'both sources up with every collector succeeding');
    const repositories = await prometheus.query('harbor_project_repositories{job="harbor"}');
    assert.deepEqual(
      new Map(repositories.map((sample) => [sample.labels.project!, sample.value])),
      counts.repositoriesPerProject,
    );
    const projects = await prometheus.query('harbor_projects{job="harbor"}');
    assert.deepEqual(
      Object.fromEntries(projects.map((sample) => [sample.labels.visibility!, sample.value])),
      counts.projectsByVisibility,
    );
    assert.equal((await prometheus.query('harbor_database_up{job="harbor"}'))[0]?.value, 1);
    const refreshes = await prometheus.query(
      'harbor_exporter_source_refreshes_total{job="harbor",source="database"}',
    );
    assert.equal(refreshes.length, 1);
    const info = await prometheus.query('harbor_exporter_build_info{job="harbor"}');
    assert.equal(info[0]?.labels.nodejs_version, process.versions.node);
  });

  it('follows a deleted repository and a deleted project within a refresh and a scrape', async () => {
    const before = await countHarbor(db.admin);
    const [shrinking, vanishing] = [...before.repositoriesPerProject.entries()]
      .filter(([, repositories]) => repositories > 1)
      .map(([project]) => project);
    assert.ok(shrinking && vanishing, 'the seed should give two projects with several repositories');
    await deleteOneRepository(db.admin, shrinking);
    await deleteProject(db.admin, vanishing);
    const expected = await countHarbor(db.admin);
    assert.equal(
      expected.repositoriesPerProject.get(shrinking),
      before.repositoriesPerProject.get(shrinking)! - 1,
    );
    assert.equal(expected.repositoriesPerProject.has(vanishing), false);

    await prometheus.waitFor(async () => {
      const repositories = await prometheus.query('harbor_project_repositories{job="harbor"}');
      const seen = new Map(repositories.map((sample) => [sample.labels.project!, sample.value]));
      return sameEntries(seen, expected.repositoriesPerProject);
    }, 'Prometheus to see the deletions');
    assert.deepEqual(
      await prometheus.query(`harbor_project_repositories{job="harbor",project="${vanishing}"}`),
      [],
    );
  });

  it('keeps the compatibility names valid: they parse, and only their historic names draw lint notes', async () => {
    await compat.refreshAll();
    const result = promtoolCheckMetrics(promtool, await compat.scrapeText());
    // The old exporters' names are kept as they were, suffixes promtool frowns on included.
    const historicNames = new Set(
      catalog.flatMap((definition) => (definition.compat ?? []).map((alias) => alias.name)),
    );
    for (const problem of result.problems) {
      const name = /^(\S+) non-[a-z-]+(?: and non-[a-z]+)? metrics should not have "_[a-z]+" suffix$/.exec(
        problem,
      )?.[1];
      assert.ok(name && historicNames.has(name), `promtool: ${problem}`);
    }

    const { projectsByVisibility } = await countHarbor(db.admin);
    const aliases = metricDefinition('harbor_projects').compat ?? [];
    assert.ok(aliases.length > 0);
    // The old exporters' labels and values, applied to the test's own counts; aliases of one name share a family.
    const expectedByName = new Map<string, Map<string, number>>();
    for (const alias of aliases) {
      const expected = expectedByName.get(alias.name) ?? new Map<string, number>();
      expectedByName.set(alias.name, expected);
      for (const [visibility, projects] of Object.entries(projectsByVisibility)) {
        if (alias.only?.visibility !== undefined && alias.only.visibility !== visibility) continue;
        const labels = Object.entries(alias.constantLabels ?? {}).map(([name, value]) => `${name}=${value}`);
        if (!alias.dropAttributes?.includes('visibility'))
          labels.push(
            `${alias.labels?.visibility ?? 'visibility'}=${alias.values?.visibility?.[visibility] ?? visibility}`,
          );
        const key = labels.sort().join(',');
        expected.set(key, (expected.get(key) ?? 0) + projects);
      }
    }
    for (const [name, expected] of expectedByName) {
      await prometheus.waitFor(async () => {
        const samples = await prometheus.query(`${name}{job="harbor-compat"}`);
        return sameEntries(
          new Map(samples.map((sample) => [ownLabels(sample.labels), sample.value])),
          expected,
        );
      }, `${name} to hold the current counts`);
    }
    await prometheus.waitFor(
      async () => (await prometheus.query('harbor_up{job="harbor-compat"}')).length > 1,
      "Harbor's harbor_up{component}",
    );
    assert.deepEqual((await prometheus.targets())['harbor-compat'], { health: 'up', lastError: '' });
    const up = metricDefinition('harbor_database_up').compat ?? [];
    for (const alias of up) {
      assert.equal((await prometheus.query(`${alias.name}{job="harbor-compat"}`))[0]?.value, 1, alias.name);
    }
  });
});
