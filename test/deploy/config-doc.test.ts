import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { configurationDocPath, renderConfigurationDoc } from '../../scripts/generate-config-doc.js';
import { collectorSwitches } from '../../src/wiring.js';
import { envName, settings } from '../../src/config/settings.js';

describe('docs/configuration.md', () => {
  it('is what scripts/generate-config-doc.ts writes today (run npm run docs:config)', async () => {
    const written = readFileSync(configurationDocPath, 'utf8').split('\n');
    const current = (await renderConfigurationDoc()).split('\n');
    const line = current.findIndex((text, index) => text !== written[index]);
    if (line !== -1 || written.length !== current.length) {
      const at = line === -1 ? Math.min(written.length, current.length) : line;
      assert.fail(
        `docs/configuration.md is out of date from line ${at + 1}; run npm run docs:config\n` +
          `  written: ${written[at] ?? '(end of file)'}\n  current: ${current[at] ?? '(end of file)'}`,
      );
    }
  });

  it('names every flag, variable, secret file form and collector', async () => {
    const doc = await renderConfigurationDoc();
    for (const spec of settings) {
      assert.ok(doc.includes(`\`--${spec.key}\``), spec.key);
      assert.ok(doc.includes(`\`${envName(spec.key)}\``), envName(spec.key));
      if (spec.secret) assert.ok(doc.includes(`\`${envName(`${spec.key}-file`)}\``), `${spec.key}-file`);
    }
    for (const collector of collectorSwitches()) {
      assert.ok(doc.includes(`\`${envName(`collector.${collector.name}`)}\``), collector.name);
    }
  });
});
