import type { MetricName } from '../../catalog/index.js';
import type { Attributes, Observations } from '../observations.js';

/**
 * Unix seconds of an API timestamp; undefined when absent or Go's zero time ("0001-01-01T00:00:00Z"), which
 * Harbor writes for "not yet" (an execution still running has no end).
 */
export function timestampSeconds(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) && ms > 0 ? ms / 1000 : undefined;
}

/**
 * A state set: one series per known state, 1 for the current one and 0 for the others, so an alert can
 * select the state and the series do not come and go. An unknown current state gets its own series.
 */
export function addStateSet(
  out: Observations,
  metric: MetricName,
  states: readonly string[],
  current: string,
  attributes: Attributes = {},
): void {
  // The name is typed; the attributes, the caller's plus `status`, are checked against the catalog when added.
  const add = out.series(metric) as (value: number, attributes: Attributes) => void;
  for (const state of states) add(state === current ? 1 : 0, { ...attributes, status: state });
  if (!states.includes(current)) add(1, { ...attributes, status: current });
}

/** "Succeed" → "succeed", "InProgress" → "in_progress": Harbor's status words as attribute values. */
export function snakeCase(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[\s-]+/g, '_')
    .toLowerCase();
}
