import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import { emptyResource } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType } from '@opentelemetry/sdk-metrics';
import { ProjectFilter } from '../../src/refresh/project-filter.js';
import { SnapshotBuilder, type Snapshot } from '../../src/refresh/snapshot.js';
import type { CollectorState, SourceState } from '../../src/refresh/source-runner.js';
import type { Point } from '../../src/collectors/observations.js';
import { familyPoints, pointLists } from '../harness/points.js';
import { toResourceMetrics } from '../../src/telemetry/metric-data.js';
import { publishedFamilies } from '../../src/telemetry/published-families.js';

const noFilter = new ProjectFilter([], []);

type PlainPoints = ReadonlyMap<string, readonly Point[]>;

function collector(
  name: string,
  { points, ...overrides }: Partial<Omit<CollectorState, 'points'>> & { points?: PlainPoints } = {},
): CollectorState {
  return {
    name,
    points: pointLists(points ?? new Map()),
    success: true,
    stale: false,
    durationSeconds: 0.25,
    errors: 0,
    ...overrides,
  };
}

function sourceState({
  own,
  ...overrides
}: Partial<Omit<SourceState, 'own'>> & { own?: PlainPoints } = {}): SourceState {
  return {
    name: 'database',
    finished: 0,
    refreshes: 1,
    success: true,
    durationSeconds: 1.5,
    errors: 0,
    collectors: [],
    own: pointLists(own ?? new Map()),
    ...overrides,
  };
}

/** Value and start time of the one point of `metric` with these attributes. */
function pointOf(snapshot: Snapshot, metric: string, attributes: Record<string, string> = {}) {
  const family = snapshot.families.find((candidate) => candidate.definition.name === metric);
  const matches = familyPoints(family).filter((point) =>
    Object.entries(attributes).every(([key, value]) => point.attributes[key] === value),
  );
  assert.ok(matches.length <= 1, `several ${metric} points match ${JSON.stringify(attributes)}`);
  return matches[0];
}

describe('snapshot builder', () => {
  it('publishes the exporter’s own metrics from the sources’ states', () => {
    const builder = new SnapshotBuilder(noFilter, { version: '9.8.7' }, () => 5_000_000);
    const projects = new Map([
      [
        'harbor_project_repositories',
        [
          { attributes: { project: 'a' }, value: 3 },
          { attributes: { project: 'b' }, value: 4 },
        ],
      ],
    ]);
    const snapshot = builder.build([
      sourceState({
        refreshes: 12,
        errors: 2,
        success: false,
        durationSeconds: 2.5,
        lastSuccessSeconds: 4_000,
        lastError: 'x',
        collectors: [
          collector('projects', { points: projects, durationSeconds: 0.5, lastSuccessSeconds: 4_000 }),
          collector('database', { success: false, stale: true, errors: 2, lastSuccessSeconds: 3_000 }),
        ],
        own: new Map([['harbor_database_up', [{ attributes: {}, value: 1 }]]]),
      }),
    ]);
    const value = (metric: string, attributes: Record<string, string> = {}) =>
      pointOf(snapshot, metric, attributes)?.value;
    const db = { source: 'database' };
    assert.equal(
      value('harbor_exporter_build_info', { version: '9.8.7', nodejs_version: process.versions.node }),
      1,
    );
    assert.equal(value('harbor_exporter_source_up', db), 0);
    assert.equal(value('harbor_exporter_source_refreshes', db), 12);
    assert.equal(value('harbor_exporter_source_refresh_errors', db), 2);
    assert.equal(value('harbor_exporter_source_refresh_duration_seconds', db), 2.5);
    assert.equal(value('harbor_exporter_source_last_success_timestamp_seconds', db), 4_000);
    const projectsCollector = { source: 'database', collector: 'projects' };
    const healthCollector = { source: 'database', collector: 'database' };
    assert.equal(value('harbor_exporter_collector_success', projectsCollector), 1);
    assert.equal(value('harbor_exporter_collector_success', healthCollector), 0);
    assert.equal(value('harbor_exporter_collector_stale', healthCollector), 1);
    assert.equal(value('harbor_exporter_collector_stale', projectsCollector), 0);
    assert.equal(value('harbor_exporter_collector_errors', healthCollector), 2);
    assert.equal(value('harbor_exporter_collector_duration_seconds', projectsCollector), 0.5);
    assert.equal(value('harbor_exporter_collector_last_success_timestamp_seconds', healthCollector), 3_000);
    assert.equal(value('harbor_project_repositories', { project: 'b' }), 4);
    assert.equal(value('harbor_database_up'), 1);
    // Every series, this one included.
    const total = snapshot.families.reduce((sum, family) => sum + family.points.length, 0);
    assert.equal(value('harbor_exporter_metrics_series'), total);
    assert.equal(snapshot.seriesCount, total);
    assert.equal(snapshot.takenAtMs, 5_000_000);
  });

  it('leaves out what a source has not measured yet', () => {
    const snapshot = new SnapshotBuilder(noFilter, { version: '1' }).build([
      sourceState({ refreshes: 0, success: false }),
    ]);
    assert.equal(pointOf(snapshot, 'harbor_exporter_source_up', { source: 'database' })?.value, 0);
    assert.equal(pointOf(snapshot, 'harbor_exporter_source_refresh_duration_seconds'), undefined);
    assert.equal(pointOf(snapshot, 'harbor_exporter_source_last_success_timestamp_seconds'), undefined);
  });

  it('starts a counter anew when it goes down or comes back, and keeps its start while it grows', () => {
    let now = 1_000;
    const builder = new SnapshotBuilder(noFilter, { version: '1' }, () => now);
    const refreshes = (value: number) => builder.build([sourceState({ refreshes: value })]);
    const start = (snapshot: Snapshot) =>
      pointOf(snapshot, 'harbor_exporter_source_refreshes', { source: 'database' })?.startTimeMs;

    assert.equal(start(refreshes(5)), 1_000);
    now = 2_000;
    assert.equal(start(refreshes(6)), 1_000);
    now = 3_000;
    assert.equal(start(refreshes(6)), 1_000);
    now = 4_000;
    assert.equal(start(refreshes(2)), 4_000, 'a counter that went down must start anew');
    now = 5_000;
    assert.equal(start(refreshes(3)), 4_000);
    now = 6_000;
    builder.build([]);
    now = 7_000;
    assert.equal(start(refreshes(9)), 7_000, 'a series that disappeared and came back must start anew');
    // Gauges carry no start of their own.
    assert.equal(pointOf(refreshes(9), 'harbor_exporter_source_up')?.startTimeMs, undefined);
  });

  it('hands counter start times to the OpenTelemetry serializer and exporters', () => {
    let now = 10_000;
    let current: Snapshot | undefined;
    const builder = new SnapshotBuilder(noFilter, { version: '1' }, () => now);
    const collect = () => {
      const resourceMetrics = toResourceMetrics(
        publishedFamilies(current!, new Set()),
        emptyResource(),
        { name: 't', version: '1' },
        {
          endTimeMs: current!.takenAtMs,
          gaugeStartMs: 500,
          temporality: AggregationTemporality.CUMULATIVE,
        },
      );
      const metrics = resourceMetrics.scopeMetrics[0]!.metrics;
      const refreshes = metrics.find(
        (metric) => metric.descriptor.name === 'harbor_exporter_source_refreshes',
      )!;
      const up = metrics.find((metric) => metric.descriptor.name === 'harbor_exporter_source_up')!;
      assert.equal(refreshes.dataPointType, DataPointType.SUM);
      assert.equal(up.dataPointType, DataPointType.GAUGE);
      const point = refreshes.dataPoints[0]!;
      return {
        value: point.value,
        start: hrTimeToMilliseconds(point.startTime),
        end: hrTimeToMilliseconds(point.endTime),
        gaugeStart: hrTimeToMilliseconds(up.dataPoints[0]!.startTime),
      };
    };
    current = builder.build([sourceState({ refreshes: 4 })]);
    assert.deepEqual(collect(), { value: 4, start: 10_000, end: 10_000, gaugeStart: 500 });
    now = 20_000;
    current = builder.build([sourceState({ refreshes: 1 })]);
    assert.deepEqual(collect(), { value: 1, start: 20_000, end: 20_000, gaugeStart: 500 });
  });

  it('publishes only the projects the filter allows', () => {
    const builder = new SnapshotBuilder(new ProjectFilter(['team-*', 'library'], ['team-secret*']), {
      version: '1',
    });
    const points = ['library', 'team-a', 'team-secret-1', 'other'].map((project) => ({
      attributes: { project },
      value: 1,
    }));
    const snapshot = builder.build([
      sourceState({
        collectors: [collector('projects', { points: new Map([['harbor_project_repositories', points]]) })],
      }),
    ]);
    const family = snapshot.families.find(
      (candidate) => candidate.definition.name === 'harbor_project_repositories',
    );
    assert.deepEqual(
      familyPoints(family)
        .map((point) => point.attributes.project)
        .sort(),
      ['library', 'team-a'],
    );
  });
  it("joins what several collectors report under one metric, and leaves the collectors' points as they were", () => {
    let now = 1_000;
    const builder = new SnapshotBuilder(noFilter, { version: '1' }, () => now);
    const pulls = (repository: string, value: number) => ({
      attributes: { project: 'p', repository },
      value,
    });
    const first = [pulls('p/a', 3), pulls('p/b', 4)];
    const second = [pulls('p/c', 5)];
    const states = () => [
      sourceState({
        collectors: [
          collector('one', { points: new Map([['harbor_repository_pulls', first]]) }),
          collector('two', { points: new Map([['harbor_repository_pulls', second]]) }),
        ],
      }),
    ];
    const before = structuredClone([first]);
    const snapshot = builder.build(states());
    now = 2_000;
    second[0] = pulls('p/c', 1);
    const later = builder.build(states());
    assert.deepEqual(first, before[0], "the builder changed a collector's points");
    assert.equal(
      first.some((point) => 'startTimeMs' in point),
      false,
    );
    const starts = (built: Snapshot) =>
      ['p/a', 'p/b', 'p/c'].map(
        (repository) => pointOf(built, 'harbor_repository_pulls', { repository })?.startTimeMs,
      );
    assert.deepEqual(starts(snapshot), [1_000, 1_000, 1_000]);
    assert.deepEqual(starts(later), [1_000, 1_000, 2_000], 'p/c went down from 5 to 1');
    assert.equal(pointOf(snapshot, 'harbor_exporter_metrics_series')?.value, snapshot.seriesCount);
  });
});
