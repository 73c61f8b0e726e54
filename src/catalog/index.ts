import { databaseMetrics } from './database-metrics.js';
import { exporterMetrics } from './exporter-metrics.js';
import { kubernetesMetrics } from './kubernetes-metrics.js';
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
export const catalog: readonly MetricDefinition[] = [...exporterMetrics, ...databaseMetrics, ...kubernetesMetrics];

const byName = new Map(catalog.map((definition) => [definition.name, definition]));

export function metricDefinition(name: string): MetricDefinition {
  const definition = byName.get(name);
  if (!definition) throw new Error(`metric ${name} is not in the catalog`);
  return definition;
}

/** Names of the metrics a collector may emit. */
export function metricsOfCollector(collector: string): MetricDefinition[] {
  return catalog.filter((definition) => definition.collector === collector);
}
