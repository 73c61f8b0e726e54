import { readdirSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { PointList } from '../collectors/point-list.js';

const NANOSECONDS = 1e9;

/**
 * The process's and Node.js' own figures, read when asked (at each scrape and each OTLP push), under the names
 * of the runtime catalog. Linux-only figures come from /proc and are left out elsewhere.
 */
export class ProcessMetrics {
  private readonly delay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private lag = { mean: 0, p99: 0, max: 0 };
  /** Unix time of the process's start, in seconds. */
  readonly startSeconds = Math.round(performance.timeOrigin) / 1000;

  constructor() {
    this.delay.enable();
  }

  /** Metric name → its one point. The event loop figures cover the time since the previous reading. */
  read(): Map<string, PointList> {
    const out = new Map<string, PointList>();
    const set = (name: string, value: number | undefined) => {
      if (value !== undefined && Number.isFinite(value))
        out.set(name, PointList.of([{ attributes: {}, value }]));
    };
    const cpu = process.cpuUsage();
    set('process_cpu_seconds', (cpu.user + cpu.system) / 1e6);
    set('process_resident_memory_bytes', process.memoryUsage.rss());
    set('process_virtual_memory_bytes', virtualMemoryBytes());
    set('process_start_time_seconds', this.startSeconds);
    set('process_open_fds', openFileDescriptors());
    set('process_max_fds', maxFileDescriptors());
    // Readings close together (a scrape and a push) may see no new sample: they repeat the last one.
    if (this.delay.count > 0) {
      this.lag = {
        mean: this.delay.mean / NANOSECONDS,
        p99: this.delay.percentile(99) / NANOSECONDS,
        max: this.delay.max / NANOSECONDS,
      };
      this.delay.reset();
    }
    set('nodejs_eventloop_lag_seconds', this.lag.mean);
    set('nodejs_eventloop_lag_p99_seconds', this.lag.p99);
    set('nodejs_eventloop_lag_max_seconds', this.lag.max);
    const memory = process.memoryUsage();
    set('nodejs_heap_size_total_bytes', memory.heapTotal);
    set('nodejs_heap_size_used_bytes', memory.heapUsed);
    set('nodejs_external_memory_bytes', memory.external);
    return out;
  }

  close(): void {
    this.delay.disable();
  }
}

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** /proc/self/stat's 23rd field; the command name (2nd) may hold spaces, so count from its closing parenthesis. */
function virtualMemoryBytes(): number | undefined {
  const stat = readProc('/proc/self/stat');
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[20]);
}

function openFileDescriptors(): number | undefined {
  try {
    // The listing holds the descriptor of the directory being read.
    return readdirSync('/proc/self/fd').length - 1;
  } catch {
    return undefined;
  }
}

function maxFileDescriptors(): number | undefined {
  const soft = /^Max open files\s+(\d+)/m.exec(readProc('/proc/self/limits') ?? '')?.[1];
  return soft === undefined ? undefined : Number(soft);
}
