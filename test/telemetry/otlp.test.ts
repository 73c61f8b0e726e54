import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { catalog, exposedName } from '../../src/catalog/index.js';
import { VERSION } from '../../src/version.js';
import { countHarbor, deleteOneRepository, deleteProject } from '../end-to-end/harbor-counts.js';
import { startTestExporter, testConfig, type RunningTestExporter } from '../harness/exporter.js';
import { createHarborDatabase, type HarborTestDatabase } from '../harness/postgres.js';
import type { Sample } from '../harness/prometheus-text.js';
import { CUMULATIVE, OtlpReceiver, type Push } from './otlp-receiver.js';

type Series = Map<string, Map<string, number>>;

const attributeKey = (attributes: Record<string, string>) =>
  JSON.stringify(Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b)));

/** /metrics as catalog name → attributes → value (`_total` taken off counters, target_info left out). */
function scrapedSeries(samples: readonly Sample[]): Series {
  const byExposedName = new Map(catalog.map((definition) => [exposedName(definition), definition.name]));
  const series: Series = new Map();
  for (const sample of samples) {
    if (sample.name === 'target_info') continue;
    const name = byExposedName.get(sample.name);
    assert.ok(name, `${sample.name} on /metrics is not in the catalog`);
    if (!series.has(name)) series.set(name, new Map());
    series.get(name)!.set(attributeKey(sample.labels), sample.value);
  }
  return series;
}

function pushedSeries(push: Push): Series {
  const series: Series = new Map();
  for (const metric of push.metrics.values()) {
    series.set(
      metric.name,
      new Map(metric.points.map((point) => [attributeKey(point.attributes), point.value])),
    );
  }
  return series;
}

/**
 * Families read at each scrape and push (the process's figures, how pushing has gone): in both, with the same
 * series, but their values belong to the moment of each.
 */
const liveFamilies = new Set([
  ...catalog.filter((definition) => definition.collector === 'runtime').map((definition) => definition.name),
  'harbor_exporter_otlp_pushes',
  'harbor_exporter_otlp_last_success_timestamp_seconds',
]);

function sortedEntries(series: Series): Array<[string, Array<[string, number]>]> {
  return [...series]
    .filter(([name]) => !liveFamilies.has(name))
    .map(([name, points]): [string, Array<[string, number]>] => [
      name,
      [...points].sort(([a], [b]) => a.localeCompare(b)),
    ])
    .sort(([a], [b]) => a.localeCompare(b));
}

describe('OTLP push beside the Prometheus endpoint', () => {
  let db: HarborTestDatabase;
  let receiver: OtlpReceiver;
  let running: RunningTestExporter;

  before(async () => {
    db = await createHarborDatabase({ repositories: 30, projects: 5, seed: 41 });
    receiver = await OtlpReceiver.start();
    // The resource comes from the standard variables of the exporter's own process.
    process.env.OTEL_SERVICE_NAME = 'registry-metrics';
    process.env.OTEL_RESOURCE_ATTRIBUTES = 'deployment.environment=test,k8s.pod.name=exporter-0';
    running = await startTestExporter(
      testConfig([`--database.url=${db.server.url(db.name)}`, '--refresh.interval=1h'], {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20t0ken',
      }),
    );
  });
  after(async () => {
    await running?.stop();
    await receiver?.close();
    await db?.drop();
  });

  /** Refreshes, then waits for a push made after the refresh was rendered, and returns it with /metrics. */
  async function refreshAndCollect(): Promise<{ push: Push; scraped: Series }> {
    await running.refreshAll();
    const scraped = scrapedSeries(await running.scrape());
    const refreshes = [...(scraped.get('harbor_exporter_source_refreshes')?.values() ?? [])][0];
    const deadline = Date.now() + 60_000;
    for (;;) {
      const push = receiver.pushes.at(-1);
      const pushedRefreshes = push?.metrics.get('harbor_exporter_source_refreshes')?.points[0]?.value;
      if (push && pushedRefreshes === refreshes) return { push, scraped };
      if (Date.now() > deadline) throw new Error(`no push with ${refreshes} refreshes arrived`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('pushes exactly the series and values /metrics serves, as cumulative sums and gauges', async () => {
    const { push, scraped } = await refreshAndCollect();
    assert.deepEqual(sortedEntries(pushedSeries(push)), sortedEntries(scraped));
    for (const name of liveFamilies) {
      if (name === 'harbor_exporter_otlp_last_success_timestamp_seconds') continue;
      const labels = (series: Series) => [...(series.get(name)?.keys() ?? [])].sort();
      assert.ok(labels(scraped).length > 0, `${name} is not on /metrics`);
      assert.deepEqual(labels(pushedSeries(push)), labels(scraped), name);
    }
    const counts = await countHarbor(db.admin);
    const repositories = pushedSeries(push).get('harbor_project_repositories')!;
    for (const [project, count] of counts.repositoriesPerProject) {
      assert.equal(repositories.get(attributeKey({ project })), count, project);
    }
    for (const metric of push.metrics.values()) {
      const definition = catalog.find((candidate) => candidate.name === metric.name)!;
      assert.equal(metric.unit, definition.unit, metric.name);
      if (definition.kind === 'counter') {
        assert.deepEqual(
          [metric.kind, metric.temporality, metric.monotonic],
          ['sum', CUMULATIVE, true],
          metric.name,
        );
        for (const point of metric.points) assert.ok(point.startTimeMs <= point.timeMs, metric.name);
      } else {
        assert.equal(metric.kind, 'gauge', metric.name);
      }
    }
    assert.deepEqual(receiver.rejected, []);
  });

  it('describes itself through OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, with its version', async () => {
    const push = receiver.pushes.at(-1)!;
    assert.equal(push.resource['service.name'], 'registry-metrics');
    assert.equal(push.resource['service.version'], VERSION);
    assert.equal(push.resource['deployment.environment'], 'test');
    assert.equal(push.resource['k8s.pod.name'], 'exporter-0');
    assert.equal(push.headers.authorization, 'Bearer t0ken');
    assert.equal(push.headers['content-type'], 'application/x-protobuf');
  });

  it('drops a deleted repository’s and a deleted project’s series from the next push, as from /metrics', async () => {
    const before = await countHarbor(db.admin);
    const [shrinking, vanishing] = [...before.repositoriesPerProject]
      .filter(([, repositories]) => repositories > 1)
      .map(([project]) => project);
    assert.ok(shrinking && vanishing);
    await deleteOneRepository(db.admin, shrinking);
    await deleteProject(db.admin, vanishing);

    const { push, scraped } = await refreshAndCollect();
    assert.deepEqual(sortedEntries(pushedSeries(push)), sortedEntries(scraped));
    const repositories = pushedSeries(push).get('harbor_project_repositories')!;
    assert.equal(repositories.has(attributeKey({ project: vanishing })), false);
    assert.equal(
      repositories.get(attributeKey({ project: shrinking })),
      before.repositoriesPerProject.get(shrinking)! - 1,
    );
    for (const metric of push.metrics.values()) {
      for (const point of metric.points) assert.notEqual(point.attributes.project, vanishing, metric.name);
    }
  });
});
