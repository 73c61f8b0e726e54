/**
 * npm run bench [-- SIZE ... [--tsx]]: seeds synthetic registries of 3,000 and 30,000 repositories (or the sizes
 * given as arguments or in BENCH_SIZES, e.g. 100000) into a throwaway PostgreSQL and measures each in a fresh
 * process; see bench/measure.ts for what is measured. The measuring process runs the compiled JavaScript, as the
 * exporter runs in production (--tsx runs it through tsx instead, without compiling; more memory).
 * BENCH_NODE_FLAGS gives Node flags to the measuring process (e.g. --max-old-space-size=256), BENCH_EXPORTER_FLAGS
 * exporter settings (e.g. --database.max-connections=3).
 * Prints a report and writes the raw figures to .tmp/bench-results.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import pg from 'pg';
import { PostgresServer } from '../src/demo/postgres-server.js';
import { compileForBench, imageNodeFlags } from './build.js';
import type { MeasureResult } from './measure.js';
import { runMeasure, seedForMeasuring, type SeededDatabase } from './measuring.js';

const DEFAULT_SIZES = [3000, 30000];

const BUILD_DIR = '.tmp/bench-build';
const throughTsx = process.argv.includes('--tsx');
/**
 * Node flags for the measuring process alone, e.g. BENCH_NODE_FLAGS=--max-old-space-size=256; by default those
 * the image's ENTRYPOINT starts the exporter with, so that the figures are the image's.
 */
const nodeFlags = (process.env.BENCH_NODE_FLAGS ?? imageNodeFlags().join(' ')).split(' ').filter(Boolean);

function sizesWanted(): number[] {
  const arguments_ = process.argv.slice(2).filter((argument) => !argument.startsWith('--'));
  const given = arguments_.join(',') || process.env.BENCH_SIZES || '';
  const sizes = given
    .split(',')
    .map((text) => text.trim())
    .filter(Boolean)
    .map(Number);
  if (sizes.some((size) => !Number.isInteger(size) || size < 1)) throw new Error(`bad sizes: ${given}`);
  return sizes.length > 0 ? sizes : DEFAULT_SIZES;
}

interface SizeReport extends MeasureResult {
  seedSeconds: number;
  rows: SeededDatabase['rows'];
}

async function benchmarkSize(server: PostgresServer, repositories: number): Promise<SizeReport> {
  const seeded = await seedForMeasuring(
    server,
    `bench_${repositories}`,
    repositories,
    repositories <= 5000 ? 5 : 1,
  );
  try {
    const { rows, seedSeconds } = seeded;
    console.log(
      `  seeded ${repositories} repositories in ${seedSeconds.toFixed(1)} s: ${JSON.stringify(rows)}`,
    );
    const program = throughTsx ? ['--import', 'tsx', 'bench/measure.ts'] : [`${BUILD_DIR}/bench/measure.js`];
    return { ...runMeasure([...nodeFlags, ...program], seeded.input), seedSeconds, rows };
  } finally {
    await seeded.drop();
  }
}

/**
 * The benchmark talks to PostgreSQL over loopback, where a round trip costs about 0.1 ms. Between pods a round
 * trip is nearer 0.5 ms; what that adds is computed from the statement counts, not measured.
 */
const ROUND_TRIP_MS = 0.5;
const withRoundTrips = (seconds: number, statements: number) => seconds + (statements * ROUND_TRIP_MS) / 1000;

const ms = (seconds: number) => `${(seconds * 1000).toFixed(seconds < 0.1 ? 1 : 0)} ms`;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

function report(results: readonly SizeReport[], machine: Record<string, string>): string {
  const lines: string[] = [];
  const header = ['', ...results.map((result) => `${result.repositories.toLocaleString('en')} repositories`)];
  const table = (rows: [string, (result: SizeReport) => string][]) => {
    lines.push(`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`);
    for (const [label, cell] of rows) lines.push(`| ${label} | ${results.map(cell).join(' | ')} |`);
    lines.push('');
  };
  lines.push(
    'Machine: ' +
      Object.entries(machine)
        .map(([key, value]) => `${key} ${value}`)
        .join('; '),
    '',
  );
  table([
    [
      'rows seeded (artifacts / tags / audit rows)',
      (r) => `${r.rows.artifacts} / ${r.rows.tags} / ${r.rows.auditRows}`,
    ],
    ['first refresh (full audit count)', (r) => ms(r.firstRefreshSeconds)],
    ['refresh (median of later ones)', (r) => ms(r.refreshSeconds)],
    ['statements per refresh (first / later)', (r) => `${r.firstStatements} / ${r.statements}`],
    ['series on /metrics', (r) => r.series.toLocaleString('en')],
    ['/metrics render', (r) => ms(r.renderSeconds)],
    ['/metrics size (plain / gzip)', (r) => `${mb(r.metricsBytes)} / ${mb(r.metricsGzipBytes)}`],
    [
      'scrape gzip, 1 client: median / p99',
      (r) => `${r.scrapeSingle.medianMs.toFixed(1)} / ${r.scrapeSingle.p99Ms.toFixed(1)} ms`,
    ],
    [
      'scrape gzip, 8 clients: median / p99',
      (r) => `${r.scrapeGzip.medianMs.toFixed(1)} / ${r.scrapeGzip.p99Ms.toFixed(1)} ms`,
    ],
    [
      'scrape plain, 8 clients: median / p99',
      (r) => `${r.scrapePlain.medianMs.toFixed(1)} / ${r.scrapePlain.p99Ms.toFixed(1)} ms`,
    ],
    [
      'resident memory: modules loaded / after / peak',
      (r) => `${mb(r.baselineRssBytes)} / ${mb(r.rssBytes)} / ${mb(r.peakRssBytes)}`,
    ],
    [
      'peak resident memory after: ' + Object.keys(results[0]?.peakRssByPhase ?? {}).join(' / '),
      (r) => Object.values(r.peakRssByPhase).map(mb).join(' / '),
    ],
    [
      'OTLP push: time / requests / MB per push / largest request',
      (r) =>
        `${ms(r.otlp.pushSeconds)} / ${r.otlp.requestsPerPush} / ${mb(r.otlp.bytesPerPush)} / ${mb(r.otlp.largestRequestBytes)}`,
    ],
    [
      'fork approach: time (statements)',
      (r) => `${ms(r.seedApproach.seconds)} (${r.seedApproach.statements})`,
    ],
    ['fork approach: of which tag counts', (r) => ms(r.seedApproach.tagCountSeconds)],
    ['fork approach / refresh', (r) => `${(r.seedApproach.seconds / r.refreshSeconds).toFixed(1)}x`],
    [
      'fork approach / first refresh',
      (r) => `${(r.seedApproach.seconds / r.firstRefreshSeconds).toFixed(1)}x`,
    ],
    [
      `fork approach / refresh, with a ${ROUND_TRIP_MS} ms round trip per statement (computed)`,
      (r) => {
        const fork = withRoundTrips(r.seedApproach.seconds, r.seedApproach.statements);
        return `${(fork / withRoundTrips(r.refreshSeconds, r.statements)).toFixed(1)}x`;
      },
    ],
  ]);
  const collectors = Object.keys(results[0]?.collectorSeconds ?? {});
  table(
    collectors.map((name) => [
      `collector ${name} (first / later)`,
      (r) => `${ms(r.firstCollectorSeconds[name] ?? NaN)} / ${ms(r.collectorSeconds[name] ?? NaN)}`,
    ]),
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const sizes = sizesWanted();
  if (!throughTsx) compileForBench('.', BUILD_DIR);
  const server = await PostgresServer.start();
  try {
    const probe = new pg.Client(server.clientConfig());
    await probe.connect();
    const { rows } = await probe.query<{ server_version: string }>('SHOW server_version');
    await probe.end();
    const cpus = os.cpus();
    const machine: Record<string, string> = {
      cpu: `${cpus.length} x ${cpus[0]?.model ?? 'unknown'}`,
      memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
      'load average at start': os
        .loadavg()
        .map((load) => load.toFixed(2))
        .join(' '),
      node: process.version,
      postgresql: rows[0]!.server_version,
      'measured through': throughTsx ? 'tsx' : 'compiled JavaScript',
      ...(nodeFlags.length > 0 ? { 'node flags': nodeFlags.join(' ') } : {}),
      ...(process.env.BENCH_EXPORTER_FLAGS ? { 'exporter flags': process.env.BENCH_EXPORTER_FLAGS } : {}),
    };
    console.log(`benchmark: ${sizes.join(', ')} repositories`);
    const results: SizeReport[] = [];
    for (const size of sizes) {
      console.log(`- ${size} repositories`);
      results.push(await benchmarkSize(server, size));
    }
    machine['load average at end'] = os
      .loadavg()
      .map((load) => load.toFixed(2))
      .join(' ');
    const text = report(results, machine);
    console.log('\n' + text);
    mkdirSync('.tmp', { recursive: true });
    writeFileSync('.tmp/bench-results.json', JSON.stringify({ machine, results }, null, 2));
  } finally {
    await server.destroy();
  }
}

await main();
