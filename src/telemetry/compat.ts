import {
  exposedName,
  type CompatibilityName,
  type CompatibilitySet,
  type MetricDefinition,
} from '../catalog/index.js';
import { PointList, type Attributes } from '../collectors/point-list.js';
import { seriesKey, type MetricFamily } from '../refresh/snapshot.js';

/** A metric family republished under an older exporter's name and labels. */
export interface CompatibilityFamily {
  alias: CompatibilityName;
  of: MetricDefinition;
  points: PointList;
  startTimesMs?: number[];
}

/**
 * Families for the enabled compatibility sets: renamed labels, mapped values, dropped attributes summed,
 * attributes joined from an info metric. One name is one family: two old exporters that used the same name (both
 * sets on) share it, the first set's series winning where both have the same labels, unless one alias yields to
 * the other set (then only the other's shape is published); a name the catalog itself uses is left to the catalog.
 */
export function compatibilityFamilies(
  families: readonly MetricFamily[],
  sets: ReadonlySet<CompatibilitySet>,
): CompatibilityFamily[] {
  if (sets.size === 0) return [];
  const taken = new Set(families.map((family) => exposedName(family.definition)));
  const byMetric = new Map(families.map((family) => [family.definition.name, family]));
  const byName = new Map<string, CompatibilityFamily>();
  for (const family of families) {
    for (const alias of family.definition.compat ?? []) {
      if (!sets.has(alias.set) || taken.has(alias.name)) continue;
      if (alias.yieldsTo?.some((set) => sets.has(set))) continue;
      const translated = translate(family, alias, alias.join && byMetric.get(alias.join.metric));
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
  joined: MetricFamily | undefined,
): { points: PointList; startTimesMs?: number[] } {
  const attributeColumn: Attributes[] = [];
  const startTimesMs: number[] | undefined = family.startTimesMs ? [] : undefined;
  const values: number[] = [];
  const indexByKey = new Map<string, number>();
  const partners = alias.join ? partnersOf(joined, alias.join.on) : undefined;
  for (let index = 0; index < family.points.length; index++) {
    let original = family.points.attributesAt(index);
    const value = family.points.valueAt(index);
    if (alias.whereValue !== undefined && value !== alias.whereValue) continue;
    if (alias.join && partners) {
      const partner = partners.get(keyOn(original, alias.join.on));
      if (partner) original = { ...original, ...pick(partner, alias.join.attributes) };
      else if (!alias.join.optional) continue;
    }
    if (alias.only && !Object.entries(alias.only).every(([name, wanted]) => original[name] === wanted))
      continue;
    const attributes: Record<string, string> = { ...alias.constantLabels };
    for (const [name, attribute] of Object.entries(original)) {
      if (alias.dropAttributes?.includes(name)) continue;
      attributes[alias.labels?.[name] ?? name] = alias.values?.[name]?.[attribute] ?? attribute;
    }
    const key = seriesKey(attributes as Attributes);
    const at = indexByKey.get(key);
    const published = alias.value ?? value;
    if (at !== undefined) {
      values[at]! += published;
      continue;
    }
    indexByKey.set(key, values.length);
    values.push(published);
    attributeColumn.push(attributes);
    startTimesMs?.push(family.startTimesMs![index]!);
  }
  return { points: PointList.fromColumns(attributeColumn, values), startTimesMs };
}

/** The joined family's series by their values of `on`; none when that metric is not published. */
function partnersOf(family: MetricFamily | undefined, on: readonly string[]): Map<string, Attributes> {
  const out = new Map<string, Attributes>();
  for (let index = 0; index < (family?.points.length ?? 0); index++) {
    const attributes = family!.points.attributesAt(index);
    out.set(keyOn(attributes, on), attributes);
  }
  return out;
}

function keyOn(attributes: Attributes, on: readonly string[]): string {
  return on.map((name) => attributes[name] ?? '').join('\u0000');
}

function pick(attributes: Attributes, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) if (attributes[name] !== undefined) out[name] = attributes[name];
  return out;
}
