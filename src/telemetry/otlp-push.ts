import { ExportResultCode, internal } from '@opentelemetry/core';
import { MetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { errorMessage, type Logger } from '../log.js';
import type { OtlpPushFigures } from '../refresh/snapshot.js';
import { chunks } from './chunks.js';
import type { FamilyWindow, SnapshotMetricProducer } from './snapshot-producer.js';

export interface ChunkedOtlpPushOptions {
  exporter: PushMetricExporter;
  /** A producer of this reader's own, whose window the push moves over the snapshot. */
  producer: SnapshotMetricProducer;
  /** The current snapshot's families, whole; undefined before the first snapshot. */
  snapshot: () => FamilyWindow | undefined;
  intervalMs: number;
  timeoutMs: number;
  /** Data points per OTLP request. */
  pointsPerRequest: number;
  log: Logger;
}

/**
 * Pushes the current snapshot by OTLP on an interval, in requests of at most `pointsPerRequest` data points, each
 * built only when it is sent. A registry of 100,000 repositories has close to 900,000 series: as one request that
 * is tens of MB of protobuf (more than OTLP receivers accept by default) and as many SDK data points in memory at
 * once. All requests of one push carry the same snapshot, so they share its timestamp.
 */
export class ChunkedOtlpPush extends MetricReader {
  private timer?: NodeJS.Timeout;
  private pushing?: Promise<void>;
  private lastError?: string;
  /** How pushing has gone since the process started. */
  readonly status: OtlpPushFigures = { succeeded: 0, failed: 0 };

  constructor(private readonly options: ChunkedOtlpPushOptions) {
    super({ metricProducers: [options.producer] });
  }

  protected override onInitialized(): void {
    this.timer = setInterval(() => void this.push().catch(() => {}), this.options.intervalMs);
    this.timer.unref();
  }

  /** One push of the current snapshot; a push asked for while one runs is that one. */
  push(): Promise<void> {
    this.pushing ??= this.pushOnce().finally(() => (this.pushing = undefined));
    return this.pushing;
  }

  private async pushOnce(): Promise<void> {
    const snapshot = this.options.snapshot();
    if (!snapshot) return;
    try {
      for (const chunk of chunks(snapshot.families, this.options.pointsPerRequest)) {
        if (chunk.families.length === 0) continue;
        this.options.producer.window = { takenAtMs: snapshot.takenAtMs, families: chunk.families };
        let collected;
        try {
          collected = await this.collect({ timeoutMillis: this.options.timeoutMs });
        } finally {
          this.options.producer.window = undefined;
        }
        const result = await internal._export(this.options.exporter, collected.resourceMetrics);
        if (result.code !== ExportResultCode.SUCCESS)
          throw result.error ?? new Error('the OTLP endpoint refused the metrics');
      }
      if (this.lastError !== undefined) this.options.log.info('OTLP push recovered');
      this.lastError = undefined;
      this.status.succeeded++;
      this.status.lastSuccessSeconds = Date.now() / 1000;
    } catch (error) {
      this.status.failed++;
      // One line when pushing starts to fail or fails differently, not one per push.
      const message = errorMessage(error);
      if (message !== this.lastError) this.options.log.warn('OTLP push failed', { err: message });
      this.lastError = message;
      throw error;
    }
  }

  protected override async onForceFlush(): Promise<void> {
    await this.pushing?.catch(() => {});
    await this.push().catch(() => {});
    await this.options.exporter.forceFlush();
  }

  protected override async onShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.pushing?.catch(() => {});
    await this.options.exporter.shutdown();
  }
}
