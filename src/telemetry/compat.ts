import {
  exposedName,
  type CompatibilityName,
  type CompatibilitySet,
  type MetricDefinition,
} from '../catalog/index.js';
import { PointList, type Attributes } from '../refresh/point-list.js';
import { seriesKey, type MetricFamily } from '../refresh/snapshot.js';

/** A metric family republished under an older exporter's name and labels. */
export interface CompatibilityFamily {
  alias: CompatibilityName;
  of: MetricDefinition;
  points: PointList;
  startTimesMs?: number[];
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
      const translated = translate(family, alias);
      const existing = byName.get(alias.name);
      if (!existing) {
        byName.set(alias.name, { alias, of: family.definition, ...translated });
      } else if (existing.alias.kind === alias.kind) {
        const present = new Set([...existing.points].map((point) => seriesKey(point.attributes)));
        // Start times only when both families have them; otherwise every series starts with the process.
        if (!translated.startTimesMs) existing.startTimesMs = undefined;
        for (let index = 0; index < translated.points.length; index++) {
          const attributes = translated.points.attributesAt(index);
          if (present.has(seriesKey(attributes))) continue;
          existing.points.push(attributes, translated.points.valueAt(index));
          existing.startTimesMs?.push(translated.startTimesMs![index]!);
        }
      }
    }
  }
  return [...byName.values()];
}

function translate(
  family: MetricFamily,
  alias: CompatibilityName,
): { points: PointList; startTimesMs?: number[] } {
  const attributeColumn: Attributes[] = [];
  const startTimesMs: number[] | undefined = family.startTimesMs ? [] : undefined;
  const values: number[] = [];
  const indexByKey = new Map<string, number>();
  for (let index = 0; index < family.points.length; index++) {
    const original = family.points.attributesAt(index);
    if (alias.only && !Object.entries(alias.only).every(([name, value]) => original[name] === value))
      continue;
    const attributes: Record<string, string> = { ...alias.constantLabels };
    for (const [name, value] of Object.entries(original)) {
      if (alias.dropAttributes?.includes(name)) continue;
      attributes[alias.labels?.[name] ?? name] = alias.values?.[name]?.[value] ?? value;
    }
    const key = seriesKey(attributes as Attributes);
    const at = indexByKey.get(key);
    const value = family.points.valueAt(index);
    if (at !== undefined) {
      values[at]! += value;
      continue;
    }
    indexByKey.set(key, values.length);
    values.push(value);
    attributeColumn.push(attributes);
    startTimesMs?.push(family.startTimesMs![index]!);
  }
  return { points: PointList.fromColumns(attributeColumn, values), startTimesMs };
}
