import { ValueType } from '@opentelemetry/api';
import { emptyResource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import { millisToHrTime } from '@opentelemetry/core';
import type { CompatibilitySet, MetricDefinition } from '../catalog/index.js';
import type { PointList } from '../collectors/point-list.js';
import type { Snapshot } from '../refresh/snapshot.js';
import { compatibilityFamilies } from './compat.js';

/** One family as published: a catalog family, or one republished under an older exporter's name. */
export interface PublishedFamily {
  definition: MetricDefinition;
  name: string;
  kind: MetricDefinition['kind'];
  points: PointList;
  /** Counters: when each point's count began, in ms, by index. */
  startTimesMs?: readonly number[];
}

/** Some of one snapshot's families, for a collection that publishes only those. */
export interface FamilyWindow {
  takenAtMs: number;
  families: readonly PublishedFamily[];
}

/** Every family a snapshot publishes, in the order they are written: the catalog's, then the compatibility ones. */
export function publishedFamilies(
  snapshot: Snapshot,
  compat: ReadonlySet<CompatibilitySet>,
): PublishedFamily[] {
  const published: PublishedFamily[] = snapshot.families.map((family) => ({
    definition: family.definition,
    name: family.definition.name,
    kind: family.definition.kind,
    points: family.points,
    startTimesMs: family.startTimesMs,
  }));
  for (const family of compatibilityFamilies(snapshot.families, compat)) {
    const counter = family.alias.kind === 'counter';
    published.push({
      definition: family.of,
      name: counter ? family.alias.name.replace(/_total$/, '') : family.alias.name,
      kind: counter ? 'counter' : 'gauge',
      points: family.points,
      startTimesMs: counter ? family.startTimesMs : undefined,
    });
  }
  return published;
}

/**
 * Hands the current snapshot to the SDK's readers at each collection. Building the data points from the
 * snapshot, rather than from observable instruments, is what makes a deleted repository's series disappear:
 * instruments would export every attribute set they ever saw, and never touch Harbor from a callback.
 *
 * A producer given a window publishes that window's families alone: /metrics is rendered a window at a time, so
 * that the SDK's data points and the serializer's text exist for one part of a large snapshot at once. Each
 * reader has a producer of its own, so the OTLP push always sees whole snapshots.
 */
export class SnapshotMetricProducer implements MetricProducer {
  /** Families to publish instead of the current snapshot's, while set. */
  window?: FamilyWindow;

  constructor(
    private readonly current: () => Snapshot | undefined,
    private readonly compat: ReadonlySet<CompatibilitySet>,
    private readonly scope: { name: string; version: string },
    private readonly processStartMs: number,
  ) {}

  async collect(): Promise<CollectionResult> {
    const window = this.window ?? this.wholeSnapshot();
    const metrics: MetricData[] = [];
    if (window) {
      const endTime = millisToHrTime(window.takenAtMs);
      for (const family of window.families) metrics.push(this.metricData(family, endTime));
    }
    return {
      resourceMetrics: { resource: emptyResource(), scopeMetrics: [{ scope: this.scope, metrics }] },
      errors: [],
    };
  }

  private wholeSnapshot(): FamilyWindow | undefined {
    const snapshot = this.current();
    if (!snapshot) return undefined;
    return { takenAtMs: snapshot.takenAtMs, families: publishedFamilies(snapshot, this.compat) };
  }

  private metricData(family: PublishedFamily, endTime: ReturnType<typeof millisToHrTime>): MetricData {
    const descriptor = {
      name: family.name,
      description: family.definition.help,
      unit: family.definition.unit,
      valueType: ValueType.DOUBLE,
    };
    const gaugeStart = millisToHrTime(this.processStartMs);
    // Counters' start times repeat (most series start with the process): one HrTime per distinct start.
    const starts = new Map<number, ReturnType<typeof millisToHrTime>>();
    const startOf = (ms: number) => {
      let start = starts.get(ms);
      if (!start) starts.set(ms, (start = millisToHrTime(ms)));
      return start;
    };
    const { points, startTimesMs } = family;
    const dataPoints = [];
    for (let index = 0; index < points.length; index++) {
      const startTimeMs = startTimesMs?.[index];
      dataPoints.push({
        startTime: startTimeMs !== undefined ? startOf(startTimeMs) : gaugeStart,
        endTime,
        attributes: points.attributesAt(index),
        value: points.valueAt(index),
      });
    }
    if (family.kind === 'counter') {
      return {
        descriptor,
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.SUM,
        isMonotonic: true,
        dataPoints,
      };
    }
    return {
      descriptor,
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.GAUGE,
      dataPoints,
    };
  }
}
