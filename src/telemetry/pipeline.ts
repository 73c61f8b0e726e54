import type { CompatibilitySet } from '../catalog/index.js';
import type { OtlpSettings } from '../config/config.js';
import { silentLogger, type Logger } from '../log.js';
import type { OtlpPushFigures, Snapshot } from '../refresh/snapshot.js';
import { closeGzip, openGzip, type OpenGzip } from './open-gzip.js';
import { createMetricExporter } from './otlp-exporter.js';
import { OtlpPush } from './otlp-push.js';
import { followingText, prometheusText, type TextOptions } from './prometheus-text.js';
import { publishedFamilies, type PublishedFamily } from './published-families.js';
import { exporterResource } from './resource.js';

/** One response's body: its length, known before the first byte is sent, and its parts in order. */
export interface MetricsBody {
  bytes: number;
  parts: Iterable<Buffer>;
}

/**
 * The text /metrics serves, rendered once per snapshot. Only its gzip is kept (Prometheus asks for gzip), left
 * open so that each response ends it with the families read at that moment.
 */
export interface RenderedMetrics {
  /** The open gzip stream as zlib wrote it, in parts: joining them would hold it twice for a moment. */
  gzipParts: readonly Buffer[];
  gzipBytes: number;
  /** Length of the snapshot's plain text, in bytes. */
  plainBytes: number;
  renderedAtMs: number;
  renderSeconds: number;
  /**
   * The body of one response: the snapshot's text, then the live families' as they are now. Gzip: the stream
   * rendered once, closed with them. Plain: the snapshot's text rendered again a chunk at a time as the client
   * reads it, so that no decompressed copy and no second cached encoding exist.
   */
  body(gzip: boolean): MetricsBody;
}

export interface PipelineOptions {
  version: string;
  compat: ReadonlySet<CompatibilitySet>;
  otlp?: OtlpSettings;
  processStartMs?: number;
  /** Data points rendered at once; a larger family is split over several chunks. */
  chunkPoints?: number;
  /** Data points per OTLP request. */
  otlpPointsPerRequest?: number;
  /** Families read at each scrape and push rather than at each refresh (the process's own figures). */
  live?: () => readonly PublishedFamily[];
  log?: Logger;
}

/**
 * Small enough that a chunk's text stays under V8's large-object size (about 100 bytes a line): such strings die
 * young, where larger ones go straight to the old generation and pile up there until a full collection.
 */
const DEFAULT_CHUNK_POINTS = 1_000;

/** About 1 MB of protobuf: well within what OTLP receivers accept by default. */
const DEFAULT_OTLP_POINTS_PER_REQUEST = 10_000;

/**
 * The snapshot as Prometheus text through the SDK's PrometheusSerializer, rendered a chunk at a time into gzip
 * after each refresh, and pushed by OTLP through the configured transport's exporter, in requests of bounded
 * size. Both take MetricData built from the snapshot by one pure function (metric-data.ts).
 */
export class TelemetryPipeline {
  private snapshot?: Snapshot;
  /** Snapshots published so far, and which of them `latest` shows: a count, so no old snapshot is kept alive. */
  private published = 0;
  private renderedGeneration = 0;
  private readonly compat: ReadonlySet<CompatibilitySet>;
  private readonly chunkPoints: number;
  private readonly processStartMs: number;
  private readonly scope: { name: string; version: string };
  private readonly resource;
  private readonly live: () => readonly PublishedFamily[];
  private rendering: Promise<RenderedMetrics> | undefined;
  private readonly otlpPush?: OtlpPush;
  latest?: RenderedMetrics;

  constructor(options: PipelineOptions) {
    this.compat = options.compat;
    this.chunkPoints = options.chunkPoints ?? DEFAULT_CHUNK_POINTS;
    this.processStartMs = options.processStartMs ?? Date.now();
    this.scope = { name: 'harbor-exporter', version: options.version };
    this.resource = exporterResource(options.version);
    this.live = options.live ?? (() => []);
    if (options.otlp) {
      this.otlpPush = new OtlpPush({
        exporter: createMetricExporter(options.otlp),
        snapshot: () =>
          this.snapshot && {
            takenAtMs: this.snapshot.takenAtMs,
            families: publishedFamilies(this.snapshot, this.compat),
          },
        live: () => ({ takenAtMs: Date.now(), families: this.live() }),
        resource: this.resource,
        scope: this.scope,
        processStartMs: this.processStartMs,
        temporality: options.otlp.temporality === 'delta' ? 'delta' : 'cumulative',
        intervalMs: options.otlp.intervalMs,
        timeoutMs: options.otlp.timeoutMs,
        pointsPerRequest: options.otlpPointsPerRequest ?? DEFAULT_OTLP_POINTS_PER_REQUEST,
        log: options.log ?? silentLogger,
      });
      this.otlpPush.start();
    }
  }

  /** Publishes a new snapshot and renders it; renders run one after another, each of the newest snapshot. */
  async publish(snapshot: Snapshot): Promise<RenderedMetrics> {
    this.snapshot = snapshot;
    this.published++;
    const previous = this.rendering;
    const next = (async () => {
      await previous?.catch(() => {});
      // A render queued behind one that already took the newest snapshot has nothing left to do.
      if (this.latest && this.renderedGeneration === this.published) return this.latest;
      return this.render(this.snapshot!, this.published);
    })();
    this.rendering = next;
    return next;
  }

  /** Renders the snapshot a chunk at a time into one gzip stream; only the compressed bytes are kept. */
  private async render(snapshot: Snapshot, generation: number): Promise<RenderedMetrics> {
    const began = performance.now();
    const families = publishedFamilies(snapshot, this.compat);
    const options = this.textOptions(snapshot.takenAtMs);
    const gzip = await openGzip(prometheusText(families, options));
    this.renderedGeneration = generation;
    this.latest = this.rendered(gzip, () =>
      prometheusText(publishedFamilies(snapshot, this.compat), options),
    );
    this.latest.renderSeconds = (performance.now() - began) / 1000;
    return this.latest;
  }

  private rendered(gzip: OpenGzip, text: () => Iterable<string>): RenderedMetrics {
    const liveText = () => Buffer.from(followingText(this.live(), this.textOptions(Date.now())));
    return {
      gzipParts: gzip.parts,
      gzipBytes: gzip.bytes,
      plainBytes: gzip.plainBytes,
      renderedAtMs: Date.now(),
      renderSeconds: 0,
      body: (compressed) => {
        const live = liveText();
        if (compressed) {
          const tail = closeGzip(gzip, live);
          return { bytes: gzip.bytes + tail.length, parts: [...gzip.parts, tail] };
        }
        return { bytes: gzip.plainBytes + live.length, parts: plainParts(text(), live) };
      },
    };
  }

  private textOptions(takenAtMs: number): TextOptions {
    return {
      resource: this.resource,
      scope: this.scope,
      takenAtMs,
      processStartMs: this.processStartMs,
      chunkPoints: this.chunkPoints,
    };
  }

  /** How OTLP pushing has gone, when an endpoint is set. */
  otlpStatus(): Readonly<OtlpPushFigures> | undefined {
    return this.otlpPush?.status;
  }

  /** Pushes the current snapshot by OTLP now (used at shutdown, so the last values are not lost). */
  async forceFlush(): Promise<void> {
    await this.otlpPush?.flush();
  }

  async shutdown(): Promise<void> {
    await this.otlpPush?.shutdown();
  }
}

function* plainParts(text: Iterable<string>, live: Buffer): Generator<Buffer> {
  for (const piece of text) yield Buffer.from(piece);
  yield live;
}

/** The whole gzip body of one response, in one buffer, for tests and tools. */
export function gzippedBody(rendered: RenderedMetrics): Buffer {
  return Buffer.concat([...rendered.body(true).parts]);
}
