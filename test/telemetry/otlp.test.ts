import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { catalog } from '../../src/catalog/index.js';
import { VERSION } from '../../src/version.js';
import { countHarbor, deleteOneRepository, deleteProject } from '../end-to-end/harbor-counts.js';
import type { RunningTestExporter } from '../harness/exporter.js';
import { createHarborDatabase, type HarborTestDatabase } from '../harness/postgres.js';
import { CUMULATIVE, OtlpReceiver, type Push } from './otlp-receiver.js';
import {
  attributeKey,
  liveFamilies,
  pushedSeries,
  scrapedSeries,
  sortedEntries,
  startPushingExporter,
  stopAll,
  type Series,
} from './pushed-series.js';

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
    running = await startPushingExporter(db, receiver);
  });
  after(() => stopAll(running, receiver, db));

  /** Refreshes, then waits for a push made after the refresh was rendered, and returns it with /metrics. */
  async function refreshAndCollect(): Promise<{ push: Push; scraped: Series }> {
    await running.refreshAll();
    const scraped = scrapedSeries(await running.scrape());
    const refreshes = [...(scraped.get('harbor_exporter_source_refreshes')?.values() ?? [])][0];
    const push = await receiver.latestPush(
      (candidate) =>
        candidate.metrics.get('harbor_exporter_source_refreshes')?.points[0]?.value === refreshes,
      `with ${refreshes} refreshes`,
    );
    return { push, scraped };
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
