/** Node's timers fire at once for a delay above this (2^31-1 ms, about 24.8 days); no duration may exceed it. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

const unitMillis: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses Go/Prometheus-style durations ("500ms", "30s", "1m30s", "2h") into milliseconds; undefined if malformed. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const match of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(match[1]) * (unitMillis[match[2] as string] as number);
  }
  return Math.round(total);
}

export function formatDuration(millis: number): string {
  if (millis % 3_600_000 === 0 && millis > 0) return `${millis / 3_600_000}h`;
  if (millis % 60_000 === 0 && millis > 0) return `${millis / 60_000}m`;
  if (millis % 1000 === 0) return `${millis / 1000}s`;
  return `${millis}ms`;
}
