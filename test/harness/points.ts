import { PointList, type Point, type PointsByMetric } from '../../src/collectors/observations.js';
import type { MetricFamily } from '../../src/refresh/snapshot.js';
import type { SourceState } from '../../src/refresh/source-runner.js';

/** Columns from plain point objects, as collectors would have observed them. */
export function pointLists(points: ReadonlyMap<string, readonly Point[]>): PointsByMetric {
  return new Map([...points].map(([metric, list]) => [metric, PointList.of(list)]));
}

/** A snapshot family's points as plain objects, with their start times for counters. */
export function familyPoints(family: MetricFamily | undefined): (Point & { startTimeMs?: number })[] {
  if (!family) return [];
  return family.points
    .toArray()
    .map((point, index) =>
      family.startTimesMs ? { ...point, startTimeMs: family.startTimesMs[index] } : point,
    );
}

/** A source that refreshed once, successfully, with one collector that observed these points. */
export function scriptedSourceState(
  name: SourceState['name'],
  points: ReadonlyMap<string, readonly Point[]>,
): SourceState {
  return {
    name,
    finished: 0,
    refreshes: 1,
    success: true,
    durationSeconds: 0.1,
    errors: 0,
    collectors: [
      {
        name: 'scripted',
        points: pointLists(points),
        success: true,
        stale: false,
        durationSeconds: 0.1,
        errors: 0,
      },
    ],
    own: new Map(),
  };
}
