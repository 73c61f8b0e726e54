import { PointList } from '../collectors/point-list.js';
import { seriesKey } from '../refresh/snapshot.js';
import type { PublishedFamily } from './published-families.js';

interface Pushed {
  value: number;
  /** When this count began (the cumulative series' start). */
  startMs: number;
  /** When the value was taken. */
  atMs: number;
}

/**
 * Turns cumulative counters into deltas for an OTLP backend that asks for delta temporality: each point is the
 * increase since the last delivered push, over the interval since then. A new series, or one whose count started
 * anew (a reset), gives its whole value over its own start. A series that is gone is simply not sent again.
 */
export class CounterDeltas {
  private delivered = new Map<string, Map<string, Pushed>>();

  /**
   * One push: `deltas` gives families with their counters as deltas (gauges pass through), in as many batches as
   * the push has; `commit`, once the push is delivered, makes its values the base of the next push's deltas and
   * forgets the series it did not carry.
   */
  begin(): {
    deltas(families: readonly PublishedFamily[], takenAtMs: number): PublishedFamily[];
    commit(): void;
  } {
    const next = new Map<string, Map<string, Pushed>>();
    return {
      deltas: (families, takenAtMs) =>
        families.map((family) => (family.kind === 'counter' ? this.delta(family, takenAtMs, next) : family)),
      commit: () => (this.delivered = next),
    };
  }

  private delta(
    family: PublishedFamily,
    takenAtMs: number,
    next: Map<string, Map<string, Pushed>>,
  ): PublishedFamily {
    const before = this.delivered.get(family.name);
    let now = next.get(family.name);
    if (!now) next.set(family.name, (now = new Map()));
    const attributes = [];
    const values: number[] = [];
    const startTimesMs: number[] = [];
    for (let index = 0; index < family.points.length; index++) {
      const point = family.points.attributesAt(index);
      const value = family.points.valueAt(index);
      const startMs = family.startTimesMs?.[index] ?? takenAtMs;
      const key = seriesKey(point);
      const previous = before?.get(key);
      const continues = previous !== undefined && previous.startMs === startMs && value >= previous.value;
      attributes.push(point);
      values.push(continues ? value - previous.value : value);
      startTimesMs.push(continues ? previous.atMs : startMs);
      now.set(key, { value, startMs, atMs: takenAtMs });
    }
    return { ...family, points: PointList.fromColumns(attributes, values), startTimesMs };
  }
}
