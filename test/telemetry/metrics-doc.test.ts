import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { metricsDocPath, renderMetricsDoc } from '../../scripts/generate-metrics-doc.js';
import { compatibilityNotes } from '../../src/catalog/compat-notes.js';
import { catalog, exposedName } from '../../src/catalog/index.js';
import { allCollectors } from '../../src/wiring.js';

describe('docs/metrics.md', () => {
  it('is what scripts/generate-metrics-doc.ts writes from the catalog today (run npm run docs)', () => {
    const written = readFileSync(metricsDocPath, 'utf8').split('\n');
    const current = renderMetricsDoc().split('\n');
    const line = current.findIndex((text, index) => text !== written[index]);
    if (line !== -1 || written.length !== current.length) {
      const at = line === -1 ? Math.min(written.length, current.length) : line;
      assert.fail(
        `docs/metrics.md is out of date from line ${at + 1}; run npm run docs\n` +
          `  written: ${written[at] ?? '(end of file)'}\n  current: ${current[at] ?? '(end of file)'}`,
      );
    }
  });

  it('lists every metric under its exposed name, every collector with its default, every compatibility name', () => {
    const doc = renderMetricsDoc();
    for (const definition of catalog) {
      assert.match(doc, new RegExp(`^\\| \`${exposedName(definition)}\` \\| `, 'm'), definition.name);
      for (const alias of definition.compat ?? []) {
        assert.ok(doc.includes(`| ${alias.set} | \`${alias.name}\` |`), `${alias.set} ${alias.name}`);
      }
      if (definition.fallback) {
        assert.ok(doc.includes(`\`${definition.fallback.collector}\``), `${definition.name} fallback`);
      }
    }
    for (const collector of allCollectors) {
      if (!catalog.some((definition) => definition.collector === collector.name)) continue;
      const state = collector.defaultEnabled ? 'On by default' : 'Off by default';
      assert.match(doc, new RegExp(`^### \`${collector.name}\`\\n\\n.*${state}`, 'm'), collector.name);
    }
  });

  it('says for every compatibility name what the old exporter published, and nothing of names not published', () => {
    const aliases = new Set(
      catalog.flatMap((definition) => (definition.compat ?? []).map((alias) => `${alias.set} ${alias.name}`)),
    );
    const notes = compatibilityNotes.map((note) => `${note.set} ${note.name}`);
    assert.deepEqual([...new Set(notes)].sort(), [...aliases].sort());
    assert.equal(new Set(notes).size, notes.length, 'one note per name');
  });
});
