import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { configurationDocPath, renderConfigurationDoc } from '../../scripts/generate-config-doc.js';
import { collectorSwitches } from '../../src/collectors/registry.js';
import { envName, settings } from '../../src/config/settings.js';

describe('docs/configuration.md', () => {
  it('is what scripts/generate-config-doc.ts writes today (run npm run docs:config)', async () => {
    assert.equal(readFileSync(configurationDocPath, 'utf8'), await renderConfigurationDoc());
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
