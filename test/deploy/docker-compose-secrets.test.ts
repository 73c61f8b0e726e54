import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readRepoFile } from './repo-files.js';

/** The user the image runs as, from the Dockerfile's USER line. */
function imageUser(): { uid: number; gid: number } {
  const user = /^USER (\d+):(\d+)$/m.exec(readRepoFile('Dockerfile'));
  assert.ok(user, 'the Dockerfile has no numeric USER uid:gid');
  return { uid: Number(user[1]), gid: Number(user[2]) };
}

/** Reads a file as another user; the text, or undefined when that user may not read it. */
function readAs(user: { uid: number; gid: number }, path: string): string | undefined {
  const result = spawnSync(
    process.execPath,
    ['-e', 'process.stdout.write(require("node:fs").readFileSync(process.argv[1], "utf8"))', path],
    { ...user, encoding: 'utf8' },
  );
  return result.status === 0 ? result.stdout : undefined;
}

describe('the docker compose recipe for secret files', () => {
  it("makes files the image's user can read and other users cannot", (t) => {
    if (process.getuid?.() !== 0) {
      t.skip('needs root to create files for another user, as the recipe does');
      return;
    }
    const block = /<!-- secret-files:[\s\S]*?-->\s*```sh\n([\s\S]*?)```/.exec(
      readRepoFile('docs/docker-compose.md'),
    );
    assert.ok(block, 'docs/docker-compose.md has no secret-files block');
    const user = imageUser();
    assert.match(
      block[1]!,
      new RegExp(`chown ${user.uid}:${user.gid} `),
      'the recipe names another user than the image',
    );
    const scratch = mkdtempSync(join(tmpdir(), 'harbor-exporter-compose-'));
    try {
      // Where Harbor's docker-compose.yml sits; others may enter it, as /root or /opt/harbor usually allow.
      chmodSync(scratch, 0o755);
      const run = spawnSync('sh', ['-e', '-c', block[1]!], { cwd: scratch, encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      const folder = join(scratch, 'exporter-secrets');
      const files = readdirSync(folder);
      assert.deepEqual(files.sort(), ['database-password', 'harbor-password']);
      const expected = [...block[1]!.matchAll(/printf '%s' '([^']*)' > exporter-secrets\/(\S+)/g)];
      assert.equal(expected.length, files.length);
      for (const [, secret, name] of expected) {
        assert.equal(readAs(user, join(folder, name!)), secret, `uid ${user.uid} cannot read ${name}`);
        assert.equal(
          readAs({ uid: 65534, gid: 65534 }, join(folder, name!)),
          undefined,
          `anyone can read ${name}`,
        );
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
