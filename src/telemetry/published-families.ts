import { catalog, type CompatibilitySet, type MetricDefinition } from '../catalog/index.js';
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
 * Catalog families from points read outside a snapshot (the process's own figures), in the catalog's order;
 * counters count from `startMs`.
 */
export function catalogFamilies(points: ReadonlyMap<string, PointList>, startMs: number): PublishedFamily[] {
  const families: PublishedFamily[] = [];
  for (const definition of catalog) {
    const list = points.get(definition.name);
    if (!list || list.length === 0) continue;
    families.push({
      definition,
      name: definition.name,
      kind: definition.kind,
      points: list,
      startTimesMs: definition.kind === 'counter' ? new Array<number>(list.length).fill(startMs) : undefined,
    });
  }
  return families;
}
