import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRecord, readRepoFile, readYaml } from './repo-files.js';

/** Where every alert's runbook_url points, as the rules file writes it (the chart may replace it). */
const RUNBOOKS = 'https://github.com/harbor-exporter/harbor-exporter/blob/main/docs/runbooks.md';

/** The anchor GitHub gives a Markdown heading: lower case, spaces to dashes, punctuation dropped. */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replaceAll(' ', '-');
}

function alerts(): { alert: string; annotations: Record<string, string> }[] {
  const rules = readYaml('alerts/harbor-exporter.rules.yaml');
  assert.ok(isRecord(rules) && Array.isArray(rules.groups));
  return (rules.groups as { rules: { alert?: string; annotations?: Record<string, string> }[] }[]).flatMap(
    (group) =>
      group.rules.flatMap((rule) =>
        rule.alert ? [{ alert: rule.alert, annotations: rule.annotations ?? {} }] : [],
      ),
  );
}

describe('alert runbooks', () => {
  it('gives every alert a runbook_url at its own section of docs/runbooks.md', () => {
    const doc = readRepoFile('docs/runbooks.md');
    const headings = new Map(
      [...doc.matchAll(/^#{2,4} (.+)$/gm)].map((match) => [anchor(match[1]!), match[1]!.trim()]),
    );
    const all = alerts();
    assert.ok(all.length >= 20, `${all.length} alerts`);
    for (const { alert, annotations } of all) {
      const url = annotations.runbook_url;
      assert.equal(url, `${RUNBOOKS}#${anchor(alert)}`, `alert ${alert}`);
      assert.equal(headings.get(anchor(alert)), alert, `docs/runbooks.md has no section "### ${alert}"`);
    }
  });

  it('has no section for an alert that does not exist', () => {
    const names = new Set(alerts().map((rule) => rule.alert));
    for (const match of readRepoFile('docs/runbooks.md').matchAll(/^### (\w+)$/gm)) {
      assert.ok(names.has(match[1]!), `docs/runbooks.md: ${match[1]} is no alert`);
    }
  });
});
