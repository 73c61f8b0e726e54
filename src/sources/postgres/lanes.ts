import type pg from 'pg';

/**
 * How much one refresh moves a statement's expected cost. A measured cost is noisy: a statement queued behind
 * another is timed from when the exporter noticed that one's answer, which is late when it was busy.
 */
const COST_WEIGHT = 0.25;

/** One connection held for a refresh, with the statements sent on it and not yet answered. */
interface Lane {
  client: pg.PoolClient;
  /** Statements sent and not yet answered. */
  inFlight: number;
  /** When, by the expected costs of what is queued on it, this connection will have answered everything. */
  busyUntil: number;
  /** When its last answered statement finished: the next one queued behind it started then. */
  lastDone: number;
  /** A statement failed with its connection; nothing more is sent on it. */
  broken?: Error;
}

/** What the lanes need from the pool around them. */
export interface LaneHost {
  /** Checks out one connection, set up (the setup may be sent, pipelined, before the first statement). */
  checkOut(): Promise<pg.PoolClient>;
  /** Gives a connection back: destroyed when `broken` is set, or when the server ended it. */
  checkIn(client: pg.PoolClient, broken: Error | undefined): void;
  /** The error the server reported on a checked-out connection (it ended the session), if any. */
  failure(client: pg.PoolClient): Error | undefined;
  /** Whether an error from a statement means its connection can no longer be trusted. */
  isConnectionError(error: Error): boolean;
}

/**
 * A refresh's connections, each with its statements pipelined: sent as soon as asked for, without waiting for the
 * answers to those before them, so that PostgreSQL runs them back to back instead of idling for a round trip
 * between each. Each statement still has its own Sync, hence its own transaction and its own error.
 *
 * Statements asked for together (in one turn of the event loop: the collectors all start at once) are sent
 * longest first, each to the connection expected to be free first, by what each statement cost last time
 * (`costs`, kept by the caller across refreshes): the refresh's work is spread evenly over the connections, and
 * the longest statements do not wait behind short ones.
 */
export class StatementLanes {
  private lanes?: Promise<Lane[]>;
  private released = false;
  /** Statements asked for in this turn of the event loop, not yet given a connection. */
  private waiting: { name: string; cost: number; assign: (lane: Lane) => void }[] = [];

  constructor(
    private readonly host: LaneHost,
    private readonly size: number,
    /** Milliseconds each statement took last time, by statement name; updated as statements finish. */
    private readonly costs: Map<string, number>,
  ) {}

  /** Runs `work` (one statement on the client it is given) on the connection expected to be free first. */
  async run<T>(name: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const lanes = await (this.lanes ??= this.open());
    if (this.released) throw new Error('the refresh has ended');
    const lane = await this.assign(lanes, name);
    const sent = performance.now();
    try {
      return await work(lane.client);
    } catch (error) {
      if (error instanceof Error && this.host.isConnectionError(error)) lane.broken ??= error;
      throw error;
    } finally {
      const done = performance.now();
      // It started when it was sent or when the statement before it on this connection finished, if later.
      const cost = done - Math.max(sent, lane.lastDone);
      const previous = this.costs.get(name);
      this.costs.set(name, previous === undefined ? cost : previous + (cost - previous) * COST_WEIGHT);
      lane.lastDone = done;
      if (--lane.inFlight === 0) lane.busyUntil = done;
    }
  }

  /** Gives the connections back; the statements still running on them fail if their connection is destroyed. */
  release(): void {
    this.released = true;
    void this.lanes?.then(
      (lanes) => {
        for (const lane of lanes) this.host.checkIn(lane.client, lane.broken);
      },
      () => {},
    );
  }

  /** Checks out the connections; works with as many as could be had, fails only when none could. */
  private async open(): Promise<Lane[]> {
    const outcomes = await Promise.allSettled(Array.from({ length: this.size }, () => this.host.checkOut()));
    const lanes: Lane[] = [];
    for (const outcome of outcomes) {
      if (outcome.status !== 'fulfilled') continue;
      lanes.push({ client: outcome.value, inFlight: 0, busyUntil: 0, lastDone: 0 });
    }
    if (lanes.length === 0) throw (outcomes[0] as PromiseRejectedResult).reason;
    return lanes;
  }

  /** A connection for the statement, once every statement asked for in this turn is known. */
  private assign(lanes: readonly Lane[], name: string): Promise<Lane> {
    return new Promise((assign) => {
      if (this.waiting.length === 0) setImmediate(() => this.dispatch(lanes));
      this.waiting.push({ name, cost: this.costs.get(name) ?? 0, assign });
    });
  }

  /** Longest first, each to the connection expected to be free first. */
  private dispatch(lanes: readonly Lane[]): void {
    const waiting = this.waiting.sort((a, b) => b.cost - a.cost);
    this.waiting = [];
    for (const { cost, assign } of waiting) {
      const lane = this.pick(lanes);
      lane.busyUntil = Math.max(performance.now(), lane.busyUntil) + cost;
      lane.inFlight++;
      assign(lane);
    }
  }

  /** The connection expected to be free first; on a tie the one with fewer statements queued, then the first. */
  private pick(lanes: readonly Lane[]): Lane {
    const now = performance.now();
    const free = (lane: Lane) => Math.max(now, lane.busyUntil);
    let best: Lane | undefined;
    for (const lane of lanes) {
      if (lane.broken ?? this.host.failure(lane.client)) continue;
      if (!best || free(lane) < free(best) || (free(lane) === free(best) && lane.inFlight < best.inFlight)) {
        best = lane;
      }
    }
    // Every connection failed: the statement is sent on one anyway and fails with its connection's error.
    return best ?? lanes[0]!;
  }
}
