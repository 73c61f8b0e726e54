import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { readRepoFile } from './repo-files.js';

const doc = readRepoFile('docs/questions.md');

/** The queries of the guide's tables: every code span of a table's last column. */
function queries(): string[] {
  return doc
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| Question') && !line.startsWith('| ---'))
    .flatMap((line) =>
      [
        ...line
          .split('|')
          .at(-2)!
          .matchAll(/`([^`]+)`/g),
      ].map((match) => match[1]!),
    )
    .filter((query) => query.includes('harbor_'));
}

describe('docs/questions.md', () => {
  it('names only metrics the exporter publishes', () => {
    const published = new Set(
      [...readRepoFile('docs/metrics.md').matchAll(/^\| `(harbor_\w+)`/gm)].map((m) => m[1]),
    );
    const named = new Set([...doc.matchAll(/\bharbor_\w+/g)].map((match) => match[0]));
    assert.ok(named.size >= 30, `${named.size} metrics named`);
    for (const name of named) assert.ok(published.has(name), `${name} is not in docs/metrics.md`);
  });

  it('gives queries that parse as PromQL (promtool check rules)', (t) => {
    if (spawnSync('promtool', ['--version']).status !== 0) {
      if (process.env.CI) assert.fail('promtool is not installed (apt-get install prometheus)');
      t.skip('promtool is not installed');
      return;
    }
    const all = queries();
    assert.ok(all.length >= 30, `${all.length} queries`);
    const scratch = mkdtempSync(join(tmpdir(), 'harbor-exporter-questions-'));
    try {
      const file = join(scratch, 'questions.rules.yaml');
      const rules = all.map((expr, index) => ({ record: `question_${index}`, expr }));
      writeFileSync(file, stringify({ groups: [{ name: 'questions', rules }] }));
      const result = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
      assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
