import { catalog, type MetricDefinition } from '../catalog/index.js';
import { PointList, type Attributes } from '../collectors/point-list.js';
import type { ProjectFilter } from './project-filter.js';
import type { SourceState } from './source-runner.js';

export interface MetricFamily {
  definition: MetricDefinition;
  points: PointList;
  /** Counters only: when each point's count began (first seen, or last seen going down), in ms, by index. */
  startTimesMs?: readonly number[];
}

/** Everything /metrics and OTLP publish at one moment. Immutable once built. */
export interface Snapshot {
  takenAtMs: number;
  families: readonly MetricFamily[];
  seriesCount: number;
}

/** Pushes to the OTLP endpoint so far. */
export interface OtlpPushFigures {
  succeeded: number;
  failed: number;
  lastSuccessSeconds?: number;
}

export interface SnapshotExtras {
  version: string;
}

/**
 * Merges the sources' latest states into one snapshot: collector series, the exporter's own metrics, project
 * filtering, and counter start times (a counter that goes down starts anew, so rates stay right).
 */
export class SnapshotBuilder {
  /** Per counter family: when each series' count began. */
  private readonly counterStarts = new Map<string, CounterStartTimes>();

  constructor(
    private readonly filter: ProjectFilter,
    private readonly extras: SnapshotExtras,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * `otlp`: how pushing to the OTLP endpoint has gone, when one is set. The exporter leaves it out and publishes
   * these figures at each scrape and push instead, so that they are never a refresh behind.
   */
  build(states: readonly SourceState[], otlp?: OtlpPushFigures): Snapshot {
    const takenAtMs = this.now();
    // Each metric's point lists, joined only when several collectors report the metric.
    const byMetric = new Map<string, PointList[]>();
    const push = (metric: string, points: PointList) => {
      const lists = byMetric.get(metric);
      if (lists) lists.push(points);
      else byMetric.set(metric, [points]);
    };
    for (const state of states) {
      for (const collector of state.collectors) {
        for (const [metric, points] of collector.points) push(metric, points);
      }
      for (const [metric, points] of state.own) push(metric, points);
    }
    for (const [metric, points] of this.selfMetrics(states, otlp)) push(metric, points);

    const families: MetricFamily[] = [];
    let seriesCount = 0;
    for (const definition of catalog) {
      const lists = byMetric.get(definition.name);
      let points = lists ? PointList.concat(lists) : undefined;
      if (points && this.filter.active && definition.attributes.includes('project')) {
        const kept = points.indexesWhere((attributes) => this.filter.allows(attributes.project ?? ''));
        if (kept) points = points.pick(kept);
      }
      if (definition.kind === 'counter') {
        let starts = this.counterStarts.get(definition.name);
        if (!starts) this.counterStarts.set(definition.name, (starts = new CounterStartTimes(definition)));
        // A counter absent from this snapshot forgets its series, so a reappearing one starts a new count.
        const startTimesMs = starts.update(points ?? PointList.empty(), takenAtMs);
        if (points && points.length > 0) {
          seriesCount += points.length;
          families.push({ definition, points, startTimesMs });
        }
        continue;
      }
      if (!points || points.length === 0) continue;
      seriesCount += points.length;
      families.push({ definition, points });
    }
    const seriesFamily = families.find(
      (family) => family.definition.name === 'harbor_exporter_metrics_series',
    );
    if (seriesFamily) seriesFamily.points = PointList.of([{ attributes: {}, value: seriesCount }]);
    return { takenAtMs, families, seriesCount };
  }

  private selfMetrics(states: readonly SourceState[], otlp?: OtlpPushFigures): Map<string, PointList> {
    const out = new Map<string, PointList>();
    const add = (metric: string, value: number | undefined, attributes: Attributes = {}) => {
      if (value === undefined) return;
      let list = out.get(metric);
      if (!list) out.set(metric, (list = PointList.empty()));
      list.push(attributes, value);
    };
    add('harbor_exporter_build_info', 1, {
      version: this.extras.version,
      nodejs_version: process.versions.node,
    });
    for (const state of states) {
      const source = { source: state.name };
      add('harbor_exporter_source_up', state.success ? 1 : 0, source);
      add('harbor_exporter_source_refreshes', state.refreshes, source);
      add('harbor_exporter_source_refresh_errors', state.errors, source);
      if (state.refreshes > 0)
        add('harbor_exporter_source_refresh_duration_seconds', state.durationSeconds, source);
      add('harbor_exporter_source_last_success_timestamp_seconds', state.lastSuccessSeconds, source);
      for (const collector of state.collectors) {
        const labels = { source: state.name, collector: collector.name };
        add('harbor_exporter_collector_success', collector.success ? 1 : 0, labels);
        add('harbor_exporter_collector_duration_seconds', collector.durationSeconds, labels);
        add('harbor_exporter_collector_last_success_timestamp_seconds', collector.lastSuccessSeconds, labels);
        add('harbor_exporter_collector_errors', collector.errors, labels);
        add('harbor_exporter_collector_stale', collector.stale ? 1 : 0, labels);
      }
    }
    if (otlp) for (const [metric, points] of otlpPushPoints(otlp)) out.set(metric, points);
    add('harbor_exporter_metrics_series', 0);
    return out;
  }
}

/** The exporter's figures about OTLP pushing, by metric. */
export function otlpPushPoints(otlp: OtlpPushFigures): Map<string, PointList> {
  const out = new Map([
    [
      'harbor_exporter_otlp_pushes',
      PointList.of([
        { attributes: { result: 'success' }, value: otlp.succeeded },
        { attributes: { result: 'failure' }, value: otlp.failed },
      ]),
    ],
  ]);
  if (otlp.lastSuccessSeconds !== undefined) {
    out.set(
      'harbor_exporter_otlp_last_success_timestamp_seconds',
      PointList.of([{ attributes: {}, value: otlp.lastSuccessSeconds }]),
    );
  }
  return out;
}

/**
 * Attribute values in the catalog's order, one map level per attribute, down to the series' place in the last
 * update: its index times two plus that update's mark (0 or 1), so that series not seen since can be told apart.
 */
type StartTree = Map<string, StartTree | number>;

/**
 * When each series of one counter family began counting: first seen, or last seen going down (a reset). Keyed by
 * the attribute values one level at a time, so no key string is built per series and refresh; the previous
 * values and start times are kept as two columns, with no object per series.
 */
class CounterStartTimes {
  private readonly root: StartTree = new Map();
  private previousValues: number[] = [];
  private previousStarts: number[] = [];
  private mark = 0;

  constructor(private readonly definition: MetricDefinition) {}

  /** The start time of each point, by index; series not in `points` are forgotten. */
  update(points: PointList, takenAtMs: number): number[] {
    const mark = (this.mark ^= 1);
    const names = this.definition.attributes;
    const depth = names.length;
    const values: number[] = [];
    const starts: number[] = [];
    for (let index = 0; index < points.length; index++) {
      const attributes = points.attributesAt(index);
      const value = points.valueAt(index);
      let node = this.root;
      for (let level = 0; level < depth - 1; level++) {
        const key = attributes[names[level]!]!;
        let next = node.get(key) as StartTree | undefined;
        if (!next) node.set(key, (next = new Map()));
        node = next;
      }
      const leafKey = depth > 0 ? attributes[names[depth - 1]!]! : '';
      const place = node.get(leafKey) as number | undefined;
      let start = takenAtMs;
      if (place !== undefined) {
        const previous = (place - (place % 2)) / 2;
        if (value >= this.previousValues[previous]!) start = this.previousStarts[previous]!;
      }
      node.set(leafKey, index * 2 + mark);
      values.push(value);
      starts.push(start);
    }
    forgetUnseen(this.root, depth, mark);
    this.previousValues = values;
    this.previousStarts = starts;
    return starts;
  }
}

/** Removes the series whose place does not carry `mark`, and the levels left empty. */
function forgetUnseen(node: StartTree, depth: number, mark: number): void {
  for (const [key, child] of node) {
    if (depth <= 1) {
      if ((child as number) % 2 !== mark) node.delete(key);
      continue;
    }
    forgetUnseen(child as StartTree, depth - 1, mark);
    if ((child as StartTree).size === 0) node.delete(key);
  }
}

export function seriesKey(attributes: Attributes): string {
  let key = '';
  for (const name of Object.keys(attributes).sort()) key += `\u0000${name}\u0001${attributes[name]}`;
  return key;
}
