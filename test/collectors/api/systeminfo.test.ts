import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemInfoCollector } from '../../../src/collectors/api/systeminfo.js';
import { collectOnce } from '../../harness/exporter.js';
import { startSimulatedHarbor, type SimulatedHarbor } from '../../harness/harbor-api-simulator.js';

describe('systeminfo collector', () => {
  let harbor: SimulatedHarbor;

  before(async () => {
    harbor = await startSimulatedHarbor({ repositories: 5, seed: 2, release: '2.13' });
  });
  after(() => harbor.stop());

  it("publishes Harbor's release, auth mode, storage provider and read-only state as one info series", async () => {
    const state = harbor.simulator.state;
    state.readOnly = true;
    state.authMode = 'oidc_auth';
    const points = await collectOnce(harbor.source(), systemInfoCollector);
    const info = points.get('harbor_info');
    assert.equal(info?.length, 1);
    assert.equal(info[0]!.value, 1);
    // The 2.13 schema (schema_migrations 160) is served as Harbor v2.13.5.
    assert.match(info[0]!.attributes.version!, /^v2\.13\.5-/);
    assert.deepEqual(
      { ...info[0]!.attributes, version: undefined },
      {
        version: undefined,
        auth_mode: 'oidc_auth',
        storage_provider: state.storageProvider,
        read_only: 'true',
        self_registration: String(state.selfRegistration),
      },
    );
  });

  it('costs no request of its own: /systeminfo is read once when the refresh begins', async () => {
    const before = harbor.answers.length;
    await collectOnce(harbor.source(), systemInfoCollector);
    const made = harbor.answers.slice(before).map((answer) => answer.path);
    assert.deepEqual(made, ['/systeminfo']);
  });

  it("answered only as Harbor's API description allows", (t) => harbor.contract.assertClean(t));
});
