import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import type { Resource } from '@opentelemetry/resources';
import { AggregationTemporality } from '@opentelemetry/sdk-metrics';
import { chunks } from './chunks.js';
import { toResourceMetrics } from './metric-data.js';
import type { PublishedFamily } from './published-families.js';

export interface TextOptions {
  resource: Resource;
  scope: { name: string; version: string };
  /** When the values were taken. */
  takenAtMs: number;
  processStartMs: number;
  /** Data points serialized at once; a larger family is split over several chunks. */
  chunkPoints: number;
}

// target_info (the resource) opens the text; what follows leaves it out. No otel_scope_* labels on the series.
const opening = new PrometheusSerializer('', false, undefined, false, true);
const following = new PrometheusSerializer('', false, undefined, true, true);

/**
 * The Prometheus text of the families, in pieces of at most `chunkPoints` data points, each serialized by the
 * SDK's PrometheusSerializer from MetricData built for that piece alone: the data points and text of one piece
 * exist at a time. The first piece opens with target_info.
 */
export function* prometheusText(
  families: readonly PublishedFamily[],
  options: TextOptions,
): Generator<string> {
  let first = true;
  for (const chunk of chunks(families, options.chunkPoints)) {
    let text = serialize(first ? opening : following, chunk.families, options);
    // The serializer heads every family it writes; a family's later parts go on without its header.
    if (chunk.continued) text = withoutHeader(text, chunk.families[0]!, options);
    first = false;
    yield text;
  }
}

/** Text of families that follow an opening already written (no target_info); empty for no families. */
export function followingText(families: readonly PublishedFamily[], options: TextOptions): string {
  return families.length === 0 ? '' : serialize(following, families, options);
}

function serialize(
  serializer: PrometheusSerializer,
  families: readonly PublishedFamily[],
  options: TextOptions,
): string {
  return serializer.serialize(
    toResourceMetrics(families, options.resource, options.scope, {
      endTimeMs: options.takenAtMs,
      gaugeStartMs: options.processStartMs,
      temporality: AggregationTemporality.CUMULATIVE,
    }),
  );
}

/** The text without the family's header, which is what the serializer writes for the family with no points. */
function withoutHeader(text: string, family: PublishedFamily, options: TextOptions): string {
  const header = serialize(following, [{ ...family, points: family.points.slice(0, 0) }], options);
  if (!text.startsWith(header)) throw new Error(`the text of ${family.name} does not open with its header`);
  return text.slice(header.length);
}
