import { catalog, type MetricDefinition } from '../catalog/index.js';
import type { Attributes, Point } from './observations.js';
import type { ProjectFilter } from './project-filter.js';
import type { SourceState } from './source-runner.js';

export interface SnapshotPoint extends Point {
  /** For counters: when this series' count began (first seen, or last seen going down). */
  startTimeMs?: number;
}

export interface MetricFamily {
  definition: MetricDefinition;
  points: readonly SnapshotPoint[];
}

interface CounterStart {
  startTimeMs: number;
  value: number;
}

/** Everything /metrics and OTLP publish at one moment. Immutable once built. */
export interface Snapshot {
  takenAtMs: number;
  families: readonly MetricFamily[];
  seriesCount: number;
}

export interface SnapshotExtras {
  version: string;
}

/**
 * Merges the sources' latest states into one snapshot: collector series, the exporter's own metrics, project
 * filtering, and counter start times (a counter that goes down starts anew, so rates stay right).
 */
export class SnapshotBuilder {
  /** Per counter family, per series (seriesKey): when its count began and its last value. */
  private counterStarts = new Map<string, Map<string, CounterStart>>();

  constructor(
    private readonly filter: ProjectFilter,
    private readonly extras: SnapshotExtras,
    private readonly now: () => number = Date.now,
  ) {}

  build(states: readonly SourceState[]): Snapshot {
    const takenAtMs = this.now();
    // Each metric's point lists, joined only when several collectors report the metric.
    const byMetric = new Map<string, (readonly Point[])[]>();
    const push = (metric: string, points: readonly Point[]) => {
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
    for (const [metric, points] of this.selfMetrics(states)) push(metric, points);

    const nextStarts = new Map<string, Map<string, CounterStart>>();
    const families: MetricFamily[] = [];
    let seriesCount = 0;
    for (const definition of catalog) {
      const lists = byMetric.get(definition.name);
      if (!lists) continue;
      const points = lists.length === 1 ? lists[0]! : lists.flat();
      if (points.length === 0) continue;
      let kept: readonly SnapshotPoint[] =
        this.filter.active && definition.attributes.includes('project')
          ? points.filter((point) => this.filter.allows(point.attributes.project ?? ''))
          : points;
      if (definition.kind === 'counter') {
        const starts = new Map<string, CounterStart>();
        kept = this.withStartTimes(
          definition,
          kept,
          this.counterStarts.get(definition.name),
          starts,
          takenAtMs,
        );
        nextStarts.set(definition.name, starts);
      }
      seriesCount += kept.length;
      families.push({ definition, points: kept });
    }
    // Forget series that disappeared, so a reappearing one starts a new count.
    this.counterStarts = nextStarts;
    const seriesFamily = families.find(
      (family) => family.definition.name === 'harbor_exporter_metrics_series',
    );
    if (seriesFamily) seriesFamily.points = [{ attributes: {}, value: seriesCount }];
    return { takenAtMs, families, seriesCount };
  }

  /** Counter points with their start times; `starts` receives what the next build compares with. */
  private withStartTimes(
    definition: MetricDefinition,
    points: readonly SnapshotPoint[],
    previous: ReadonlyMap<string, CounterStart> | undefined,
    starts: Map<string, CounterStart>,
    takenAtMs: number,
  ): SnapshotPoint[] {
    return points.map((point) => {
      const key = familySeriesKey(definition, point.attributes);
      let start = previous?.get(key);
      if (start && point.value >= start.value) start.value = point.value;
      else start = { startTimeMs: takenAtMs, value: point.value };
      starts.set(key, start);
      return { attributes: point.attributes, value: point.value, startTimeMs: start.startTimeMs };
    });
  }

  private selfMetrics(states: readonly SourceState[]): Map<string, Point[]> {
    const out = new Map<string, Point[]>();
    const add = (metric: string, value: number | undefined, attributes: Attributes = {}) => {
      if (value === undefined) return;
      let list = out.get(metric);
      if (!list) out.set(metric, (list = []));
      list.push({ attributes, value });
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
    add('harbor_exporter_metrics_series', 0);
    return out;
  }
}

/** A series' key within its family: the attribute values in the catalog's order (every point has them all). */
function familySeriesKey(definition: MetricDefinition, attributes: Attributes): string {
  const names = definition.attributes;
  if (names.length === 1) return attributes[names[0]!]!;
  let key = '';
  for (const name of names) key += `${attributes[name]}\u0000`;
  return key;
}

export function seriesKey(attributes: Attributes): string {
  let key = '';
  for (const name of Object.keys(attributes).sort()) key += `\u0000${name}\u0001${attributes[name]}`;
  return key;
}
