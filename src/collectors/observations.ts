import {
  metricDefinition,
  type AttributesArgument,
  type MetricDefinition,
  type MetricName,
  type MetricSink,
} from '../catalog/index.js';
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
export class Observations implements MetricSink {
  readonly points = new Map<string, PointList>();
  private readonly appenders = new Map<string, Appender>();

  private readonly collectors: readonly string[];
  /**
   * The attributes object last checked, and the catalog's list of names it passed: a collector often adds one
   * object to several metrics, whose definitions share one list (perRepository in the catalog).
   */
  private lastCheckedAttributes?: Attributes;
  private lastCheckedNames?: readonly string[];

  /** `collector` may list several names: a source's own figures come from `exporter` and `source`. */
  constructor(collector: string | readonly string[]) {
    this.collectors = typeof collector === 'string' ? [collector] : collector;
  }

  add<Name extends MetricName>(metric: Name, value: number, ...attributes: AttributesArgument<Name>): void {
    this.series(metric)(value, ...attributes);
  }

  /**
   * Adds points to one metric, the catalog consulted once: for collectors that add a point per repository to
   * several metrics, where looking each metric up again for every point shows in the refresh time.
   */
  series<Name extends MetricName>(
    metric: Name,
  ): (value: number, ...attributes: AttributesArgument<Name>) => void {
    let appender = this.appenders.get(metric);
    if (!appender) this.appenders.set(metric, (appender = this.appender(metric)));
    return appender;
  }

  private appender(metric: string): Appender {
    const definition = metricDefinition(metric);
    this.checkOwner(definition);
    let list = this.points.get(metric);
    return (value, attributes = {}) => {
      if (attributes !== this.lastCheckedAttributes || definition.attributes !== this.lastCheckedNames) {
        checkAttributes(definition, attributes);
        this.lastCheckedAttributes = attributes;
        this.lastCheckedNames = definition.attributes;
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
