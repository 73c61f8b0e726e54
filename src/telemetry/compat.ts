import {
  exposedName,
  type CompatibilityName,
  type CompatibilitySet,
  type MetricDefinition,
} from '../catalog/index.js';
import type { Attributes } from '../refresh/observations.js';
import { seriesKey, type MetricFamily, type SnapshotPoint } from '../refresh/snapshot.js';

/** A metric family republished under an older exporter's name and labels. */
export interface CompatibilityFamily {
  alias: CompatibilityName;
  of: MetricDefinition;
  points: SnapshotPoint[];
}

/**
 * Families for the enabled compatibility sets: renamed labels, mapped values, dropped attributes summed. One
 * name is one family: two old exporters that used the same name (both sets on) share it, the first set's series
 * winning where both have the same labels, and a name the catalog itself uses is left to the catalog.
 */
export function compatibilityFamilies(
  families: readonly MetricFamily[],
  sets: ReadonlySet<CompatibilitySet>,
): CompatibilityFamily[] {
  if (sets.size === 0) return [];
  const taken = new Set(families.map((family) => exposedName(family.definition)));
  const byName = new Map<string, CompatibilityFamily>();
  for (const family of families) {
    for (const alias of family.definition.compat ?? []) {
      if (!sets.has(alias.set) || taken.has(alias.name)) continue;
      const points = translate(family.points, alias);
      const existing = byName.get(alias.name);
      if (!existing) {
        byName.set(alias.name, { alias, of: family.definition, points });
      } else if (existing.alias.kind === alias.kind) {
        const present = new Set(existing.points.map((point) => seriesKey(point.attributes)));
        existing.points.push(...points.filter((point) => !present.has(seriesKey(point.attributes))));
      }
    }
  }
  return [...byName.values()];
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
