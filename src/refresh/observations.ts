import { metricDefinition, type MetricDefinition } from '../catalog/index.js';
import { PointList, type Attributes } from './point-list.js';

export { PointList, type Attributes, type Point } from './point-list.js';

/** What a collector saw in one refresh: each metric's points. */
export type PointsByMetric = ReadonlyMap<string, PointList>;

/**
 * What one collector saw in one refresh. Only catalog metrics of that collector may be added, with exactly the
 * attributes the catalog names, so a typo fails the collector's test instead of publishing a stray series.
 */
export class Observations {
  readonly points = new Map<string, PointList>();
  private readonly checked = new Set<string>();

  private readonly collectors: readonly string[];

  /** `collector` may list several names: a source's own figures come from `exporter` and `source`. */
  constructor(collector: string | readonly string[]) {
    this.collectors = typeof collector === 'string' ? [collector] : collector;
  }

  add(metric: string, value: number, attributes: Attributes = {}): void {
    const definition = metricDefinition(metric);
    if (!this.checked.has(metric)) this.checkOwner(definition);
    checkAttributes(definition, attributes);
    if (!Number.isFinite(value)) return;
    let list = this.points.get(metric);
    if (!list) this.points.set(metric, (list = PointList.empty()));
    list.push(attributes, value);
  }

  get size(): number {
    let total = 0;
    for (const list of this.points.values()) total += list.length;
    return total;
  }

  private checkOwner(definition: MetricDefinition): void {
    const owners = [definition.collector, definition.fallback?.collector];
    if (!owners.some((owner) => owner !== undefined && this.collectors.includes(owner))) {
      throw new Error(
        `collector ${this.collectors.join('/')} may not emit ${definition.name} (it belongs to ${definition.collector})`,
      );
    }
    this.checked.add(definition.name);
  }
}

/** Exactly the catalog's attribute names; written without allocating, since it runs for every point. */
function checkAttributes(definition: MetricDefinition, attributes: Attributes): void {
  let count = 0;
  for (const name in attributes) {
    if (Object.hasOwn(attributes, name)) count++;
  }
  let ok = count === definition.attributes.length;
  for (let index = 0; ok && index < definition.attributes.length; index++) {
    ok = Object.hasOwn(attributes, definition.attributes[index]!);
  }
  if (!ok) {
    throw new Error(
      `${definition.name} takes attributes [${definition.attributes.join(', ')}], got [${Object.keys(attributes).join(', ')}]`,
    );
  }
}
