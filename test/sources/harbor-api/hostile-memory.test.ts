import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import type { Fault } from '../../../src/demo/harbor-api-simulator/faults.js';
import { startSimulatedHarbor, type SimulatedHarbor } from '../../harness/harbor-api-simulator.js';

const MIB = 1024 * 1024;

/** The memory limit the Helm chart gives the exporter, in bytes (`384Mi`). */
function chartMemoryLimit(): number {
  const values = parseYaml(readFileSync('charts/harbor-exporter/values.yaml', 'utf8')) as {
    resources: { limits: { memory: string } };
  };
  const match = /^(\d+)Mi$/.exec(values.resources.limits.memory);
  assert.ok(match, `unexpected memory limit ${values.resources.limits.memory}`);
  return Number(match[1]) * MIB;
}

/** Resident memory of a process now and at its peak, from the kernel's account (Linux). */
function residentMemory(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)![1]) * 1024;
  return { now: kib('VmRSS'), peak: kib('VmHWM') };
}

/** A full page (100 items) of the few a page holds, so that paging does not end at a short page. */
const fullPage = (body: unknown): unknown =>
  Array.from({ length: 100 }, (_, index) => (body as unknown[])[index % (body as unknown[]).length]);
const longNames = (body: unknown): unknown =>
  (body as { name: string }[]).map((item) => ({ ...item, name: `${item.name}/`.padEnd(512, 'x') }));

// Every collector that makes a request gets a hostile answer at once, so that as many arrive together as the
// exporter lets itself have in flight (harbor.max-concurrency): each of the shapes that took the exporter past
// its limit before (a 50 MB answer, an endless chunked body, endless paging), plus the text that costs most
// memory once parsed (`[{},{},...]`) and paging with items as large as the schemas allow.
const HOSTILE: Fault[] = [
  { path: '/health', oversized: { bytes: 50 * MIB } },
  { path: '/systeminfo/volumes', oversized: { bytes: 50 * MIB, announced: true } },
  { path: '/projects', endlessBody: true },
  { path: '/repositories', endlessPages: {}, rewrite: longNames },
  { path: '/quotas', endlessPages: {}, rewrite: fullPage },
  { path: '/registries', endlessBody: true },
  { path: '/replication/policies', oversized: { bytes: 50 * MIB } },
  { path: '/scans/all/metrics', endlessBody: true },
  { path: '/jobservice/queues', oversized: { bytes: 50 * MIB } },
  { path: '/jobservice/pools', oversized: { bytes: 50 * MIB } },
  { path: '/jobservice/pools/all/workers', endlessBody: true },
  { path: '/schedules', endlessPages: {}, rewrite: fullPage },
  { path: '/statistics', oversized: { bytes: 50 * MIB } },
  { path: '/system/gc', endlessBody: true },
  { path: '/system/gc/schedule', oversized: { bytes: 50 * MIB } },
];

interface Outcome {
  seconds: number;
  collectors: { name: string; success: boolean; stale: boolean; lastError?: string }[];
  lines: string[];
}

describe('exporter memory with hostile API answers', { skip: process.platform !== 'linux' }, () => {
  let harbor: SimulatedHarbor;
  let child: ChildProcess;

  before(async () => {
    harbor = await startSimulatedHarbor({ repositories: 100, seed: 37 });
    child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/sources/harbor-api/hostile-memory-child.ts', harbor.simulator.url],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
  });
  after(async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await harbor?.stop();
  });

  it("stays under the chart's memory limit, each hostile collector failing with one log line", async (t) => {
    const output = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const calmLine = (await output.next()).value as string;
    assert.match(calmLine, /^calm \d+$/);
    const calm = residentMemory(child.pid!);

    for (const fault of HOSTILE) harbor.simulator.inject(fault);
    child.stdin!.write('go\n');
    const outcome = JSON.parse((await output.next()).value as string) as Outcome;
    const hostile = residentMemory(child.pid!);
    harbor.simulator.faults.clear();

    const limit = chartMemoryLimit();
    t.diagnostic(
      `resident memory: ${(calm.now / MIB).toFixed(0)} MiB after a good refresh, peak ${(hostile.peak / MIB).toFixed(0)} MiB ` +
        `through a refresh of hostile answers (${outcome.seconds.toFixed(1)} s); the chart's limit is ${limit / MIB} MiB`,
    );
    assert.ok(hostile.peak < limit, `peak ${(hostile.peak / MIB).toFixed(0)} MiB`);
    const failed = outcome.collectors.filter((state) => !state.success);
    assert.deepEqual(
      failed.map((state) => state.name).sort(),
      outcome.collectors
        .map((state) => state.name)
        .filter((name) => name !== 'systeminfo')
        .sort(),
      JSON.stringify(outcome.collectors),
    );
    for (const state of failed) {
      assert.equal(state.stale, true, JSON.stringify(state));
      assert.match(
        state.lastError ?? '',
        /harbor\.max-response-bytes|harbor\.max-list-items/,
        JSON.stringify(state),
      );
    }
    const refusals = outcome.lines.filter((line) => line.includes('collector failed'));
    assert.equal(refusals.length, failed.length, outcome.lines.join('\n'));
  });
});
