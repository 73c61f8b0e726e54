import v8 from 'node:v8';

/**
 * How far V8 lets the heap grow past the data that survived its last full collection, in percent, once the
 * snapshot is large.
 *
 * Nearly all of the exporter's heap is the published data, replaced wholesale at every refresh: each refresh and
 * render leaves the previous one's data behind as garbage. With its default growth V8 lets that garbage reach two
 * to four times the live data before collecting; at 100,000 repositories that was the difference between a 290 MB
 * and a 540 MB peak (docs/benchmarks.md). A growth of 20% collects sooner, for a slightly slower render.
 */
export const HEAP_GROWING_PERCENT = 20;

/**
 * Series from which the tighter growth applies. Below it the garbage is small in absolute terms, and collecting
 * that often would only cost time: at 3,000 repositories (26,000 series) it made a refresh 5 ms slower.
 */
export const LARGE_SNAPSHOT_SERIES = 100_000;

let enabled = false;
let tight = false;

/**
 * Lets adjustHeapGrowth() steer V8's heap growth, unless the process was started with a growth of its own.
 * Called by the command before it starts the exporter.
 */
export function tuneHeapForSnapshots(execArgv: readonly string[] = process.execArgv): void {
  enabled = !execArgv.some((flag) => /^--heap[-_]growing[-_]percent/.test(flag));
}

/**
 * Called with each new snapshot's size. V8 reads this flag at every full collection, so a change applies at once.
 * Returns the growth it set, or undefined when it left V8 as it was.
 */
export function adjustHeapGrowth(seriesCount: number): number | undefined {
  if (!enabled) return undefined;
  const large = seriesCount >= LARGE_SNAPSHOT_SERIES;
  if (large === tight) return undefined;
  // 0 is V8's own default: a factor it computes from the speed of its collections.
  const percent = large ? HEAP_GROWING_PERCENT : 0;
  v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
  tight = large;
  return percent;
}
