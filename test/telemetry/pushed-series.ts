import assert from 'node:assert/strict';
import { catalog, exposedName } from '../../src/catalog/index.js';
import { startTestExporter, testConfig, type RunningTestExporter } from '../harness/exporter.js';
import type { HarborTestDatabase } from '../harness/postgres.js';
import type { Sample } from '../harness/prometheus-text.js';
import type { OtlpReceiver, Push } from './otlp-receiver.js';

/** Metric name → attribute key → value. */
export type Series = Map<string, Map<string, number>>;

export const attributeKey = (attributes: Record<string, string>) =>
  JSON.stringify(Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b)));

/** /metrics as catalog name → attributes → value (`_total` taken off counters, target_info left out). */
export function scrapedSeries(samples: readonly Sample[]): Series {
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

export function pushedSeries(push: Push): Series {
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
export const liveFamilies = new Set([
  ...catalog.filter((definition) => definition.collector === 'runtime').map((definition) => definition.name),
  'harbor_exporter_otlp_pushes',
  'harbor_exporter_otlp_last_success_timestamp_seconds',
]);

/** The series in a stable order, without the live families. */
export function sortedEntries(series: Series): Array<[string, Array<[string, number]>]> {
  return [...series]
    .filter(([name]) => !liveFamilies.has(name))
    .map(([name, points]): [string, Array<[string, number]>] => [
      name,
      [...points].sort(([a], [b]) => a.localeCompare(b)),
    ])
    .sort(([a], [b]) => a.localeCompare(b));
}

/**
 * The exporter on the test database, pushing to the receiver every second with an authorization header, as the
 * standard variables (and `env`, which adds to them) ask.
 */
export function startPushingExporter(
  db: HarborTestDatabase,
  receiver: OtlpReceiver,
  env: NodeJS.ProcessEnv = {},
): Promise<RunningTestExporter> {
  return startTestExporter(
    testConfig([`--database.url=${db.server.url(db.name)}`, '--refresh.interval=1h'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20t0ken',
      ...env,
    }),
  );
}

/** Stops what a test started, whichever of it did start. */
export async function stopAll(
  running: RunningTestExporter | undefined,
  receiver: OtlpReceiver | undefined,
  db: HarborTestDatabase | undefined,
): Promise<void> {
  await running?.stop();
  await receiver?.close();
  await db?.drop();
}
