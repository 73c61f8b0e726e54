import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider, type MetricReader } from '@opentelemetry/sdk-metrics';
import type { CompatibilitySet } from '../catalog/index.js';
import type { OtlpSettings } from '../config/config.js';
import { silentLogger, type Logger } from '../log.js';
import type { OtlpPushFigures, Snapshot } from '../refresh/snapshot.js';
import { exporterResource } from './resource.js';
import { chunks } from './chunks.js';
import { ChunkedOtlpPush } from './otlp-push.js';
import { publishedFamilies, SnapshotMetricProducer, type PublishedFamily } from './snapshot-producer.js';

/**
 * The text /metrics serves, rendered once per snapshot. Only its gzip is kept (Prometheus asks for gzip); the
 * plain text is decompressed from it for the clients that want it.
 */
export interface RenderedMetrics {
  /** The gzip stream as zlib wrote it, in parts: joining them would hold it twice for a moment. */
  gzipParts: readonly Buffer[];
  gzipBytes: number;
  /** Length of the plain text, in bytes. */
  plainBytes: number;
  renderedAtMs: number;
  renderSeconds: number;
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
 * Room for one chunk's text as bytes, reused for every chunk: converting each chunk into a buffer of its own
 * would allocate the whole text (84 MB at 100,000 repositories) outside the heap at every render.
 */
const SCRATCH_BYTES = 512 * 1024;

/**
 * One MeterProvider, two readers, each with its own producer of the same snapshot: a pull reader rendered to
 * Prometheus text after each refresh, and an optional periodic OTLP/HTTP (protobuf) push in requests of bounded
 * size.
 */
export class TelemetryPipeline {
  private snapshot?: Snapshot;
  /** Snapshots published so far, and which of them `latest` shows: a count, so no old snapshot is kept alive. */
  private published = 0;
  private renderedGeneration = 0;
  private readonly provider: MeterProvider;
  private readonly prometheus: PrometheusExporter;
  private readonly prometheusProducer: SnapshotMetricProducer;
  // target_info (the resource) opens the text; the chunks after the first leave it out.
  private readonly firstSerializer = new PrometheusSerializer('', false, undefined, false, true);
  private readonly nextSerializer = new PrometheusSerializer('', false, undefined, true, true);
  private readonly compat: ReadonlySet<CompatibilitySet>;
  private readonly chunkPoints: number;
  private rendering: Promise<RenderedMetrics> | undefined;
  private readonly scratch = Buffer.allocUnsafe(SCRATCH_BYTES);
  private readonly otlpPush?: ChunkedOtlpPush;
  latest?: RenderedMetrics;

  constructor(options: PipelineOptions) {
    this.compat = options.compat;
    this.chunkPoints = options.chunkPoints ?? DEFAULT_CHUNK_POINTS;
    const producer = () =>
      new SnapshotMetricProducer(
        () => this.snapshot,
        options.compat,
        { name: 'harbor-exporter', version: options.version },
        options.processStartMs ?? Date.now(),
      );
    this.prometheusProducer = producer();
    this.prometheus = new PrometheusExporter({
      preventServerStart: true,
      withoutScopeInfo: true,
      metricProducers: [this.prometheusProducer],
    });
    const readers: MetricReader[] = [this.prometheus];
    if (options.otlp) {
      this.otlpPush = new ChunkedOtlpPush({
        exporter: new OTLPMetricExporter({
          url: options.otlp.endpoint,
          headers: options.otlp.headers,
          timeoutMillis: options.otlp.timeoutMs,
        }),
        producer: producer(),
        snapshot: () =>
          this.snapshot && {
            takenAtMs: this.snapshot.takenAtMs,
            families: publishedFamilies(this.snapshot, this.compat),
          },
        intervalMs: options.otlp.intervalMs,
        timeoutMs: options.otlp.timeoutMs,
        pointsPerRequest: options.otlpPointsPerRequest ?? DEFAULT_OTLP_POINTS_PER_REQUEST,
        log: options.log ?? silentLogger,
      });
      readers.push(this.otlpPush);
    }
    this.provider = new MeterProvider({ resource: exporterResource(options.version), readers });
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

  /**
   * Renders the snapshot a chunk of families at a time, through the Prometheus reader and serializer, into one
   * gzip stream: the text of one chunk exists at a time, and only the compressed bytes are kept.
   */
  private async render(snapshot: Snapshot, generation: number): Promise<RenderedMetrics> {
    const began = performance.now();
    // Output in parts of up to 256 KB rather than zlib's 16 KB: fewer buffers kept, fewer callbacks.
    const gzip = createGzip({ chunkSize: 256 * 1024 });
    const compressed: Buffer[] = [];
    gzip.on('data', (chunk: Buffer) => compressed.push(chunk));
    const ended = once(gzip, 'end');
    let plainBytes = 0;
    try {
      let first = true;
      for (const chunk of chunks(publishedFamilies(snapshot, this.compat), this.chunkPoints)) {
        let text = await this.renderChunk(snapshot, chunk.families, first);
        // The serializer heads every family it writes; a family's later parts go on without it.
        if (chunk.continued) text = withoutHeader(text, chunk.families[0]!);
        first = false;
        const bytes = Buffer.byteLength(text);
        plainBytes += bytes;
        // zlib is done with a chunk when its write calls back; only then is the scratch buffer reused.
        const input =
          bytes <= this.scratch.length
            ? this.scratch.subarray(0, this.scratch.write(text))
            : Buffer.from(text);
        await new Promise<void>((resolve, reject) =>
          gzip.write(input, (error) => (error ? reject(error) : resolve())),
        );
      }
      gzip.end();
      await ended;
    } finally {
      this.prometheusProducer.window = undefined;
      gzip.destroy();
    }
    this.renderedGeneration = generation;
    this.latest = {
      gzipParts: compressed,
      gzipBytes: compressed.reduce((sum, part) => sum + part.length, 0),
      plainBytes,
      renderedAtMs: Date.now(),
      renderSeconds: (performance.now() - began) / 1000,
    };
    return this.latest;
  }

  private async renderChunk(
    snapshot: Snapshot,
    families: readonly PublishedFamily[],
    first: boolean,
  ): Promise<string> {
    this.prometheusProducer.window = { takenAtMs: snapshot.takenAtMs, families };
    const { resourceMetrics } = await this.prometheus.collect({ timeoutMillis: 10_000 });
    return (first ? this.firstSerializer : this.nextSerializer).serialize(resourceMetrics);
  }

  /** How OTLP pushing has gone, when an endpoint is set. */
  otlpStatus(): Readonly<OtlpPushFigures> | undefined {
    return this.otlpPush?.status;
  }

  /** Pushes the current snapshot by OTLP now (used at shutdown, so the last values are not lost). */
  async forceFlush(): Promise<void> {
    await this.provider.forceFlush();
  }

  async shutdown(): Promise<void> {
    await this.provider.shutdown();
  }
}

/** The whole gzip body in one buffer, for tests and tools (the server sends the parts as they are). */
export function gzippedBody(rendered: RenderedMetrics): Buffer {
  return Buffer.concat(rendered.gzipParts);
}

/** The text after a family's HELP, UNIT (when it has a unit) and TYPE lines. */
function withoutHeader(text: string, family: PublishedFamily): string {
  let at = 0;
  for (let line = family.definition.unit ? 3 : 2; line > 0; line--) at = text.indexOf('\n', at) + 1;
  return text.slice(at);
}
