import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { catalog, exposedName } from '../../src/catalog/index.js';
import { deleteOneRepository } from '../end-to-end/harbor-counts.js';
import type { RunningTestExporter } from '../harness/exporter.js';
import { createHarborDatabase, type HarborTestDatabase } from '../harness/postgres.js';
import { CUMULATIVE, OtlpReceiver, type Push } from './otlp-receiver.js';
import { prometheusName } from './otlp-to-prometheus.js';
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

const DELTA = 1;
const counters = new Set(catalog.filter((d) => d.kind === 'counter').map((d) => d.name));
/** A gauge that tells snapshots apart: the same on /metrics and in a push of the same snapshot. */
const SNAPSHOT_MARK = 'harbor_exporter_source_last_success_timestamp_seconds';

interface TransportCase {
  protocol: 'http/protobuf' | 'http/json' | 'grpc';
  temporality: 'cumulative' | 'delta';
}

const cases: TransportCase[] = [
  { protocol: 'http/json', temporality: 'cumulative' },
  { protocol: 'grpc', temporality: 'cumulative' },
  { protocol: 'http/protobuf', temporality: 'delta' },
  { protocol: 'grpc', temporality: 'delta' },
];

/** The counters' deltas of every push so far added up per series, as a delta backend stores them. */
function summedDeltas(pushes: readonly Push[]): Series {
  const sums: Series = new Map();
  for (const push of pushes) {
    for (const metric of push.metrics.values()) {
      if (!counters.has(metric.name)) continue;
      let series = sums.get(metric.name);
      if (!series) sums.set(metric.name, (series = new Map()));
      for (const point of metric.points) {
        const key = attributeKey(point.attributes);
        series.set(key, (series.get(key) ?? 0) + point.value);
      }
    }
  }
  return sums;
}

for (const { protocol, temporality } of cases) {
  describe(`OTLP push over ${protocol}, ${temporality}, checked against /metrics`, () => {
    let db: HarborTestDatabase;
    let receiver: OtlpReceiver;
    let running: RunningTestExporter;

    before(async () => {
      db = await createHarborDatabase({ repositories: 12, projects: 3, seed: 7 });
      receiver = protocol === 'grpc' ? await OtlpReceiver.startGrpc() : await OtlpReceiver.start();
      running = await startPushingExporter(db, receiver, {
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: temporality,
        OTEL_EXPORTER_OTLP_TIMEOUT: '900',
      });
    });
    after(() => stopAll(running, receiver, db));

    /** Refreshes, then waits for a push of the snapshot /metrics serves, and returns it with /metrics. */
    async function refreshAndCollect(): Promise<{ push: Push; scraped: Series }> {
      await running.refreshAll();
      const scraped = scrapedSeries(await running.scrape());
      const mark = JSON.stringify(sortedEntries(new Map([[SNAPSHOT_MARK, scraped.get(SNAPSHOT_MARK)!]])));
      const push = await receiver.latestPush((candidate) => {
        const pushed = pushedSeries(candidate).get(SNAPSHOT_MARK);
        return !!pushed && JSON.stringify(sortedEntries(new Map([[SNAPSHOT_MARK, pushed]]))) === mark;
      }, 'of the scraped snapshot');
      return { push, scraped };
    }

    /** The push as a backend stores it: cumulative as sent, delta added up over every push so far. */
    function stored(push: Push): Series {
      const series = pushedSeries(push);
      if (temporality === 'delta') {
        for (const [name, sums] of summedDeltas(receiver.pushes)) {
          if (!series.has(name)) continue;
          // Series no longer pushed are gone from the backend's current view.
          const current = series.get(name)!;
          series.set(name, new Map([...sums].filter(([key]) => current.has(key))));
        }
      }
      return series;
    }

    it('delivers the values /metrics serves, with the headers and the temporality asked for', async () => {
      const { push, scraped } = await refreshAndCollect();
      assert.deepEqual(sortedEntries(stored(push)), sortedEntries(scraped));
      for (const name of liveFamilies) {
        if (name === 'harbor_exporter_otlp_last_success_timestamp_seconds') continue;
        const labels = (series: Series) => [...(series.get(name)?.keys() ?? [])].sort();
        assert.ok(labels(scraped).length > 0, `${name} is not on /metrics`);
        assert.deepEqual(labels(pushedSeries(push)), labels(scraped), name);
      }
      for (const metric of push.metrics.values()) {
        if (metric.kind !== 'sum') continue;
        assert.equal(metric.temporality, temporality === 'delta' ? DELTA : CUMULATIVE, metric.name);
        assert.equal(metric.monotonic, true, metric.name);
      }
      assert.equal(push.headers.authorization, 'Bearer t0ken');
      if (protocol !== 'grpc')
        assert.equal(
          push.headers['content-type'],
          protocol === 'http/json' ? 'application/json' : 'application/x-protobuf',
        );
      assert.deepEqual(receiver.rejected, []);
    });

    if (temporality === 'delta') {
      it('sends each counter’s increase since the previous push, over the time since then', async () => {
        const before = receiver.pushes.length;
        const { push, scraped } = await refreshAndCollect();
        assert.deepEqual(sortedEntries(stored(push)), sortedEntries(scraped));
        // One more refresh than at the previous snapshot: the pushes since then carry 1 in all.
        const refreshes = (p: Push) =>
          p.metrics.get('harbor_exporter_source_refreshes')?.points[0]?.value ?? 0;
        assert.equal(
          receiver.pushes.slice(before - 1).reduce((sum, p) => sum + refreshes(p), 0) -
            refreshes(receiver.pushes[before - 1]!),
          1,
        );
        // Each delta starts where the series' previous one ended.
        const previous = receiver.pushes.at(-2)!.metrics.get('harbor_exporter_source_refreshes')!.points[0]!;
        const latest = push.metrics.get('harbor_exporter_source_refreshes')!.points[0]!;
        assert.equal(latest.startTimeMs, previous.timeMs);
      });

      it('stops sending a deleted repository’s series', async () => {
        const project = [
          ...(
            await db.admin.query<{ name: string }>(
              `SELECT p.name FROM project p JOIN repository r USING (project_id) WHERE NOT p.deleted
           GROUP BY p.name HAVING count(*) > 1 LIMIT 1`,
            )
          ).rows,
        ][0]!.name;
        const deleted = await deleteOneRepository(db.admin, project);
        const { push, scraped } = await refreshAndCollect();
        assert.deepEqual(sortedEntries(stored(push)), sortedEntries(scraped));
        for (const metric of push.metrics.values())
          for (const point of metric.points)
            assert.notEqual(point.attributes.repository, deleted, metric.name);
      });
    } else {
      it('gets the names of /metrics when translated as Prometheus translates OTLP', async () => {
        const { push, scraped } = await refreshAndCollect();
        const byExposedName = new Map(
          catalog.map((definition) => [exposedName(definition), definition.name]),
        );
        const translated = [...push.metrics.values()].map((metric) => [metric.name, prometheusName(metric)]);
        const differing = translated.filter(([name, prometheus]) => byExposedName.get(prometheus!) !== name);
        assert.deepEqual(differing, []);
        assert.deepEqual(
          new Set(translated.map(([name]) => name)),
          new Set([...scraped.keys()]),
          'every family on /metrics is pushed',
        );
      });
    }
  });
}
