import { formatDuration, MAX_TIMER_MS } from './durations.js';
import type { SettingSpec } from './settings.js';

/** The bounds a number setting is checked against: a duration never above what Node's timers can wait. */
export function bounds(spec: SettingSpec): { min?: number; max?: number } {
  if (spec.type !== 'duration') return { min: spec.min, max: spec.max };
  return { min: spec.min, max: Math.min(spec.max ?? MAX_TIMER_MS, MAX_TIMER_MS) };
}

/** "1s to 24h", "at least 1", "at most 168h", or undefined for a setting without bounds. */
export function rangeText(spec: SettingSpec): string | undefined {
  const { min, max } = bounds(spec);
  const shown = (limit: number) => (spec.type === 'duration' ? formatDuration(limit) : String(limit));
  if (min !== undefined && max !== undefined) return `${shown(min)} to ${shown(max)}`;
  if (min !== undefined) return `at least ${shown(min)}`;
  if (max !== undefined) return `at most ${shown(max)}`;
  return undefined;
}
