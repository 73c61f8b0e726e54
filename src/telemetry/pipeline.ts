import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider, PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics';
import type { CompatibilitySet } from '../catalog/index.js';
import type { OtlpSettings } from '../config/config.js';
import type { Snapshot } from '../refresh/snapshot.js';
import { exporterResource } from './resource.js';
import { SnapshotMetricProducer } from './snapshot-producer.js';

const gzipAsync = promisify(gzip);

/** The text /metrics serves, rendered once per snapshot. */
export interface RenderedMetrics {
  text: Buffer;
  gzipped: Buffer;
  renderedAtMs: number;
  renderSeconds: number;
}

export interface PipelineOptions {
  version: string;
  compat: ReadonlySet<CompatibilitySet>;
  otlp?: OtlpSettings;
  processStartMs?: number;
}

/**
 * One MeterProvider, two readers fed by the same snapshot producer: a pull reader rendered to Prometheus text
 * after each refresh, and an optional periodic OTLP/HTTP (protobuf) push.
 */
export class TelemetryPipeline {
  private snapshot?: Snapshot;
  private readonly provider: MeterProvider;
  private readonly prometheus: PrometheusExporter;
  private readonly serializer = new PrometheusSerializer('', false, undefined, false, true);
  private rendering: Promise<RenderedMetrics> | undefined;
  latest?: RenderedMetrics;

  constructor(options: PipelineOptions) {
    const producer = new SnapshotMetricProducer(
      () => this.snapshot,
      options.compat,
      { name: 'harbor-exporter', version: options.version },
      options.processStartMs ?? Date.now(),
    );
    this.prometheus = new PrometheusExporter({
      preventServerStart: true,
      withoutScopeInfo: true,
      metricProducers: [producer],
    });
    const readers: MetricReader[] = [this.prometheus];
    if (options.otlp) {
      readers.push(
        new PeriodicExportingMetricReader({
          exporter: new OTLPMetricExporter({
            url: options.otlp.endpoint,
            headers: options.otlp.headers,
            timeoutMillis: options.otlp.timeoutMs,
          }),
          exportIntervalMillis: options.otlp.intervalMs,
          exportTimeoutMillis: options.otlp.timeoutMs,
          metricProducers: [producer],
        }),
      );
    }
    this.provider = new MeterProvider({ resource: exporterResource(options.version), readers });
  }

  /** Publishes a new snapshot and renders it; renders run one after another, each of the newest snapshot. */
  async publish(snapshot: Snapshot): Promise<RenderedMetrics> {
    this.snapshot = snapshot;
    const previous = this.rendering;
    const next = (async () => {
      await previous?.catch(() => {});
      return this.render();
    })();
    this.rendering = next;
    return next;
  }

  private async render(): Promise<RenderedMetrics> {
    const began = performance.now();
    const { resourceMetrics } = await this.prometheus.collect({ timeoutMillis: 10_000 });
    const text = Buffer.from(this.serializer.serialize(resourceMetrics));
    const gzipped = await gzipAsync(text);
    this.latest = {
      text,
      gzipped,
      renderedAtMs: Date.now(),
      renderSeconds: (performance.now() - began) / 1000,
    };
    return this.latest;
  }

  /** Pushes the current snapshot by OTLP now (used at shutdown, so the last values are not lost). */
  async forceFlush(): Promise<void> {
    await this.provider.forceFlush();
  }

  async shutdown(): Promise<void> {
    await this.provider.shutdown();
  }
}
