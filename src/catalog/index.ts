import { apiFallbacks, apiMetrics } from './api-metrics.js';
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
  MetricSink,
} from './types.js';
export { exposedName } from './types.js';

/** Every metric the exporter can publish, in the order /metrics lists them. Defined here and nowhere else. */
export const catalog: readonly MetricDefinition[] = withFallbacks(
  [...exporterMetrics, ...databaseMetrics, ...apiMetrics, ...kubernetesMetrics],
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

const byName = new Map(catalog.map((definition) => [definition.name, definition]));

export function metricDefinition(name: string): MetricDefinition {
  const definition = byName.get(name);
  if (!definition) throw new Error(`metric ${name} is not in the catalog`);
  return definition;
}
