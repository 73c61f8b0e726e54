import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HarborApiSimulator } from '../../../src/demo/harbor-api-simulator/simulator.js';
import { silentLogger } from '../../../src/log.js';
import {
  HarborApiSource,
  fixedHarborApiSettings,
} from '../../../src/sources/harbor-api/harbor-api-source.js';
import { selfSignedCertificate } from '../../harness/certificates.js';
import { createHarborDatabase, type HarborTestDatabase } from '../../harness/postgres.js';
import { ContractRecorder } from '../../harness/swagger-contract.js';

describe('Harbor API over TLS', () => {
  let db: HarborTestDatabase;
  let simulator: HarborApiSimulator;
  let dir: string;
  const contract = new ContractRecorder();
  const sources: HarborApiSource[] = [];

  before(async () => {
    // A self-signed certificate for 127.0.0.1, made for this test.
    dir = mkdtempSync(path.join(tmpdir(), 'harbor-tls-'));
    selfSignedCertificate(dir, 'harbor-test', {
      key: path.join(dir, 'key.pem'),
      cert: path.join(dir, 'cert.pem'),
    });
    db = await createHarborDatabase({ repositories: 5, seed: 22 });
    simulator = await HarborApiSimulator.start({
      database: db.server.clientConfig(db.name),
      tls: { key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) },
    });
    simulator.onAnswer = contract.record;
  });
  after(async () => {
    await Promise.all(sources.map((source) => source.close()));
    await simulator.close();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  function source(overrides: { caFile?: string; insecureSkipVerify?: boolean }) {
    const created = new HarborApiSource(
      fixedHarborApiSettings({
        url: simulator.url,
        username: 'admin',
        password: 'Harbor12345',
        insecureSkipVerify: false,
        requestTimeoutMs: 5_000,
        maxConcurrency: 2,
        maxResponseBytes: 2_097_152,
        maxListItems: 50_000,
        ...overrides,
      }),
      silentLogger,
    );
    sources.push(created);
    return created;
  }

  const refresh = (api: HarborApiSource) => api.beginRefresh(new AbortController().signal);

  it('refuses a certificate no trusted CA signed', async () => {
    assert.match(simulator.url, /^https:/);
    await assert.rejects(
      refresh(source({})),
      /Harbor at https:\/\/127\.0\.0\.1:\d+: GET \/api\/v2\.0\/systeminfo: .*self.signed/i,
    );
  });

  it('trusts the CA file given', async () => {
    const session = await refresh(source({ caFile: path.join(dir, 'cert.pem') }));
    assert.match(session.client.systemInfo.harbor_version ?? '', /^v2\./);
  });

  it('accepts any certificate only when told to', async () => {
    const session = await refresh(source({ insecureSkipVerify: true }));
    assert.match(session.client.systemInfo.harbor_version ?? '', /^v2\./);
  });

  it('names the setting when the CA file cannot be read', async () => {
    await assert.rejects(
      refresh(source({ caFile: path.join(dir, 'missing.pem') })),
      /harbor\.ca-file .*missing\.pem cannot be read/,
    );
  });

  it("answered only as Harbor's API description allows", (t) => contract.assertClean(t));
});
