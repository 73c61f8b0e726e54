/**
 * Measures one registry size in a process of its own, so that resident memory is the exporter's: refresh time per
 * collector (the first, full refresh and later incremental ones), statements, /metrics rendering and size, scrape
 * latency under concurrent clients, memory; and times the fork's per-repository approach on the same data, in a
 * process of its own, between the refreshes.
 * Input: a JSON MeasureInput as the first argument. Output: one JSON MeasureResult line on stdout.
 */
import type { DatabaseSource } from '../src/sources/postgres/database-source.js';
import { gzippedBody } from '../src/telemetry/pipeline.js';
import { startTestExporter, testConfig } from '../test/harness/exporter.js';
import { fork, spawn } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { median, type ScrapeLoad, type ScrapeResult } from './scrape-load.js';
import { startOtlpSink } from './otlp-sink.js';
import type { SeedApproachResult } from './seed-approach.js';

export interface MeasureInput {
  repositories: number;
  databaseUrl: string;
  clientConfig: { host: string; port: number; user: string; password: string; database: string };
  steadyRefreshes: number;
  seedApproachRuns: number;
}

export interface MeasureResult {
  repositories: number;
  firstRefreshSeconds: number;
  firstStatements: number;
  refreshSeconds: number;
  statements: number;
  /** Median over the steady refreshes, per collector: from the start of the refresh to its last answer (all start at once). */
  collectorSeconds: Record<string, number>;
  firstCollectorSeconds: Record<string, number>;
  series: number;
  renderSeconds: number;
  metricsBytes: number;
  metricsGzipBytes: number;
  /** One client, one scrape after another. */
  scrapeSingle: ScrapeResult;
  scrapeGzip: ScrapeResult;
  scrapePlain: ScrapeResult;
  /** Resident memory with every module loaded, before the exporter starts. */
  baselineRssBytes: number;
  rssBytes: number;
  peakRssBytes: number;
  /** The process's peak resident memory at the end of each phase: which phase reached the peak. */
  peakRssByPhase: Record<string, number>;
  heapUsedBytes: number;
  /** Three pushes of the snapshot to an OTLP endpoint, after the scrapes: median time, requests, sizes. */
  otlp: { pushSeconds: number; requestsPerPush: number; bytesPerPush: number; largestRequestBytes: number };
  seedApproach: SeedApproachResult;
}

/** The fork's approach in a process of its own (run the way this one runs), one run per call of `run`. */
async function startSeedApproach(
  config: MeasureInput['clientConfig'],
): Promise<{ run(): Promise<SeedApproachResult>; stop(): void }> {
  const compiled = import.meta.url.endsWith('.js');
  const worker = fork(new URL(`./seed-approach-worker.${compiled ? 'js' : 'ts'}`, import.meta.url).pathname, {
    execArgv: compiled ? [] : ['--import', 'tsx'],
  });
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      const exited = (code: number | null) =>
        reject(new Error(`the fork approach's process exited (${code})`));
      worker.once('exit', exited);
      worker.once('message', (message) => {
        worker.off('exit', exited);
        resolve(message);
      });
    });
  await next();
  return {
    run: () => {
      const answer = next() as Promise<SeedApproachResult>;
      worker.send(config);
      return answer;
    },
    stop: () => worker.disconnect(),
  };
}

/** Runs the scraping clients in a process of their own (the same way this one runs: compiled, or through tsx). */
function scrape(url: string, load: ScrapeLoad): Promise<ScrapeResult> {
  const compiled = import.meta.url.endsWith('.js');
  const program = compiled
    ? [new URL('./scrape-client.js', import.meta.url).pathname]
    : ['--import', 'tsx', new URL('./scrape-client.ts', import.meta.url).pathname];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...program, JSON.stringify({ url, ...load })], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(output) as ScrapeResult)
        : reject(new Error(`scrape client exited ${code}`)),
    );
  });
}

const peakRss = () => process.resourceUsage().maxRSS * 1024;

async function measure(input: MeasureInput): Promise<MeasureResult> {
  const baselineRssBytes = process.memoryUsage().rss;
  const peakRssByPhase: Record<string, number> = {};
  const otlpSink = await startOtlpSink();
  const running = await startTestExporter(
    testConfig([
      `--database.url=${input.databaseUrl}`,
      '--refresh.interval=1h',
      '--refresh.timeout=10m',
      '--database.statement-timeout=5m',
      '--log.level=error',
      // Pushed only when the measurement asks, after the scrapes.
      `--otlp.endpoint=${otlpSink.url}`,
      '--otlp.interval=24h',
      // Settings to compare, e.g. BENCH_EXPORTER_FLAGS=--database.max-connections=3.
      ...(process.env.BENCH_EXPORTER_FLAGS ?? '').split(' ').filter(Boolean),
    ]),
  );
  try {
    const runner = running.exporter.runners.find((candidate) => candidate.source.name === 'database')!;
    const source = runner.source as unknown as DatabaseSource;
    // start() began the first refresh: the full count of the audit tables.
    while (runner.current.refreshes === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const first = runner.current;
    if (!first.success) throw new Error(`first refresh failed: ${first.lastError}`);
    const firstStatements = source.lastStatements;
    peakRssByPhase['first refresh'] = peakRss();

    const durations: number[] = [];
    const perCollector = new Map<string, number[]>();
    let statements = 0;
    // The fork's runs sit between the refreshes, spread evenly, so that both see the machine in the same state.
    const seedApproach = await startSeedApproach(input.clientConfig);
    const seedRuns: SeedApproachResult[] = [];
    const seedAfter = new Set(
      Array.from({ length: input.seedApproachRuns }, (_, index) =>
        Math.floor(((index + 0.5) * input.steadyRefreshes) / input.seedApproachRuns),
      ),
    );
    for (let run = 0; run < input.steadyRefreshes; run++) {
      // Let the render the last refresh started finish first, so each refresh has the process to itself.
      await running.exporter.republish();
      if (run === 0) peakRssByPhase['first render'] = peakRss();
      const state = await runner.refresh();
      if (!state.success) throw new Error(`refresh failed: ${state.lastError}`);
      durations.push(state.durationSeconds);
      statements = source.lastStatements;
      for (const collector of state.collectors) {
        perCollector.set(collector.name, [
          ...(perCollector.get(collector.name) ?? []),
          collector.durationSeconds,
        ]);
      }
      if (seedAfter.has(run)) seedRuns.push(await seedApproach.run());
    }
    seedApproach.stop();
    await running.exporter.republish();
    peakRssByPhase['later refreshes and renders'] = peakRss();
    const rendered = running.exporter.pipeline.latest!;

    const metricsUrl = `${running.url}/metrics`;
    await scrape(metricsUrl, { clients: 2, requestsPerClient: 2, gzip: true });
    const scrapeSingle = await scrape(metricsUrl, { clients: 1, requestsPerClient: 20, gzip: true });
    const scrapeGzip = await scrape(metricsUrl, { clients: 8, requestsPerClient: 25, gzip: true });
    peakRssByPhase['gzip scrapes'] = peakRss();
    const scrapePlain = await scrape(metricsUrl, { clients: 8, requestsPerClient: 5, gzip: false });
    const memory = process.memoryUsage();
    const peakRssBytes = peakRss();
    peakRssByPhase['plain scrapes'] = peakRssBytes;
    const pushSeconds: number[] = [];
    for (let push = 0; push < 3; push++) {
      const began = performance.now();
      await running.exporter.pipeline.forceFlush();
      pushSeconds.push((performance.now() - began) / 1000);
    }
    peakRssByPhase['OTLP pushes'] = peakRss();
    const otlp = {
      pushSeconds: median(pushSeconds),
      requestsPerPush: otlpSink.received.requests / 3,
      bytesPerPush: otlpSink.received.bytes / 3,
      largestRequestBytes: otlpSink.received.largestRequestBytes,
    };
    const seriesLine = /^harbor_exporter_metrics_series (\d+)/m.exec(
      gunzipSync(gzippedBody(rendered)).toString('utf8'),
    );

    const seedSeconds = median(seedRuns.map((run) => run.seconds));
    return {
      repositories: input.repositories,
      firstRefreshSeconds: first.durationSeconds,
      firstStatements,
      refreshSeconds: median(durations),
      statements,
      collectorSeconds: Object.fromEntries([...perCollector].map(([name, values]) => [name, median(values)])),
      firstCollectorSeconds: Object.fromEntries(
        first.collectors.map((collector) => [collector.name, collector.durationSeconds]),
      ),
      series: Number(seriesLine?.[1] ?? NaN),
      renderSeconds: rendered.renderSeconds,
      metricsBytes: rendered.plainBytes,
      metricsGzipBytes: rendered.gzipBytes,
      scrapeSingle,
      scrapeGzip,
      scrapePlain,
      baselineRssBytes,
      rssBytes: memory.rss,
      peakRssBytes,
      peakRssByPhase,
      heapUsedBytes: memory.heapUsed,
      otlp,
      seedApproach: seedRuns.find((run) => run.seconds === seedSeconds)!,
    };
  } finally {
    await running.stop();
    await otlpSink.close();
  }
}

const input = JSON.parse(process.argv[2]!) as MeasureInput;
process.stdout.write(JSON.stringify(await measure(input)) + '\n');
