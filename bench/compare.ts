/**
 * npm run bench:compare -- REF [SIZE] [PAIRS]: measures the refresh of this checkout against the code at git REF,
 * alternately (this, REF, REF, this, ...) on one seeded database, so that both meet the same machine load; prints
 * each run and the ratio of the medians. REF is checked out in .tmp/compare/ with its own dependencies (npm ci the
 * first time). SIZE is 3000 repositories by default, PAIRS 7. BENCH_EXPORTER_FLAGS applies to both sides;
 * BENCH_THIS_FLAGS to this checkout alone, e.g. to switch off collectors REF does not have. Each side runs with
 * the Node flags of this checkout's image (Dockerfile ENTRYPOINT), as `npm run bench` does: older commits set
 * their heap flag at run time instead; BENCH_THIS_NODE_FLAGS replaces this side's Node flags, to weigh a change of
 * the image's flags on the same code (REF = HEAD). BENCH_THIS_REF measures
 * that git ref in place of this checkout, to compare two commits of the past.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PostgresServer } from '../src/demo/postgres-server.js';
import { compileForBench, imageNodeFlags } from './build.js';
import type { MeasureInput, MeasureResult } from './measure.js';
import { runMeasure, seedForMeasuring, type SeededDatabase } from './measuring.js';

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout.trim();
}

/** A compiled checkout of REF, made once and kept in .tmp/compare/<commit>. */
function checkoutOf(ref: string): { commit: string; buildDir: string } {
  const commit = run('git', ['rev-parse', '--short', `${ref}^{commit}`], '.');
  const dir = resolve('.tmp/compare', commit);
  if (!existsSync(dir)) {
    mkdirSync('.tmp/compare', { recursive: true });
    run('git', ['worktree', 'add', '--detach', dir, commit], '.');
  }
  if (!existsSync(join(dir, 'node_modules'))) run('npm', ['ci', '--no-audit', '--no-fund'], dir);
  const buildDir = join(dir, '.tmp/bench-build');
  compileForBench(dir, buildDir);
  return { commit, buildDir };
}

function measure(
  buildDir: string,
  input: MeasureInput,
  exporterFlags: string,
  nodeFlags: readonly string[],
): MeasureResult {
  return runMeasure([...nodeFlags, join(buildDir, 'bench/measure.js')], input, {
    ...process.env,
    BENCH_EXPORTER_FLAGS: exporterFlags,
  });
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const ms = (seconds: number) => (seconds * 1000).toFixed(1);

async function main(): Promise<void> {
  const [ref, sizeText = '3000', pairsText = '7'] = process.argv.slice(2);
  if (!ref) throw new Error('usage: npm run bench:compare -- REF [SIZE] [PAIRS]');
  const repositories = Number(sizeText);
  const pairs = Number(pairsText);
  const other = checkoutOf(ref);
  const thisRef = process.env.BENCH_THIS_REF;
  const thisCheckout = thisRef ? checkoutOf(thisRef) : undefined;
  const own = thisCheckout?.buildDir ?? resolve('.tmp/bench-build');
  if (!thisCheckout) compileForBench('.', own);
  const thisName = thisCheckout?.commit ?? 'this';

  const server = await PostgresServer.start();
  let seeded: SeededDatabase | undefined;
  try {
    seeded = await seedForMeasuring(server, `compare_${repositories}`, repositories, 0);
    const { input } = seeded;
    const common = process.env.BENCH_EXPORTER_FLAGS ?? '';
    const thisOnly = process.env.BENCH_THIS_FLAGS ?? '';
    const thisNodeFlags = process.env.BENCH_THIS_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? imageNodeFlags();
    const runs = { own: [] as MeasureResult[], other: [] as MeasureResult[] };
    for (let pair = 0; pair < pairs; pair++) {
      // Each side goes first in every other pair, so that neither always meets a warmer machine.
      const order = pair % 2 === 0 ? (['own', 'other'] as const) : (['other', 'own'] as const);
      for (const side of order) {
        runs[side].push(
          side === 'own'
            ? measure(own, input, `${common} ${thisOnly}`, thisNodeFlags)
            : measure(other.buildDir, input, common, imageNodeFlags()),
        );
      }
      console.log(
        `pair ${pair + 1}: refresh ${thisName} ${ms(runs.own.at(-1)!.refreshSeconds)} ms, ${other.commit} ${ms(runs.other.at(-1)!.refreshSeconds)} ms`,
      );
    }
    const report = (
      label: string,
      pick: (result: MeasureResult) => number,
      unit: (value: number) => string,
    ) => {
      const mine = median(runs.own.map(pick));
      const theirs = median(runs.other.map(pick));
      console.log(
        `${label}: ${thisName} ${unit(mine)}, ${other.commit} ${unit(theirs)}, ${thisName} / ${other.commit} ${(mine / theirs).toFixed(2)}`,
      );
    };
    console.log(`\n${repositories} repositories, ${pairs} pairs, medians:`);
    report(
      'refresh',
      (result) => result.refreshSeconds,
      (seconds) => `${ms(seconds)} ms`,
    );
    report(
      'first refresh',
      (result) => result.firstRefreshSeconds,
      (seconds) => `${ms(seconds)} ms`,
    );
    report(
      'peak resident memory',
      (result) => result.peakRssBytes,
      (bytes) => `${(bytes / 1e6).toFixed(0)} MB`,
    );
    const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
    report('resident memory with modules loaded', (result) => result.baselineRssBytes, megabytes);
    report('resident memory after', (result) => result.rssBytes, megabytes);
    report('heap used after', (result) => result.heapUsedBytes, megabytes);
    report('series', (result) => result.series, String);
    report(
      'gzip body',
      (result) => result.metricsGzipBytes,
      (bytes) => `${(bytes / 1e3).toFixed(0)} kB`,
    );
    report(
      'scrape, one client',
      (result) => result.scrapeSingle.medianMs,
      (value) => `${value.toFixed(1)} ms`,
    );
  } finally {
    // Its connection first: the server ends it on the way down, an error nobody would listen for.
    await seeded?.drop();
    await server.destroy();
  }
}

await main();
