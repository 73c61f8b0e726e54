import { apiFallbacks, apiMetrics, type ApiMetric } from './api-metrics.js';
import { databaseMetrics, type DatabaseMetric } from './database-metrics.js';
import { exporterMetrics, type ExporterMetric } from './exporter-metrics.js';
import { kubernetesMetrics, type KubernetesMetric } from './kubernetes-metrics.js';
import { runtimeMetrics } from './runtime-metrics.js';
import type { MetricDefinition } from './types.js';

export type {
  MetricDefinition,
  MetricKind,
  SourceName,
  CompatibilitySet,
  CompatibilityName,
} from './types.js';
export { exposedName } from './types.js';

/** Every metric the exporter can publish, in the order /metrics lists them. Defined here and nowhere else. */
export const catalog: readonly MetricDefinition[] = withFallbacks(
  [...exporterMetrics, ...runtimeMetrics, ...databaseMetrics, ...apiMetrics, ...kubernetesMetrics],
  apiFallbacks,
);

/** Marks the metrics another source can stand in for; a fallback naming an unknown metric is a bug. */
function withFallbacks(
  definitions: readonly MetricDefinition[],
  fallbacks: readonly { metric: string; collector: string }[],
): MetricDefinition[] {
  const byMetric = new Map(fallbacks.map((fallback) => [fallback.metric, fallback.collector]));
  const out = definitions.map((definition) => {
    const collector = byMetric.get(definition.name);
    byMetric.delete(definition.name);
    return collector ? { ...definition, fallback: { source: 'api' as const, collector } } : definition;
  });
  if (byMetric.size > 0) throw new Error(`fallback for unknown metrics: ${[...byMetric.keys()].join(', ')}`);
  return out;
}

type CatalogMetric = ExporterMetric | DatabaseMetric | ApiMetric | KubernetesMetric;
/** The name of a catalog metric: any other string is a compile error. */
export type MetricName = CatalogMetric['name'];
type AttributeName<Name extends MetricName> = Extract<CatalogMetric, { name: Name }>['attributes'][number];
/** A point's attributes: exactly the metric's, each a string. */
export type MetricAttributes<Name extends MetricName> = { readonly [Key in AttributeName<Name>]: string };
/** The attributes argument of `add` and of a series: optional when the metric has none, else required. */
export type AttributesArgument<Name extends MetricName> = [AttributeName<Name>] extends [never]
  ? [attributes?: Readonly<Record<string, never>>]
  : [attributes: MetricAttributes<Name>];

/** A catalog metric without attributes: one series. */
export type SingleSeriesMetricName = {
  [Name in MetricName]: [AttributeName<Name>] extends [never] ? Name : never;
}[MetricName];

const byName = new Map(catalog.map((definition) => [definition.name, definition]));

export function metricDefinition(name: string): MetricDefinition {
  const definition = byName.get(name);
  if (!definition) throw new Error(`metric ${name} is not in the catalog`);
  return definition;
}

/** Where catalog metrics' points are added: what a source or a collector sees of a refresh's observations. */
export interface MetricSink {
  add<Name extends MetricName>(metric: Name, value: number, ...attributes: AttributesArgument<Name>): void;
}
