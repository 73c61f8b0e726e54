import { collectorSwitches } from '../../src/wiring.js';
import type { Collector, CollectorFactory } from '../../src/collectors/types.js';
import { buildConfig, type ExporterConfig } from '../../src/config/config.js';
import { loadSettings } from '../../src/config/load.js';
import { Exporter } from '../../src/exporter.js';
import { silentLogger, type Logger } from '../../src/log.js';
import { Observations, type Point, type PointsByMetric } from '../../src/collectors/observations.js';
import type { Source } from '../../src/sources/source.js';
import { buildSources, type SourceBinding } from '../../src/wiring.js';
import { parsePrometheusText, type Sample } from './prometheus-text.js';

/** A configuration as the CLI would build it from these flags (and no environment). */
export function testConfig(flags: readonly string[] = [], env: NodeJS.ProcessEnv = {}): ExporterConfig {
  return buildConfig(loadSettings(['--web.listen-address=127.0.0.1:0', ...flags], env, collectorSwitches()));
}

export interface RunningTestExporter {
  exporter: Exporter;
  url: string;
  scrape(): Promise<Sample[]>;
  scrapeText(): Promise<string>;
  /** Runs one refresh of every source now and waits until the result is rendered. */
  refreshAll(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a real exporter (HTTP server included) on a free port. Background refreshes run on the configured
 * interval; tests usually set a long one and call refreshAll() for determinism.
 */
export async function startTestExporter(
  config: ExporterConfig,
  bindings: readonly SourceBinding[] = buildSources(config, silentLogger),
  log: Logger = silentLogger,
): Promise<RunningTestExporter> {
  const exporter = new Exporter(config, bindings, log);
  const address = await exporter.start();
  const url = `http://127.0.0.1:${address.port}`;
  const scrapeText = async () => {
    const response = await fetch(`${url}${config.telemetryPath}`);
    if (response.status !== 200) throw new Error(`scrape answered ${response.status}`);
    return response.text();
  };
  return {
    exporter,
    url,
    scrapeText,
    scrape: async () => parsePrometheusText(await scrapeText()),
    refreshAll: async () => {
      await Promise.all(exporter.runners.map((runner) => runner.refresh()));
      await exporter.republish();
    },
    stop: () => exporter.stop(),
  };
}

/** A collector to run in a test: an instance (which keeps its state between runs), or a factory to make one. */
export type TestCollector<Client> = Collector<Client> | CollectorFactory<Client, ExporterConfig>;

/** The instance to run: a factory's is new, made from this configuration. */
export function instanceOf<Client>(
  collector: TestCollector<Client>,
  config: ExporterConfig,
): Collector<Client> {
  return 'create' in collector ? collector.create(config) : collector;
}

/** Runs one collector once against a source, as a refresh would, and returns what it observed. */
export async function collectOnce<Client>(
  source: Source<Client>,
  collector: TestCollector<Client>,
  config: ExporterConfig = testConfig(),
): Promise<ReadonlyMap<string, readonly Point[]>> {
  const session = await source.beginRefresh(new AbortController().signal);
  try {
    const out = new Observations(collector.name);
    await instanceOf(collector, config).collect({
      client: session.client,
      out,
      signal: new AbortController().signal,
      log: silentLogger,
    });
    return pointArrays(out.points);
  } finally {
    await session.release?.();
  }
}

/** Each metric's points as plain objects, which tests compare and search more easily than columns. */
export function pointArrays(points: PointsByMetric): Map<string, Point[]> {
  return new Map([...points].map(([metric, list]) => [metric, list.toArray()]));
}

/** The value of the point with exactly these attributes. */
export function pointValue(
  points: ReadonlyMap<string, readonly Point[]>,
  metric: string,
  attributes: Record<string, string> = {},
): number | undefined {
  const key = JSON.stringify(Object.entries(attributes).sort());
  return points.get(metric)?.find((point) => JSON.stringify(Object.entries(point.attributes).sort()) === key)
    ?.value;
}
