import type { MetricDefinition } from './types.js';

/** The names Prometheus' client libraries give a process's and Node.js' own figures, so existing dashboards work. */
const runtime = (definition: Omit<MetricDefinition, 'source' | 'collector'>): MetricDefinition => ({
  ...definition,
  source: 'exporter',
  collector: 'runtime',
});

/** The exporter's process and Node.js runtime, read at each scrape and each OTLP push. */
export const runtimeMetrics: readonly MetricDefinition[] = [
  runtime({
    name: 'process_cpu_seconds',
    kind: 'counter',
    unit: 's',
    help: 'User and system CPU time the process has spent.',
    attributes: [],
  }),
  runtime({
    name: 'process_resident_memory_bytes',
    kind: 'gauge',
    unit: 'By',
    help: 'Resident memory of the process.',
    attributes: [],
  }),
  runtime({
    name: 'process_virtual_memory_bytes',
    kind: 'gauge',
    unit: 'By',
    help: 'Virtual memory of the process (Linux only).',
    attributes: [],
  }),
  runtime({
    name: 'process_start_time_seconds',
    kind: 'gauge',
    unit: 's',
    help: 'Unix time at which the process started.',
    attributes: [],
  }),
  runtime({
    name: 'process_open_fds',
    kind: 'gauge',
    unit: '{file}',
    help: 'File descriptors the process holds open (Linux only).',
    attributes: [],
  }),
  runtime({
    name: 'process_max_fds',
    kind: 'gauge',
    unit: '{file}',
    help: 'Most file descriptors the process may open: its soft limit (Linux only).',
    attributes: [],
  }),
  runtime({
    name: 'nodejs_eventloop_lag_seconds',
    kind: 'gauge',
    unit: 's',
    help: 'Mean delay of the event loop since the previous scrape or push.',
    attributes: [],
  }),
  runtime({
    name: 'nodejs_eventloop_lag_p99_seconds',
    kind: 'gauge',
    unit: 's',
    help: '99th percentile of the event loop delay since the previous scrape or push.',
    attributes: [],
  }),
  runtime({
    name: 'nodejs_eventloop_lag_max_seconds',
    kind: 'gauge',
    unit: 's',
    help: 'Longest event loop delay since the previous scrape or push.',
    attributes: [],
  }),
  runtime({
    name: 'nodejs_heap_size_total_bytes',
    kind: 'gauge',
    unit: 'By',
    help: 'Size of the V8 heap.',
    attributes: [],
  }),
  runtime({
    name: 'nodejs_heap_size_used_bytes',
    kind: 'gauge',
    unit: 'By',
    help: 'Part of the V8 heap in use.',
    attributes: [],
  }),
  runtime({
    name: 'nodejs_external_memory_bytes',
    kind: 'gauge',
    unit: 'By',
    help: 'Memory of C++ objects bound to JavaScript objects (buffers among them), outside the V8 heap.',
    attributes: [],
  }),
];
