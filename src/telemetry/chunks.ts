import type { PublishedFamily } from './published-families.js';

/** Families (or parts of one) rendered together; `continued` when the first is the rest of a family already begun. */
export interface Chunk {
  families: PublishedFamily[];
  continued: boolean;
}

/**
 * Consecutive runs of up to `points` data points, a large family split over several; at least one run, possibly
 * empty, so that an empty snapshot still renders its target_info.
 */
export function* chunks(families: readonly PublishedFamily[], points: number): Generator<Chunk> {
  let chunk: Chunk = { families: [], continued: false };
  let size = 0;
  for (const family of families) {
    for (let from = 0; from < family.points.length;) {
      if (size >= points) {
        yield chunk;
        chunk = { families: [], continued: from > 0 };
        size = 0;
      }
      const to = Math.min(family.points.length, from + points - size);
      const whole = from === 0 && to === family.points.length;
      chunk.families.push(
        whole
          ? family
          : {
              ...family,
              points: family.points.slice(from, to),
              startTimesMs: family.startTimesMs?.slice(from, to),
            },
      );
      size += to - from;
      from = to;
    }
  }
  yield chunk;
}
