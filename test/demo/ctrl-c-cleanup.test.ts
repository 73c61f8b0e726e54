import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../deploy/repo-files.js';

/**
 * `npm start` (the demo) stopped as a terminal stops it: Ctrl-C sends SIGINT to the whole process group (npm,
 * node, the embedded PostgreSQL). Its temporary database, in a TMPDIR of the test's own, must be gone afterwards.
 */
/** The demo's temporary databases in a folder (tsx keeps its cache there too). */
const databases = (folder: string) =>
  readdirSync(folder).filter((name) => name.startsWith('harbor-exporter-pg-'));

async function stopDemo(
  when: 'ready' | 'starting',
  signals: number,
): Promise<{ during: string[]; after: string[] }> {
  const scratch = mkdtempSync(join(tmpdir(), 'harbor-exporter-ctrl-c-'));
  // PostgreSQL runs as nobody when the tests run as root: it must reach its folder inside.
  chmodSync(scratch, 0o755);
  try {
    const child = spawn('npm', ['start', '--silent', '--', '--web.listen-address=127.0.0.1:0'], {
      cwd: repoRoot,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TMPDIR: scratch },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const marker = when === 'ready' ? /Ctrl-C stops/ : /demo: starting an embedded PostgreSQL/;
    const deadline = Date.now() + 120_000;
    let during: string[] = [];
    while (!marker.test(output) || (during = databases(scratch)).length === 0) {
      if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
      if (Date.now() > deadline) throw new Error(`npm start did not get there:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (let i = 0; i < signals; i++) {
      process.kill(-child.pid!, 'SIGINT');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await exited;
    // npm may end before the exporter has: wait for the exporter's process to finish its cleanup.
    const cleanupDeadline = Date.now() + 30_000;
    let after = databases(scratch);
    while (after.length > 0 && Date.now() < cleanupDeadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = databases(scratch);
    }
    return { during, after };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

describe('Ctrl-C on npm start', { timeout: 400_000 }, () => {
  it('removes the temporary database once the demo runs', async () => {
    const { during, after } = await stopDemo('ready', 1);
    assert.equal(during.length, 1);
    assert.deepEqual(after, []);
  });

  it('removes it also when a second Ctrl-C forces the exit', async () => {
    const { during, after } = await stopDemo('ready', 2);
    assert.equal(during.length, 1);
    assert.deepEqual(after, []);
  });

  it('removes it when Ctrl-C comes while the demo still starts', async () => {
    const { during, after } = await stopDemo('starting', 1);
    assert.equal(during.length, 1);
    assert.deepEqual(after, []);
  });
});
