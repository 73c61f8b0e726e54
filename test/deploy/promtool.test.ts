import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { dashboardQueries, withVariablesReplaced } from './dashboard-queries.js';
import { listRepoFiles, readRepoFile, repoRoot } from './repo-files.js';

/** promtool from PATH; in CI a missing promtool fails the tests instead of skipping them. */
function findPromtool(): string | undefined {
  const found = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  return found.status === 0 ? 'promtool' : undefined;
}

const promtool = findPromtool();

function requirePromtool(t: TestContext): boolean {
  if (promtool) return true;
  if (process.env.CI) assert.fail('promtool is not installed (apt-get install prometheus)');
  t.skip('promtool is not installed: the rule and configuration checks were not run');
  return false;
}

function runPromtool(...args: string[]): string {
  const result = spawnSync(promtool!, args, { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
  const output = `${result.stdout}${result.stderr}`;
  assert.equal(result.status, 0, `promtool ${args.join(' ')} failed:\n${output}`);
  return output;
}

describe('alert rules and Prometheus configuration, checked by promtool', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'harbor-exporter-promtool-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('accepts the alert rules (promtool check rules)', (t) => {
    if (!requirePromtool(t)) return;
    const output = runPromtool('check', 'rules', 'alerts/harbor-exporter.rules.yaml');
    assert.match(output, /SUCCESS: \d+ rules found/);
  });

  it('passes the alerts unit tests (promtool test rules)', (t) => {
    if (!requirePromtool(t)) return;
    const tests = listRepoFiles('alerts/tests', '.yaml');
    assert.ok(tests.length > 0, 'no unit tests in alerts/tests');
    for (const file of tests) assert.match(runPromtool('test', 'rules', file), /SUCCESS/);
  });

  it('unit-tests every alert of the rule file', () => {
    const rules = readRepoFile('alerts/harbor-exporter.rules.yaml');
    const tested = listRepoFiles('alerts/tests', '.yaml').map(readRepoFile).join('\n');
    for (const match of rules.matchAll(/- alert: (\w+)/g)) {
      assert.match(tested, new RegExp(`alertname: ${match[1]}\\n`), `alert ${match[1]} has no unit test`);
    }
  });

  it('accepts the scrape configurations of docs/deployment.md (promtool check config)', (t) => {
    if (!requirePromtool(t)) return;
    const doc = readRepoFile('docs/deployment.md');
    const blocks = [...doc.matchAll(/<!-- prometheus-config:[\s\S]*?-->\s*```yaml\n([\s\S]*?)```/g)];
    assert.equal(blocks.length, 2, 'docs/deployment.md should hold two prometheus-config blocks');
    for (const [index, block] of blocks.entries()) {
      const file = join(scratch, `prometheus-${index}.yml`);
      writeFileSync(file, block[1]!);
      const result = spawnSync(promtool!, ['check', 'config', file], { encoding: 'utf8', timeout: 120_000 });
      const output = `${result.stdout}${result.stderr}`;
      if (result.status !== 0 && /field kubernetes_sd_configs not found/.test(output)) {
        t.diagnostic(`block ${index + 1}: this promtool is built without Kubernetes discovery; not checked`);
        continue;
      }
      assert.equal(result.status, 0, `block ${index + 1}:\n${output}`);
    }
  });

  it('parses every dashboard query as PromQL (as recording rules, promtool check rules)', (t) => {
    if (!requirePromtool(t)) return;
    const queries = dashboardQueries();
    const rules = queries.map((query, index) => ({
      record: `dashboard_query_${index}`,
      expr: withVariablesReplaced(query.expr),
    }));
    const file = join(scratch, 'dashboard-queries.rules.yaml');
    writeFileSync(file, stringify({ groups: [{ name: 'dashboards', rules }] }));
    const result = spawnSync(promtool!, ['check', 'rules', file], { encoding: 'utf8', timeout: 120_000 });
    const output = `${result.stdout}${result.stderr}`;
    // promtool names the failing rule by its index; point at the panel instead.
    const failing = [...output.matchAll(/dashboard_query_(\d+)/g)].map((match) => queries[Number(match[1])]!);
    assert.equal(
      result.status,
      0,
      `${output}\n${failing.map((query) => `${query.file} "${query.where}"`).join('\n')}`,
    );
  });
});
