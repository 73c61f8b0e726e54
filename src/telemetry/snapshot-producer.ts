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
import type { Snapshot, SnapshotPoint } from '../refresh/snapshot.js';
import { compatibilityFamilies } from './compat.js';

/**
 * Hands the current snapshot to the SDK's readers at each collection. Building the data points from the
 * snapshot, rather than from observable instruments, is what makes a deleted repository's series disappear:
 * instruments would export every attribute set they ever saw, and never touch Harbor from a callback.
 */
export class SnapshotMetricProducer implements MetricProducer {
  constructor(
    private readonly current: () => Snapshot | undefined,
    private readonly compat: ReadonlySet<CompatibilitySet>,
    private readonly scope: { name: string; version: string },
    private readonly processStartMs: number,
  ) {}

  async collect(): Promise<CollectionResult> {
    const snapshot = this.current();
    const metrics: MetricData[] = [];
    if (snapshot) {
      const endTime = millisToHrTime(snapshot.takenAtMs);
      for (const family of snapshot.families) {
        metrics.push(
          this.metricData(
            family.definition,
            family.definition.name,
            family.definition.kind,
            family.points,
            endTime,
          ),
        );
      }
      for (const family of compatibilityFamilies(snapshot.families, this.compat)) {
        const counter = family.alias.kind === 'counter';
        const name = counter ? family.alias.name.replace(/_total$/, '') : family.alias.name;
        metrics.push(this.metricData(family.of, name, counter ? 'counter' : 'gauge', family.points, endTime));
      }
    }
    return {
      resourceMetrics: { resource: emptyResource(), scopeMetrics: [{ scope: this.scope, metrics }] },
      errors: [],
    };
  }

  private metricData(
    definition: MetricDefinition,
    name: string,
    kind: MetricDefinition['kind'],
    points: readonly SnapshotPoint[],
    endTime: ReturnType<typeof millisToHrTime>,
  ): MetricData {
    const descriptor = {
      name,
      description: definition.help,
      unit: definition.unit,
      valueType: ValueType.DOUBLE,
    };
    const gaugeStart = millisToHrTime(this.processStartMs);
    const dataPoints = points.map((point) => ({
      startTime: point.startTimeMs !== undefined ? millisToHrTime(point.startTimeMs) : gaugeStart,
      endTime,
      attributes: point.attributes,
      value: point.value,
    }));
    if (kind === 'counter') {
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
