import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/demo/postgres-server.js';

/**
 * Where `prometheus` and `promtool` are, or why the test cannot run. In CI a missing binary is a failure,
 * elsewhere the test is skipped with this message.
 */
export function prometheusBinaries(): { prometheus: string; promtool: string } | { missing: string } {
  const find = (name: string) => {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    return found.status === 0 ? found.stdout.trim() : undefined;
  };
  const prometheus = find('prometheus');
  const promtool = find('promtool');
  if (prometheus && promtool) return { prometheus, promtool };
  return {
    missing:
      'prometheus/promtool not found: the real-Prometheus end-to-end test was NOT run ' +
      '(install Debian’s `prometheus` package; in CI this is a failure)',
  };
}

/** Skips (locally) or fails (CI) a test that needs Prometheus when it is missing. */
export function requirePrometheus(): { prometheus: string; promtool: string } | { skip: string } {
  const binaries = prometheusBinaries();
  if ('missing' in binaries) {
    if (process.env.CI) throw new Error(binaries.missing);
    return { skip: binaries.missing };
  }
  return binaries;
}

export interface PromtoolResult {
  code: number | null;
  problems: string[];
}

/** `promtool check metrics` on exposition text: exit code and one entry per complaint. */
export function promtoolCheckMetrics(promtool: string, text: string): PromtoolResult {
  const result = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  const problems = `${result.stdout}${result.stderr}`
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return { code: result.status, problems };
}

export interface QueriedSample {
  labels: Record<string, string>;
  value: number;
}

/** A real Prometheus on a free loopback port, scraping the given targets every second. */
export class PrometheusServer {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly url: string,
    private readonly output: () => string,
  ) {}

  /** `jobSettings` adds YAML lines to a job's scrape configuration (scheme, tls_config, basic_auth, ...). */
  static async start(
    binary: string,
    targets: Record<string, string>,
    jobSettings: Record<string, readonly string[]> = {},
  ): Promise<PrometheusServer> {
    const dir = mkdtempSync(join(tmpdir(), 'harbor-exporter-prometheus-'));
    const port = await freePort();
    const scrapeConfigs = Object.entries(targets)
      .map(
        ([job, target]) =>
          `  - job_name: ${job}\n    scrape_interval: 1s\n    scrape_timeout: 1s\n    static_configs:\n      - targets: ['${target}']\n` +
          (jobSettings[job] ?? []).map((line) => `    ${line}\n`).join(''),
      )
      .join('');
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\nscrape_configs:\n${scrapeConfigs}`,
    );
    const child = spawn(
      binary,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let output = '';
    child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    const server = new PrometheusServer(child, dir, `http://127.0.0.1:${port}`, () => output);
    await server.waitFor(
      async () => (await fetch(`${server.url}/-/ready`).catch(() => undefined))?.ok === true,
      'ready',
    );
    return server;
  }

  /** Health of each scrape target by job, as Prometheus sees it. */
  async targets(): Promise<Record<string, { health: string; lastError: string }>> {
    const body = (await (await fetch(`${this.url}/api/v1/targets`)).json()) as {
      data: { activeTargets: Array<{ labels: { job: string }; health: string; lastError: string }> };
    };
    return Object.fromEntries(
      body.data.activeTargets.map((target) => [
        target.labels.job,
        { health: target.health, lastError: target.lastError },
      ]),
    );
  }

  /** An instant PromQL query through the HTTP API. */
  async query(promql: string): Promise<QueriedSample[]> {
    const response = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await response.json()) as {
      status: string;
      error?: string;
      data: {
        resultType: string;
        result: Array<{ metric: Record<string, string>; value: [number, string] }>;
      };
    };
    if (body.status !== 'success') throw new Error(`query ${promql} failed: ${body.error}`);
    return body.data.result.map((sample) => ({ labels: sample.metric, value: Number(sample.value[1]) }));
  }

  async waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`prometheus exited: ${this.output()}`);
      if (await check().catch(() => false)) return;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for prometheus: ${what}\n${this.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** A Prometheus scraping one exporter as `job`, once it holds four scrapes (rates need a few). */
  static async scraping(binary: string, job: string, exporterUrl: string): Promise<PrometheusServer> {
    const server = await PrometheusServer.start(binary, { [job]: new URL(exporterUrl).host });
    await server.waitForScrapes(job);
    return server;
  }

  /** Waits until Prometheus holds `count` scrapes of the job within the last minute (rates need a few). */
  async waitForScrapes(job: string, count = 4): Promise<void> {
    const scrapes = `count_over_time(harbor_exporter_build_info{job="${job}"}[1m])`;
    await this.waitFor(
      async () => (await this.query(scrapes))[0]!.value >= count,
      `${count} scrapes of ${job}`,
    );
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      await new Promise<void>((resolve) => {
        this.child.once('exit', () => resolve());
        this.child.kill('SIGTERM');
      });
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
