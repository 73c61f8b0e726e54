import type { PushedMetric } from './otlp-receiver.js';

/** Prometheus words for UCUM units, as Prometheus' OTLP receiver maps them (prometheus/otlptranslator). */
const UNIT_WORDS: Record<string, string> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '1': '',
  '%': 'percent',
};
const PER_UNIT_WORDS: Record<string, string> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

/** A unit part's word: annotations in braces give none, unknown units are kept as written. */
function unitWord(unit: string | undefined, words: Record<string, string>): string {
  const trimmed = unit?.trim() ?? '';
  if (trimmed === '' || /[{}]/.test(trimmed)) return '';
  return words[trimmed] ?? trimmed;
}

/**
 * The name Prometheus gives an OTLP metric with its default translation (legacy characters, suffixes added), as
 * the OpenTelemetry specification's "Prometheus and OpenMetrics compatibility" describes and
 * prometheus/otlptranslator implements: the name split into words at every character outside [a-zA-Z0-9:]; the
 * unit's word, then `per_` and the per-unit's word, appended unless already a word of the name; `total` moved to
 * the end of monotonic cumulative sums; `ratio` appended to gauges of unit `1`.
 */
export function prometheusName(metric: Pick<PushedMetric, 'name' | 'unit' | 'kind' | 'monotonic'>): string {
  let words = metric.name.split(/[^a-zA-Z0-9:]+/).filter(Boolean);
  const [main, per] = metric.unit.split('/', 2);
  const mainWord = unitWord(main, UNIT_WORDS);
  const perWord = per === undefined ? '' : unitWord(per, PER_UNIT_WORDS);
  if (mainWord && !words.includes(mainWord)) words.push(mainWord);
  if (perWord && !words.includes(perWord)) words.push('per', perWord);
  if (metric.kind === 'sum' && metric.monotonic)
    words = [...words.filter((word) => word !== 'total'), 'total'];
  if (metric.kind === 'gauge' && metric.unit === '1')
    words = [...words.filter((word) => word !== 'ratio'), 'ratio'];
  const name = words.join('_');
  return /^\d/.test(name) ? `_${name}` : name;
}
