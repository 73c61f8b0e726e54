import { metricDefinition, type MetricDefinition } from '../catalog/index.js';
import { PointList, type Attributes } from './point-list.js';

export { PointList, type Attributes, type Point } from './point-list.js';

/** Adds one point to the metric it was made for. */
type Appender = (value: number, attributes?: Attributes) => void;

/** What a collector saw in one refresh: each metric's points. */
export type PointsByMetric = ReadonlyMap<string, PointList>;

/**
 * What one collector saw in one refresh. Only catalog metrics of that collector may be added, with exactly the
 * attributes the catalog names, so a typo fails the collector's test instead of publishing a stray series.
 */
export class Observations {
  readonly points = new Map<string, PointList>();
  private readonly appenders = new Map<string, Appender>();

  private readonly collectors: readonly string[];
  /** The attributes last checked, and against which attribute names: a collector often adds one object to several metrics. */
  private lastChecked?: { attributes: Attributes; names: string };

  /** `collector` may list several names: a source's own figures come from `exporter` and `source`. */
  constructor(collector: string | readonly string[]) {
    this.collectors = typeof collector === 'string' ? [collector] : collector;
  }

  add(metric: string, value: number, attributes: Attributes = {}): void {
    this.series(metric)(value, attributes);
  }

  /**
   * Adds points to one metric, the catalog consulted once: for collectors that add a point per repository to
   * several metrics, where looking each metric up again for every point shows in the refresh time.
   */
  series(metric: string): Appender {
    let appender = this.appenders.get(metric);
    if (!appender) this.appenders.set(metric, (appender = this.appender(metric)));
    return appender;
  }

  private appender(metric: string): Appender {
    const definition = metricDefinition(metric);
    this.checkOwner(definition);
    let list = this.points.get(metric);
    const names = attributeNames(definition);
    return (value, attributes = {}) => {
      const last = this.lastChecked;
      if (last?.attributes !== attributes || last.names !== names) {
        checkAttributes(definition, attributes);
        this.lastChecked = { attributes, names };
      }
      if (!Number.isFinite(value)) return;
      if (!list) this.points.set(metric, (list = PointList.empty()));
      list.push(attributes, value);
    };
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
  }
}

const namesByDefinition = new WeakMap<MetricDefinition, string>();

/** A definition's attribute names as one string, the same string for every definition with the same names. */
function attributeNames(definition: MetricDefinition): string {
  let names = namesByDefinition.get(definition);
  if (names === undefined) {
    names = definition.attributes.join('\u0000');
    // Interned through a map of its own, so that equal lists compare as the same string at once.
    names = internedNames.get(names) ?? (internedNames.set(names, names), names);
    namesByDefinition.set(definition, names);
  }
  return names;
}
const internedNames = new Map<string, string>();

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
