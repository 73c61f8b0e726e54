import { ValueType } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { PublishedFamily } from './published-families.js';

export interface DataPointTimes {
  /** When the values were taken: every point's end time. */
  endTimeMs: number;
  /** Start time of gauge points (they have none of their own): the start of the process. */
  gaugeStartMs: number;
  /** How counters' values are to be read; a delta family must already hold deltas and their start times. */
  temporality: AggregationTemporality;
}

/**
 * The SDK's MetricData for one published family: a monotonic sum for a counter, a gauge otherwise. Pure: what
 * the Prometheus serializer and the OTLP exporters take, built from the snapshot alone.
 */
export function toMetricData(family: PublishedFamily, times: DataPointTimes): MetricData {
  const descriptor = {
    name: family.name,
    description: family.definition.help,
    unit: family.definition.unit,
    valueType: ValueType.DOUBLE,
  };
  const endTime = millisToHrTime(times.endTimeMs);
  const gaugeStart = millisToHrTime(times.gaugeStartMs);
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
      aggregationTemporality: times.temporality,
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

/** The families as the SDK's ResourceMetrics, one scope: what a serializer or an exporter takes at once. */
export function toResourceMetrics(
  families: readonly PublishedFamily[],
  resource: Resource,
  scope: { name: string; version: string },
  times: DataPointTimes,
): ResourceMetrics {
  return {
    resource,
    scopeMetrics: [{ scope, metrics: families.map((family) => toMetricData(family, times)) }],
  };
}
