import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, type PostgresServer } from '../../../src/demo/postgres-server.js';

/** PostgreSQL refuses to run as root; the primary runs as nobody then, and so must its standby. */
const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

/**
 * pg_basebackup of the same major version as the server: beside its binaries, or the system's PostgreSQL
 * (the npm-packaged server ships only initdb, pg_ctl and postgres).
 */
export function findBaseBackup(primary: PostgresServer): string | undefined {
  const candidates = [join(primary.binDir, 'pg_basebackup')];
  const debianRoot = '/usr/lib/postgresql';
  if (existsSync(debianRoot)) {
    for (const version of readdirSync(debianRoot))
      candidates.push(join(debianRoot, version, 'bin', 'pg_basebackup'));
  }
  return candidates.find((candidate) => existsSync(candidate));
}

/** A hot standby of a test server, made with pg_basebackup and streaming from it. */
export class StandbyServer {
  private constructor(
    private readonly child: ChildProcess,
    private readonly root: string,
    readonly port: number,
  ) {}

  static async start(primary: PostgresServer, baseBackup: string): Promise<StandbyServer> {
    const root = mkdtempSync(join(tmpdir(), 'harbor-exporter-standby-'));
    chmodSync(root, 0o777);
    const dataDir = join(root, 'data');
    const backup = spawnSync(
      baseBackup,
      [
        '-h',
        primary.host,
        '-p',
        String(primary.port),
        '-U',
        primary.user,
        '-D',
        dataDir,
        '-R',
        '-X',
        'stream',
        // An immediate checkpoint; the default spreads it over minutes.
        '--checkpoint=fast',
      ],
      { ...asUser, encoding: 'utf8', env: { ...process.env, PGPASSWORD: primary.password } },
    );
    if (backup.status !== 0)
      throw new Error(`pg_basebackup failed: ${backup.stderr || backup.error?.message}`);
    const port = await freePort();
    const child = spawn(
      join(primary.binDir, 'postgres'),
      [
        '-D',
        dataDir,
        '-p',
        String(port),
        '-c',
        `listen_addresses=${primary.host}`,
        '-c',
        'unix_socket_directories=',
      ],
      { ...asUser, stdio: 'ignore' },
    );
    const standby = new StandbyServer(child, root, port);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const client = new pg.Client({ ...primary.clientConfig(), port });
      try {
        await client.connect();
        await client.end();
        return standby;
      } catch (error) {
        await client.end().catch(() => {});
        if (child.exitCode !== null || Date.now() > deadline) {
          await standby.destroy();
          throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  async destroy(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      await new Promise<void>((resolve) => {
        this.child.once('exit', () => resolve());
        this.child.kill('SIGINT');
      });
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}
