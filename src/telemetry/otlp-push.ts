import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { errorMessage, type Logger } from '../log.js';
import type { OtlpPushFigures } from '../refresh/snapshot.js';
import { chunks } from './chunks.js';
import { CounterDeltas } from './counter-deltas.js';
import { toMetricData } from './metric-data.js';
import type { PublishedFamily } from './published-families.js';

/** Families whose values were all taken at one moment. */
export interface TakenFamilies {
  takenAtMs: number;
  families: readonly PublishedFamily[];
}

export interface OtlpPushOptions {
  exporter: PushMetricExporter;
  /** The current snapshot's families, whole; undefined before the first snapshot. */
  snapshot: () => TakenFamilies | undefined;
  /** Families read at the moment of each push (the process's own figures). */
  live: () => TakenFamilies;
  resource: Resource;
  scope: { name: string; version: string };
  processStartMs: number;
  temporality: 'cumulative' | 'delta';
  intervalMs: number;
  /** Longest one push (all its requests) may take. */
  timeoutMs: number;
  /** Data points per OTLP request. */
  pointsPerRequest: number;
  log: Logger;
}

/**
 * Pushes the current snapshot by OTLP on an interval, through the exporter's export(), in requests of at most
 * `pointsPerRequest` data points, each built only when it is sent. A registry of 100,000 repositories has close to
 * 900,000 series: as one request that is tens of MB (more than OTLP receivers accept by default) and as many data
 * points in memory at once. All requests of one push carry the same snapshot, so they share its timestamp.
 */
export class OtlpPush {
  private timer?: NodeJS.Timeout;
  private pushing?: Promise<void>;
  private lastError?: string;
  private readonly deltas?: CounterDeltas;
  /** How pushing has gone since the process started. */
  readonly status: OtlpPushFigures = { succeeded: 0, failed: 0 };

  constructor(private readonly options: OtlpPushOptions) {
    if (options.temporality === 'delta') this.deltas = new CounterDeltas();
  }

  /** Pushes every interval; the timer does not keep the process alive. */
  start(): void {
    this.timer = setInterval(() => void this.push().catch(() => {}), this.options.intervalMs);
    this.timer.unref();
  }

  /** One push of the current snapshot; a push asked for while one runs is that one. */
  push(): Promise<void> {
    this.pushing ??= this.pushOnce().finally(() => (this.pushing = undefined));
    return this.pushing;
  }

  /** Waits for a running push, then pushes the current snapshot (at shutdown, so the last values are not lost). */
  async flush(): Promise<void> {
    await this.pushing?.catch(() => {});
    await this.push().catch(() => {});
    await this.options.exporter.forceFlush();
  }

  async shutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.pushing?.catch(() => {});
    await this.options.exporter.shutdown();
  }

  private async pushOnce(): Promise<void> {
    const snapshot = this.options.snapshot();
    if (!snapshot) return;
    const deadline = performance.now() + this.options.timeoutMs;
    const delta = this.deltas?.begin();
    const temporality = delta ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE;
    try {
      const live = this.options.live();
      const liveNames = new Set(live.families.map((family) => family.name));
      // The snapshot's families, then the live ones, in the same requests; each keeps the time it was taken at.
      const families = [
        ...(delta ? delta.deltas(snapshot.families, snapshot.takenAtMs) : snapshot.families),
        ...(delta ? delta.deltas(live.families, live.takenAtMs) : live.families),
      ];
      const timesOf = (family: PublishedFamily) => ({
        endTimeMs: liveNames.has(family.name) ? live.takenAtMs : snapshot.takenAtMs,
        gaugeStartMs: this.options.processStartMs,
        temporality,
      });
      for (const chunk of chunks(families, this.options.pointsPerRequest)) {
        if (chunk.families.length === 0) continue;
        if (performance.now() > deadline)
          throw new Error(`the push took longer than ${this.options.timeoutMs} ms`);
        await this.send({
          resource: this.options.resource,
          scopeMetrics: [
            {
              scope: this.options.scope,
              metrics: chunk.families.map((family) => toMetricData(family, timesOf(family))),
            },
          ],
        });
      }
      delta?.commit();
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

  private send(metrics: ResourceMetrics): Promise<void> {
    return new Promise((resolve, reject) =>
      this.options.exporter.export(metrics, (result: ExportResult) =>
        result.code === ExportResultCode.SUCCESS
          ? resolve()
          : reject(result.error ?? new Error('the OTLP endpoint refused the metrics')),
      ),
    );
  }
}
