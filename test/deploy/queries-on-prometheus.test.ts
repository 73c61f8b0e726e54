import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { catalog, exposedName } from '../../src/catalog/index.js';
import { requirePrometheus, type PrometheusServer } from '../end-to-end/prometheus-server.js';
import { dashboardQueries, type DashboardQuery } from './dashboard-queries.js';
import { isRecord, readYaml } from './repo-files.js';
import { startScrapedExporter, type ScrapedExporter } from './scraped-exporter.js';

const binaries = requirePrometheus();
const skip = 'skip' in binaries ? binaries.skip : false;
if (skip) console.log(`# ${skip}`);

const job = 'harbor-exporter';
const sourceOf = new Map(catalog.map((definition) => [exposedName(definition), definition.source]));
/** Metrics that have no series in this test's setup, and why. */
const absentHere = new Map([
  ['harbor_database_replication_lag_seconds', 'published by a standby only'],
  ['harbor_exporter_otlp_pushes_total', 'published with an OTLP endpoint only'],
  ['harbor_exporter_otlp_last_success_timestamp_seconds', 'published with an OTLP endpoint only'],
]);

/** A dashboard query as Grafana sends it for this test's job, over the last minute. */
function asSent(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '30s')
    .replaceAll('$__range', '1m')
    .replaceAll('$job', job)
    .replace(/\$\w+/g, '.*');
}

/**
 * Whether the query must return series here: it reads only sources this test runs (no Kubernetes), and it does
 * not filter on a threshold (a filter may rightly leave nothing on healthy data).
 */
function expectsData(query: DashboardQuery): boolean {
  const names = [...query.expr.matchAll(/\b(?:harbor|process|nodejs)_[a-z0-9_]+\b/g)].map(
    (match) => match[0],
  );
  const filters = /[<>]|==|!=\s*\d/.test(query.expr.replace(/\{[^}]*\}/g, ''));
  return !filters && names.every((name) => sourceOf.get(name) !== 'kubernetes' && !absentHere.has(name));
}

function alertExpressions(): Map<string, string> {
  const file = readYaml('alerts/harbor-exporter.rules.yaml');
  assert.ok(isRecord(file) && Array.isArray(file.groups));
  const rules = file.groups.flatMap((group: { rules: { alert: string; expr: string }[] }) => group.rules);
  return new Map(rules.map((rule) => [rule.alert, rule.expr]));
}

describe('dashboard and alert queries on a real Prometheus scraping the exporter', { skip }, () => {
  let scraped: ScrapedExporter;
  let prometheus: PrometheusServer;
  const storage = mkdtempSync(join(tmpdir(), 'harbor-exporter-registry-'));

  before(async () => {
    const { prometheus: binary } = binaries as { prometheus: string };
    scraped = await startScrapedExporter(binary, job, { repositories: 40, projects: 8, seed: 17 }, [
      `--storage.local-path=${storage}`,
      '--collector.tags',
      '--collector.reclaimable',
      '--collector.audit-failures-by-user',
      '--refresh.interval=1h',
    ]);
    ({ prometheus } = scraped);
  });
  after(async () => {
    await scraped?.stop();
    rmSync(storage, { recursive: true, force: true });
  });

  it('answers every dashboard query, with series wherever the data exists', async () => {
    const empty: string[] = [];
    for (const query of dashboardQueries()) {
      const where = `${query.file} "${query.where}"`;
      const samples = await prometheus.query(asSent(query.expr)).catch((error: Error) => {
        throw new Error(`${where}: ${error.message}`, { cause: error });
      });
      if (samples.length === 0 && expectsData(query)) empty.push(`${where}: ${query.expr}`);
    }
    assert.deepEqual(empty, []);
  });

  it('evaluates every alert expression, and none about the exporter fires on a healthy one', async () => {
    const firing: string[] = [];
    for (const [alert, expr] of alertExpressions()) {
      const samples = await prometheus.query(expr).catch((error: Error) => {
        throw new Error(`alert ${alert}: ${error.message}`, { cause: error });
      });
      if (alert.startsWith('HarborExporter') && samples.length > 0) firing.push(alert);
    }
    assert.deepEqual(firing, []);
  });
});
