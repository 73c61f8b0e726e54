import { spawn, type ChildProcess } from 'node:child_process';
import { parsePrometheusText, type Sample } from '../harness/prometheus-text.js';

/** The exporter run as its command, as operators run it, with its log lines collected. */
export class ExporterProcess {
  readonly lines: string[] = [];
  private port?: number;
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(readonly child: ChildProcess) {
    let partial = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = partial + chunk.toString();
      const lines = text.split('\n');
      partial = lines.pop()!;
      this.lines.push(...lines);
    });
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Starts `harbor-exporter <args>` on a free loopback port and waits until it listens. */
  static async start(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ExporterProcess> {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', '--web.listen-address=127.0.0.1:0', ...args],
      { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH, ...env } },
    );
    const exporter = new ExporterProcess(child);
    await exporter.waitFor(() => exporter.listeningPort() !== undefined, 'the exporter to listen');
    return exporter;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private listeningPort(): number | undefined {
    if (this.port === undefined) {
      const line = this.lines.find((candidate) => /msg=listening address=/.test(candidate));
      const match = line && /address=\S*:(\d+)/.exec(line);
      if (match) this.port = Number(match[1]);
    }
    return this.port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.listeningPort()}`;
  }

  async scrape(): Promise<Sample[]> {
    const response = await fetch(`${this.url}/metrics`);
    if (response.status !== 200) throw new Error(`scrape answered ${response.status}`);
    return parsePrometheusText(await response.text());
  }

  async waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await Promise.resolve(check()).catch(() => false)) return;
      if (!this.running)
        throw new Error(`the exporter exited while waiting for ${what}:\n${this.lines.join('\n')}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${this.lines.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Sends a signal and waits for the process to end. */
  async signal(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running) this.child.kill(signal);
    return this.exited;
  }
}
