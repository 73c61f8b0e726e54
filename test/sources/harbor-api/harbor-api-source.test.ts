import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { healthCollector } from '../../../src/collectors/api/health.js';
import type { HarborApiSettings } from '../../../src/config/config.js';
import type { Logger } from '../../../src/log.js';
import { SourceRunner, type SourceState } from '../../../src/refresh/source-runner.js';
import type { HarborApiClient } from '../../../src/sources/harbor-api/harbor-api-client.js';
import { HarborApiSource } from '../../../src/sources/harbor-api/harbor-api-source.js';
import { captureLog } from '../../harness/capture-log.js';
import {
  READ_ONLY_ROBOT,
  startSimulatedHarbor,
  type SimulatedHarbor,
} from '../../harness/harbor-api-simulator.js';

describe('Harbor API source', () => {
  let harbor: SimulatedHarbor;

  before(async () => {
    harbor = await startSimulatedHarbor({ repositories: 10, seed: 23 });
  });
  after(() => harbor.stop());

  /** A runner over a source, as the exporter builds it, with a log to inspect. */
  function runner(source: HarborApiSource, log: Logger) {
    return new SourceRunner<HarborApiClient>(source, [healthCollector.create({})], {
      intervalMs: 3_600_000,
      timeoutMs: 30_000,
      keepStaleForMs: 60_000,
      log,
      onRefreshed: () => {},
    });
  }

  const own = (state: SourceState, metric: string) => state.own.get(metric)?.valueAt(0);

  it('is up when Harbor answers and accepts the credentials, and publishes its request count', async () => {
    const since = harbor.answers.length;
    const state = await runner(harbor.source(), captureLog().log).refresh();
    assert.equal(state.success, true);
    assert.equal(own(state, 'harbor_api_up'), 1);
    assert.equal(own(state, 'harbor_exporter_api_requests'), harbor.answers.length - since);
    assert.equal(own(state, 'harbor_exporter_api_requests'), 2, '/systeminfo and /health');
  });

  it('works with the recommended read-only robot account', async () => {
    const source = harbor.source({ username: READ_ONLY_ROBOT.username, password: READ_ONLY_ROBOT.password });
    const state = await runner(source, captureLog().log).refresh();
    assert.equal(own(state, 'harbor_api_up'), 1);
  });

  it('is down on a wrong password, with one clear log line however many refreshes, and no secret in it', async () => {
    const password = 'Wrong-Password-42';
    const { log, lines } = captureLog();
    const source = harbor.source({ password }, log);
    const run = runner(source, log);
    for (let refresh = 0; refresh < 3; refresh++) {
      const state = await run.refresh();
      assert.equal(state.success, false);
      assert.equal(own(state, 'harbor_api_up'), 0);
    }
    const failures = lines.filter((line) => line.includes('refresh failed'));
    assert.equal(failures.length, 1, lines.join('\n'));
    assert.match(failures[0]!, /did not accept the credentials as user \\"admin\\"/);
    assert.match(failures[0]!, /check harbor\.username and harbor\.password/);
    const basic = Buffer.from(`admin:${password}`).toString('base64');
    for (const line of lines) {
      assert.ok(!line.includes(password) && !line.includes(basic), line);
    }
  });

  it('asks for the settings again after a rejection (discovered credentials may have been rotated)', async () => {
    let rejected = 0;
    let current: HarborApiSettings = harbor.settings({ password: 'rotated-away' });
    const source = new HarborApiSource(
      { current: async () => current, rejected: () => rejected++ },
      captureLog().log,
    );
    await assert.rejects(source.beginRefresh(new AbortController().signal), /did not accept the credentials/);
    assert.equal(rejected, 1);
    current = harbor.settings();
    const session = await source.beginRefresh(new AbortController().signal);
    assert.match(session.client.systemInfo.harbor_version ?? '', /^v2\./);
    await source.close();
  });

  it('reports a 401 from Harbor (or a proxy in front of it) as rejected credentials', async () => {
    harbor.simulator.inject({ path: '/systeminfo', status: 401, times: 1 });
    await assert.rejects(
      harbor.source().beginRefresh(new AbortController().signal),
      /Harbor at http:\/\/127\.0\.0\.1:\d+ rejected the credentials as user "admin" \(401\)/,
    );
  });

  it('is down, naming the URL, when nothing listens there', async () => {
    const { log, lines } = captureLog();
    const source = harbor.source({ url: 'http://127.0.0.1:9', requestTimeoutMs: 2_000 }, log);
    const state = await runner(source, log).refresh();
    assert.equal(own(state, 'harbor_api_up'), 0);
    assert.match(
      state.lastError ?? '',
      /^Harbor at http:\/\/127\.0\.0\.1:9: GET \/api\/v2\.0\/systeminfo: .*ECONNREFUSED/,
    );
    assert.equal(lines.filter((line) => line.includes('refresh failed')).length, 1);
  });

  it("answered only as Harbor's API description allows", (t) => harbor.contract.assertClean(t));
});
