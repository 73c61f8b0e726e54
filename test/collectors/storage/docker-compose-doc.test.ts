import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { collectorSwitches } from '../../../src/wiring.js';
import { buildConfig } from '../../../src/config/config.js';
import { loadSettings } from '../../../src/config/load.js';
import { envName, settings } from '../../../src/config/settings.js';
import { silentLogger } from '../../../src/log.js';
import { buildSources } from '../../../src/wiring.js';
import { readRepoFile } from '../../deploy/repo-files.js';

interface ComposeService {
  networks: string[];
  environment: Record<string, string>;
  volumes: string[];
}

function documentedService(): ComposeService {
  const doc = readRepoFile('docs/docker-compose.md');
  const block = /<!-- docker-compose-service:[\s\S]*?-->\s*```yaml\n([\s\S]*?)```/.exec(doc);
  assert.ok(block, 'docs/docker-compose.md has no docker-compose-service block');
  const compose = parseYaml(block[1]!) as { services: Record<string, ComposeService> };
  return compose.services['harbor-exporter']!;
}

describe('the docker compose service of docs/docker-compose.md', () => {
  const service = documentedService();
  const secrets = mkdtempSync(join(tmpdir(), 'harbor-exporter-compose-'));
  after(() => rmSync(secrets, { recursive: true, force: true }));

  it("joins Harbor's network and reads postgresql, core:8080 and the registry storage mounted read-only", () => {
    assert.deepEqual(service.networks, ['harbor']);
    assert.equal(service.environment.HARBOR_EXPORTER_DATABASE_HOST, 'postgresql');
    assert.equal(service.environment.HARBOR_EXPORTER_HARBOR_URL, 'http://core:8080');
    const storage = service.environment.HARBOR_EXPORTER_STORAGE_LOCAL_PATH;
    assert.ok(service.volumes.includes(`/data/registry:${storage}:ro`), JSON.stringify(service.volumes));
  });

  it('sets only real settings, and the exporter built from them has the database, API and storage sources', () => {
    const known = new Set(
      settings.flatMap((spec) => [envName(spec.key), ...(spec.secret ? [envName(spec.key + '-file')] : [])]),
    );
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(service.environment)) {
      assert.ok(known.has(name), `${name} is not a setting`);
      // docker compose turns "$$" into "$"; secret files are stood in for by temporary ones.
      let text = String(value).replaceAll('$$', '$');
      if (name.endsWith('_FILE')) {
        text = join(secrets, name);
        writeFileSync(text, `secret of ${name}`);
      }
      env[name] = text;
    }
    const config = buildConfig(loadSettings([], env, collectorSwitches()));
    assert.equal(config.database?.host, 'postgresql');
    assert.equal(config.database?.password, 'secret of HARBOR_EXPORTER_DATABASE_PASSWORD_FILE');
    assert.equal(config.harbor?.url, 'http://core:8080');
    assert.equal(config.harbor?.username, 'robot$exporter');
    assert.equal(config.storageLocalPath, '/registry-storage');
    assert.equal(config.kubernetes, undefined);
    const sources = buildSources(config, silentLogger).map((binding) => binding.source.name);
    assert.deepEqual([...sources].sort(), ['api', 'database', 'storage']);
  });
});
