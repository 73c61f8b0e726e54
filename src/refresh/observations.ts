import { metricDefinition, type MetricDefinition } from '../catalog/index.js';

export type Attributes = Readonly<Record<string, string>>;

export interface Point {
  readonly attributes: Attributes;
  readonly value: number;
}

/**
 * What one collector saw in one refresh. Only catalog metrics of that collector may be added, with exactly the
 * attributes the catalog names, so a typo fails the collector's test instead of publishing a stray series.
 */
export class Observations {
  readonly points = new Map<string, Point[]>();
  private readonly checked = new Set<string>();

  private readonly collectors: readonly string[];

  /** `collector` may list several names: a source's own figures come from `exporter` and `source`. */
  constructor(collector: string | readonly string[]) {
    this.collectors = typeof collector === 'string' ? [collector] : collector;
  }

  add(metric: string, value: number, attributes: Attributes = {}): void {
    if (!this.checked.has(metric)) {
      const definition = metricDefinition(metric);
      const owners = [definition.collector, definition.fallback?.collector];
      if (!owners.some((owner) => owner !== undefined && this.collectors.includes(owner))) {
        throw new Error(
          `collector ${this.collectors.join('/')} may not emit ${metric} (it belongs to ${definition.collector})`,
        );
      }
      this.checked.add(metric);
    }
    checkAttributes(metricDefinition(metric), attributes);
    if (!Number.isFinite(value)) return;
    let list = this.points.get(metric);
    if (!list) this.points.set(metric, (list = []));
    list.push({ attributes, value });
  }

  get size(): number {
    let total = 0;
    for (const list of this.points.values()) total += list.length;
    return total;
  }
}

function checkAttributes(definition: MetricDefinition, attributes: Attributes): void {
  const keys = Object.keys(attributes);
  if (
    keys.length !== definition.attributes.length ||
    !definition.attributes.every((key) => key in attributes)
  ) {
    throw new Error(
      `${definition.name} takes attributes [${definition.attributes.join(', ')}], got [${keys.join(', ')}]`,
    );
  }
}
