import type { Collector } from '../../src/collectors/types.js';
import type { Source, SourceSession } from '../../src/sources/source.js';

/** A collector's behaviour in one refresh: emit projects counts, throw, or hang until released. */
export type Step = { emit: number; delayMs?: number } | { fail: string } | { hang: true };

/**
 * A source and collectors whose behaviour each refresh is scripted by the test, counting how often and how
 * concurrently they run, to test the refresh engine without a database.
 */
export class ScriptedSource implements Source<null> {
  readonly name = 'database' as const;
  readonly upMetric = 'harbor_database_up';
  readonly concurrency = 2;
  sessions = 0;
  /** performance.now() when each refresh began its session. */
  readonly sessionStarts: number[] = [];
  running = 0;
  maxRunning = 0;
  closed = false;
  beginError?: string;
  /** Thrown by the session's own bookkeeping after the collectors ran. */
  finishError?: string;
  /** Thrown when the session confirms, after the collectors ran, what it assumed. */
  verifyError?: string;
  private releaseHung: Array<() => void> = [];

  /** Releases every hung collector (they then finish with `{ emit: value }`). */
  release(): void {
    for (const resolve of this.releaseHung.splice(0)) resolve();
  }

  get hung(): number {
    return this.releaseHung.length;
  }

  async beginRefresh(): Promise<SourceSession<null>> {
    if (this.beginError) throw new Error(this.beginError);
    this.sessions++;
    this.sessionStarts.push(performance.now());
    return {
      client: null,
      verify: async () => {
        if (this.verifyError) throw new Error(this.verifyError);
      },
      finish: () => {
        if (this.finishError) throw new Error(this.finishError);
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.release();
  }

  /** A collector emitting `harbor_projects` (collector `projects`) as the script says. */
  projectsCollector(script: () => Step): Collector<null> {
    return {
      name: 'projects',
      collect: async ({ out }) => {
        this.running++;
        this.maxRunning = Math.max(this.maxRunning, this.running);
        try {
          const step = script();
          if ('fail' in step) throw new Error(step.fail);
          if ('hang' in step) await new Promise<void>((resolve) => this.releaseHung.push(resolve));
          if ('delayMs' in step) await new Promise((resolve) => setTimeout(resolve, step.delayMs));
          const value = 'emit' in step ? step.emit : -1;
          out.add('harbor_projects', value, { visibility: 'public' });
        } finally {
          this.running--;
        }
      },
    };
  }

  /** A collector named `name` that emits nothing, taking `delayMs`, and records when it started in `started`. */
  timedCollector(name: string, delayMs: () => number, started: string[]): Collector<null> {
    return {
      name,
      collect: async () => {
        started.push(name);
        await new Promise((resolve) => setTimeout(resolve, delayMs()));
      },
    };
  }

  /** A collector emitting `harbor_database_max_connections` (collector `database`) that always succeeds. */
  healthyCollector(value = 100): Collector<null> {
    return {
      name: 'database',
      collect: async ({ out }) => out.add('harbor_database_max_connections', value),
    };
  }
}

/** Polls until `check` returns true; fails after a generous deadline. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
