import type { Collector } from '../collectors/types.js';
import { errorMessage, type Logger } from '../log.js';
import { Observations, type PointsByMetric } from '../collectors/observations.js';
import type { Source } from '../sources/source.js';

/** The last result of one collector, as the snapshot needs it. */
export interface CollectorState {
  name: string;
  points: PointsByMetric;
  success: boolean;
  stale: boolean;
  durationSeconds: number;
  lastSuccessSeconds?: number;
  errors: number;
  lastError?: string;
}

/** The last result of one source. */
export interface SourceState {
  name: string;
  finished: number;
  refreshes: number;
  success: boolean;
  durationSeconds: number;
  lastSuccessSeconds?: number;
  errors: number;
  lastError?: string;
  collectors: readonly CollectorState[];
  /** Source-level self-metrics from the last refresh. */
  own: PointsByMetric;
}

interface RunnerOptions {
  intervalMs: number;
  timeoutMs: number;
  keepStaleForMs: number;
  log: Logger;
  onRefreshed: (state: SourceState) => void;
  now?: () => number;
}

/** How long stop() waits for a refresh in progress before the source is closed under it. */
const STOP_GRACE_MS = 2_000;
const STILL_RUNNING =
  'the previous refresh passed its deadline and has not finished yet; not starting another';
/** Distinct failure messages remembered per kind of failure, so that messages taking turns are logged once each. */
const REMEMBERED_MESSAGES = 8;

/**
 * Refreshes one source in the background: on a fixed interval, with a deadline, never overlapping itself.
 * A refresh that passes its deadline is published as failed at once (collectors that finished keep their
 * results); no new refresh starts until its work has settled, and each skipped turn is published as failed,
 * so stale values still expire.
 */
export class SourceRunner<Client> {
  private timer?: NodeJS.Timeout;
  /** refresh() calls, one after another. */
  private queue: Promise<unknown> = Promise.resolve();
  /** The collectors' work of the current refresh until it settles; may outlive the refresh's deadline. */
  private inFlight?: { settled: Promise<void>; controller: AbortController; progress: RefreshProgress };
  private stopped = false;
  private state: SourceState;
  private readonly lastGood = new Map<string, { points: PointsByMetric; at: number }>();
  private readonly collectorErrors = new Map<string, number>();
  private readonly collectorLastSuccess = new Map<string, number>();
  /**
   * The messages logged since each failure began (the refresh's own, each collector's), forgotten when it ends:
   * a failure is logged once however its messages alternate (a refresh that timed out, then one skipped because
   * it is still running, and again).
   */
  private readonly loggedFailures = new Map<string, Set<string>>();
  private readonly now: () => number;

  constructor(
    readonly source: Source<Client>,
    private readonly collectors: readonly Collector<Client>[],
    private readonly options: RunnerOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.state = {
      name: source.name,
      finished: 0,
      refreshes: 0,
      success: false,
      durationSeconds: 0,
      errors: 0,
      collectors: [],
      own: new Map(),
    };
  }

  get current(): SourceState {
    return this.state;
  }

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      const began = this.now();
      void this.refresh()
        .catch((error: unknown) =>
          this.options.log.error('refresh crashed', { source: this.source.name, err: error }),
        )
        .finally(() => {
          if (this.stopped) return;
          const wait = Math.max(0, this.options.intervalMs - (this.now() - began));
          this.timer = setTimeout(tick, wait);
          this.timer.unref();
        });
    };
    tick();
  }

  /**
   * Stops scheduling and aborts the refresh in progress. Resolves when its work has settled, or after a short
   * grace; the caller closes the source meanwhile, which ends whatever is still running.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const inFlight = this.inFlight;
    if (!inFlight) return;
    inFlight.controller.abort(new Error('the exporter is stopping'));
    let graceTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      inFlight.settled,
      new Promise<void>((resolve) => (graceTimer = setTimeout(resolve, STOP_GRACE_MS))),
    ]);
    clearTimeout(graceTimer);
  }

  /** One refresh, published through onRefreshed; waits for any refresh already running. */
  refresh(): Promise<SourceState> {
    const next = this.queue.then(() => this.refreshOnce());
    this.queue = next.catch(() => {});
    return next;
  }

  private async refreshOnce(): Promise<SourceState> {
    if (this.stopped) return this.state;
    // Durations come from the monotonic clock: wall-clock time can step (NTP), and counts only whole milliseconds.
    const started = performance.now();
    const log = this.options.log.child({ source: this.source.name });
    if (this.inFlight) {
      // The source is up if it answered the refresh still running: a statement waiting on a lock is slow, not down.
      const answered = this.inFlight.progress.answered;
      this.publish(started, this.allFailed(STILL_RUNNING), STILL_RUNNING, this.upMetrics(answered), log);
      return this.state;
    }

    const controller = new AbortController();
    const progress: RefreshProgress = { finished: [], answered: false };
    // A source whose own bookkeeping throws fails this refresh like any other error, never the process.
    const work = this.runCollectors(controller.signal, log, progress).catch((error: unknown) => {
      const message = errorMessage(error);
      return {
        results: this.allFailed(message),
        sessionError: message,
        own: this.upMetrics(progress.answered),
      };
    });
    const settled = work.then(
      () => {},
      () => {},
    );
    const inFlight = { settled, controller, progress };
    this.inFlight = inFlight;
    void settled.then(() => {
      if (this.inFlight === inFlight) this.inFlight = undefined;
    });

    let deadlineTimer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      deadlineTimer = setTimeout(() => resolve('timeout'), this.options.timeoutMs);
    });
    const outcome = await Promise.race([work, deadline]);
    clearTimeout(deadlineTimer);

    if (outcome === 'timeout') {
      const message = `refresh timed out after ${this.options.timeoutMs} ms`;
      controller.abort(new Error(message));
      const done = new Set(progress.finished.map((result) => result.collector.name));
      const results = [
        ...progress.finished,
        ...this.collectors
          .filter((collector) => !done.has(collector.name))
          .map((collector) => ({
            collector,
            error: message,
            durationSeconds: this.options.timeoutMs / 1000,
          })),
      ];
      this.publish(started, results, message, this.upMetrics(progress.answered), log);
      return this.state;
    }
    await settled;
    this.publish(started, outcome.results, outcome.sessionError, outcome.own, log);
    return this.state;
  }

  private async runCollectors(
    signal: AbortSignal,
    log: Logger,
    progress: RefreshProgress,
  ): Promise<{
    results: CollectorResult[];
    sessionError?: string;
    own: PointsByMetric;
  }> {
    let session;
    try {
      session = await this.source.beginRefresh(signal);
    } catch (error) {
      const message = errorMessage(error);
      return {
        results: this.allFailed(message),
        sessionError: message,
        own: this.upMetrics(this.source.answeredWith?.(error) ?? false),
      };
    }
    progress.answered = true;
    try {
      const queue = this.longestFirst();
      const worker = async () => {
        for (let collector = queue.shift(); collector; collector = queue.shift()) {
          progress.finished.push(await this.runOne(collector, session.client, signal, log));
        }
      };
      const workers = Math.min(this.collectors.length, Math.max(1, this.source.concurrency));
      await Promise.all(Array.from({ length: workers }, worker));
      if (session.verify) {
        try {
          await session.verify();
        } catch (error) {
          const message = errorMessage(error);
          const answered = this.source.answeredWith?.(error) ?? false;
          return { results: this.allFailed(message), sessionError: message, own: this.upMetrics(answered) };
        }
      }
      const own = new Observations(['exporter', 'source']);
      session.finish?.(own);
      if (this.source.upMetric) own.add(this.source.upMetric, 1);
      return { results: progress.finished, own: own.points };
    } finally {
      await session.release?.();
    }
  }

  /**
   * The collectors, longest first by their last duration (declared order until they have one): with fewer
   * workers than collectors, a long collector started last would otherwise finish alone, after the others.
   */
  private longestFirst(): Collector<Client>[] {
    const last = new Map(this.state.collectors.map((state) => [state.name, state.durationSeconds]));
    return [...this.collectors].sort((a, b) => (last.get(b.name) ?? 0) - (last.get(a.name) ?? 0));
  }

  /** Every collector failed with one message, as when the source itself failed. */
  private allFailed(error: string): CollectorResult[] {
    return this.collectors.map((collector) => ({ collector, error, durationSeconds: 0 }));
  }

  /** The source's up metric alone: 1 when it answered (a refresh that then timed out), 0 when not. */
  private upMetrics(answered: boolean): PointsByMetric {
    const own = new Observations(['exporter', 'source']);
    if (this.source.upMetric) own.add(this.source.upMetric, answered ? 1 : 0);
    return own.points;
  }

  private async runOne(
    collector: Collector<Client>,
    client: Client,
    signal: AbortSignal,
    log: Logger,
  ): Promise<CollectorResult> {
    const out = new Observations(collector.name);
    const began = performance.now();
    try {
      if (signal.aborted) throw signal.reason;
      await collector.collect({
        client,
        out,
        signal,
        log: log.child({ collector: collector.name }),
      });
      return { collector, points: out.points, durationSeconds: elapsedSeconds(began) };
    } catch (error) {
      return { collector, error: errorMessage(error), durationSeconds: elapsedSeconds(began) };
    }
  }

  private publish(
    /** performance.now() when the refresh began. */
    started: number,
    results: readonly CollectorResult[],
    sessionError: string | undefined,
    own: PointsByMetric,
    log: Logger,
  ): void {
    const finished = this.now();
    const order = new Map(this.collectors.map((collector, index) => [collector.name, index]));
    const sorted = [...results].sort((a, b) => order.get(a.collector.name)! - order.get(b.collector.name)!);
    const collectorStates: CollectorState[] = sorted.map((result) => {
      const name = result.collector.name;
      if (result.points) {
        this.loggedFailures.delete(`collector ${name}`);
        this.lastGood.set(name, { points: result.points, at: finished });
        this.collectorLastSuccess.set(name, finished / 1000);
        return {
          name,
          points: result.points,
          success: true,
          stale: false,
          durationSeconds: result.durationSeconds,
          lastSuccessSeconds: finished / 1000,
          errors: this.collectorErrors.get(name) ?? 0,
        };
      }
      const errors = (this.collectorErrors.get(name) ?? 0) + 1;
      this.collectorErrors.set(name, errors);
      // One line per message while the failure lasts, not one per refresh.
      if (!sessionError && this.firstTime(`collector ${name}`, result.error!)) {
        log.warn('collector failed', { collector: name, err: result.error });
      }
      const kept = this.lastGood.get(name);
      const keep = kept !== undefined && finished - kept.at <= this.options.keepStaleForMs;
      if (kept && !keep) this.lastGood.delete(name);
      return {
        name,
        points: keep ? kept.points : new Map(),
        success: false,
        stale: keep,
        durationSeconds: result.durationSeconds,
        lastSuccessSeconds: this.collectorLastSuccess.get(name),
        errors,
        lastError: result.error,
      };
    });
    const success = !sessionError && collectorStates.every((state) => state.success);
    const durationSeconds = elapsedSeconds(started);
    if (!sessionError) this.loggedFailures.delete('refresh');
    if (sessionError && this.firstTime('refresh', sessionError))
      log.warn('refresh failed', { err: sessionError });
    else if (!sessionError && !this.state.success && this.state.refreshes > 0 && success)
      log.info('source recovered');
    else log.debug('refreshed', { seconds: durationSeconds.toFixed(3) });
    this.state = {
      name: this.source.name,
      finished,
      refreshes: this.state.refreshes + 1,
      success,
      durationSeconds,
      lastSuccessSeconds: success ? finished / 1000 : this.state.lastSuccessSeconds,
      errors: this.state.errors + (success ? 0 : 1),
      lastError: sessionError ?? collectorStates.find((state) => !state.success)?.lastError,
      collectors: collectorStates,
      own,
    };
    this.options.onRefreshed(this.state);
  }

  /** Whether `message` is new for this failure (`kind`): remembered, a few at most, until the failure ends. */
  private firstTime(kind: string, message: string): boolean {
    let seen = this.loggedFailures.get(kind);
    if (!seen) this.loggedFailures.set(kind, (seen = new Set()));
    if (seen.has(message)) return false;
    if (seen.size >= REMEMBERED_MESSAGES) seen.delete(seen.values().next().value!);
    seen.add(message);
    return true;
  }
}

/** What a refresh has done so far, readable when its deadline passes. */
interface RefreshProgress {
  finished: CollectorResult[];
  /** The source answered beginRefresh (connected, version read). */
  answered: boolean;
}

interface CollectorResult {
  collector: Collector<never>;
  points?: PointsByMetric;
  error?: string;
  durationSeconds: number;
}

/** Seconds since a performance.now() reading, to the microsecond. */
function elapsedSeconds(since: number): number {
  return Math.round((performance.now() - since) * 1000) / 1_000_000;
}
