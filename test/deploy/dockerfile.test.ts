import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { readRepoFile, repoRoot } from './repo-files.js';

/** The image's ENTRYPOINT, which must be in exec form. */
function entrypoint(): string[] {
  const line = /^ENTRYPOINT (\[.*\])$/m.exec(readRepoFile('Dockerfile'));
  assert.ok(line, 'the Dockerfile has no ENTRYPOINT in exec form');
  return JSON.parse(line[1]!) as string[];
}

describe('the V8 heap settings of the image', () => {
  it('sets heap growth as a start-up flag of node, which Node takes there and refuses in NODE_OPTIONS', () => {
    const [node, ...rest] = entrypoint();
    assert.equal(node, 'node');
    const flags = rest.filter((argument) => argument.startsWith('--'));
    assert.deepEqual(flags, ['--heap-growing-percent=20', '--max-semi-space-size=8']);
    const asFlag = spawnSync(process.execPath, [...flags, '-e', 'process.exit(0)'], { encoding: 'utf8' });
    assert.equal(asFlag.status, 0, asFlag.stderr);
    const inNodeOptions = spawnSync(process.execPath, ['-e', 'process.exit(0)'], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '--heap-growing-percent=20' },
    });
    // Why it is not in NODE_OPTIONS: if a Node release starts taking it there, this says the choice can change.
    assert.notEqual(inNodeOptions.status, 0);
    assert.match(inNodeOptions.stderr, /is not allowed in NODE_OPTIONS/);
  });

  it('sets no V8 flag at run time in the exporter', () => {
    const sources = spawnSync('grep', ['-rln', 'setFlagsFromString', 'src'], {
      encoding: 'utf8',
      cwd: repoRoot,
    });
    assert.equal(sources.stdout.trim(), '', `V8 flags set at run time in: ${sources.stdout}`);
  });
});
