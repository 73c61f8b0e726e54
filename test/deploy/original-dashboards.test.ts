import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { notPublished } from '../../src/catalog/compat-notes.js';
import { catalog } from '../../src/catalog/index.js';
import { requirePrometheus, type PrometheusServer } from '../end-to-end/prometheus-server.js';
import type { SimulatedHarbor } from '../harness/harbor-api-simulator.js';
import { panelsOf, readDashboard } from './dashboard-queries.js';
import { isRecord, readYaml } from './repo-files.js';
import { startScrapedExporter, type ScrapedExporter } from './scraped-exporter.js';

// Dashboards written for Harbor's built-in exporter (goharbor/harbor contrib/grafana-dashboard/metrics-example.json)
// and for c4po/harbor_exporter (grafana/harbor-overview.json), verbatim; their origin and commit are in
// fixtures/original-exporters/README.md, beside alert rules of the kind kept for those exporters.
const fixtures = 'test/deploy/fixtures/original-exporters';
const dashboards = [
  `${fixtures}/goharbor-harbor-metrics-example.json`,
  `${fixtures}/c4po-harbor-overview.json`,
];
const rules = `${fixtures}/migration.rules.yaml`;

const binaries = requirePrometheus();
const skip = 'skip' in binaries ? binaries.skip : false;
if (skip) console.log(`# ${skip}`);

const job = 'harbor-exporter-compat';
/** Every name the compatibility sets publish. */
const published = new Set(
  catalog.flatMap((definition) => (definition.compat ?? []).map((alias) => alias.name)),
);

/** PromQL words that look like metric names. */
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset']);

/** The metric names a query reads: words outside braces, not followed by "(", not grouping labels. */
function metricNames(expr: string): string[] {
  const outside = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names = [...outside.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)].map((match) => match[1]!);
  return [...new Set(names.filter((name) => !KEYWORDS.has(name) && !/^\d/.test(name)))];
}

/** Each vector selector of a query (name and matchers), to be asked for on its own. */
function selectors(expr: string): string[] {
  return [...expr.matchAll(/\b(harbor_[a-z0-9_]+)(\{[^}]*\})?/g)].map((match) => match[0]);
}

interface Query {
  where: string;
  expr: string;
}

/** Panel queries at every depth, including the `rows` of older Grafana dashboards. */
function dashboardQueries(file: string): Query[] {
  const dashboard = readDashboard(file);
  const rows = Array.isArray(dashboard.rows) ? dashboard.rows.filter(isRecord) : [];
  const panels = [dashboard, ...rows].flatMap((holder) => panelsOf(holder));
  return panels.flatMap((panel) =>
    (Array.isArray(panel.targets) ? panel.targets.filter(isRecord) : [])
      .filter((target) => typeof target.expr === 'string' && target.expr.trim() !== '')
      .map((target) => ({ where: `${file} "${String(panel.title)}"`, expr: String(target.expr) })),
  );
}

function alertQueries(): Query[] {
  const file = readYaml(rules);
  assert.ok(isRecord(file) && Array.isArray(file.groups));
  return file.groups.flatMap((group: { rules: { alert: string; expr: string }[] }) =>
    group.rules.map((rule) => ({ where: `${rules} ${rule.alert}`, expr: rule.expr })),
  );
}

/** Why a name is not published, if the docs say so. */
function whyNotPublished(name: string): string | undefined {
  return notPublished.find((entry) => new RegExp(entry.pattern).test(name))?.reason;
}

describe("the old exporters' dashboards and rules, run by a real Prometheus", { skip }, () => {
  let scraped: ScrapedExporter;
  let harbor: SimulatedHarbor;
  let prometheus: PrometheusServer;

  before(async () => {
    const { prometheus: binary } = binaries as { prometheus: string };
    scraped = await startScrapedExporter(binary, job, { repositories: 30, projects: 6, seed: 19 }, [
      '--compat=seed,harbor',
      '--refresh.interval=1h',
    ]);
    ({ harbor, prometheus } = scraped);
  });
  after(async () => {
    await scraped?.stop();
  });

  it('knows every name the queries read: published by a set, or listed in the docs as not published', () => {
    const unknown = [...dashboards.flatMap(dashboardQueries), ...alertQueries()].flatMap((query) =>
      metricNames(query.expr)
        .filter((name) => !published.has(name) && !whyNotPublished(name))
        .map((name) => `${query.where}: ${name}`),
    );
    assert.deepEqual(unknown, []);
  });

  it('answers every dashboard query about published names with data', async () => {
    const empty: string[] = [];
    let inScope = 0;
    for (const query of dashboards.flatMap(dashboardQueries)) {
      if (!metricNames(query.expr).every((name) => published.has(name))) continue;
      inScope++;
      const samples = await prometheus.query(query.expr).catch((error: Error) => {
        throw new Error(`${query.where}: ${error.message}`, { cause: error });
      });
      if (samples.length === 0) empty.push(`${query.where}: ${query.expr}`);
    }
    assert.deepEqual(empty, []);
    assert.ok(inScope >= 12, `${inScope} queries in scope`);
  });

  it('evaluates every alert expression, each of its selectors with data', async () => {
    const empty: string[] = [];
    for (const query of alertQueries()) {
      await prometheus.query(query.expr).catch((error: Error) => {
        throw new Error(`${query.where}: ${error.message}`, { cause: error });
      });
      for (const selector of selectors(query.expr)) {
        if ((await prometheus.query(selector)).length === 0) empty.push(`${query.where}: ${selector}`);
      }
    }
    assert.deepEqual(empty, []);
  });

  it("keeps Harbor's meaning of harbor_up: one series per component, none unlabelled", async () => {
    const series = await prometheus.query(`harbor_up{job="${job}"}`);
    assert.equal(series.length, harbor.simulator.state.components.length);
    assert.equal((await prometheus.query(`sum(harbor_up{job="${job}"})`))[0]!.value, series.length);
  });
});
