import type { CompatibilityName, CompatibilitySet, MetricDefinition } from '../catalog/index.js';
import type { Attributes } from '../refresh/observations.js';
import { seriesKey, type MetricFamily, type SnapshotPoint } from '../refresh/snapshot.js';

/** A metric family republished under an older exporter's name and labels. */
export interface CompatibilityFamily {
  alias: CompatibilityName;
  of: MetricDefinition;
  points: SnapshotPoint[];
}

/** Families for the enabled compatibility sets: renamed labels, mapped values, dropped attributes summed. */
export function compatibilityFamilies(
  families: readonly MetricFamily[],
  sets: ReadonlySet<CompatibilitySet>,
): CompatibilityFamily[] {
  if (sets.size === 0) return [];
  const out: CompatibilityFamily[] = [];
  for (const family of families) {
    for (const alias of family.definition.compat ?? []) {
      if (!sets.has(alias.set)) continue;
      out.push({ alias, of: family.definition, points: translate(family.points, alias) });
    }
  }
  return out;
}

function translate(points: readonly SnapshotPoint[], alias: CompatibilityName): SnapshotPoint[] {
  const merged = new Map<string, SnapshotPoint>();
  for (const point of points) {
    const attributes: Record<string, string> = { ...alias.constantLabels };
    for (const [name, value] of Object.entries(point.attributes)) {
      if (alias.dropAttributes?.includes(name)) continue;
      attributes[alias.labels?.[name] ?? name] = alias.values?.[name]?.[value] ?? value;
    }
    const key = seriesKey(attributes as Attributes);
    const existing = merged.get(key);
    merged.set(
      key,
      existing
        ? { ...existing, value: existing.value + point.value }
        : { attributes, value: point.value, startTimeMs: point.startTimeMs },
    );
  }
  return [...merged.values()];
}
