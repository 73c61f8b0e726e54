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
  private counterStarts = new Map<string, { startTimeMs: number; value: number }>();

  constructor(
    private readonly filter: ProjectFilter,
    private readonly extras: SnapshotExtras,
    private readonly now: () => number = Date.now,
  ) {}

  build(states: readonly SourceState[]): Snapshot {
    const takenAtMs = this.now();
    const byMetric = new Map<string, Point[]>();
    const push = (metric: string, points: readonly Point[]) => {
      const list = byMetric.get(metric);
      if (list) list.push(...points);
      else byMetric.set(metric, [...points]);
    };
    for (const state of states) {
      for (const collector of state.collectors) {
        for (const [metric, points] of collector.points) push(metric, points);
      }
      for (const [metric, points] of state.own) push(metric, points);
    }
    for (const [metric, points] of this.selfMetrics(states)) push(metric, points);

    const nextStarts = new Map<string, { startTimeMs: number; value: number }>();
    const families: MetricFamily[] = [];
    let seriesCount = 0;
    for (const definition of catalog) {
      const points = byMetric.get(definition.name);
      if (!points || points.length === 0) continue;
      let kept: SnapshotPoint[] =
        this.filter.active && definition.attributes.includes('project')
          ? points.filter((point) => this.filter.allows(point.attributes.project ?? ''))
          : points;
      if (definition.kind === 'counter') {
        kept = kept.map((point) => {
          const key = definition.name + seriesKey(point.attributes);
          const previous = this.counterStarts.get(key);
          const startTimeMs = previous && point.value >= previous.value ? previous.startTimeMs : takenAtMs;
          nextStarts.set(key, { startTimeMs, value: point.value });
          return { ...point, startTimeMs };
        });
      }
      seriesCount += kept.length;
      families.push({ definition, points: kept });
    }
    // Forget series that disappeared, so a reappearing one starts a new count.
    this.counterStarts = nextStarts;
    const seriesFamily = families.find(
      (family) => family.definition.name === 'harbor_exporter_metrics_series',
    );
    if (seriesFamily) (seriesFamily.points as SnapshotPoint[])[0] = { attributes: {}, value: seriesCount };
    return { takenAtMs, families, seriesCount };
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

export function seriesKey(attributes: Attributes): string {
  let key = '';
  for (const name of Object.keys(attributes).sort()) key += `\u0000${name}\u0001${attributes[name]}`;
  return key;
}
