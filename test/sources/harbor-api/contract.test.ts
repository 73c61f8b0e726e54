import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SimulatorAnswer } from '../../../src/demo/harbor-api-simulator/simulator.js';
import { startSimulatedHarbor, type SimulatedHarbor } from '../../harness/harbor-api-simulator.js';
import { HarborApiContract, SWAGGER_FILE } from '../../harness/swagger-contract.js';

const ADMIN = 'Basic ' + Buffer.from('admin:Harbor12345').toString('base64');

describe("Harbor API simulator against Harbor's API description", () => {
  let harbor: SimulatedHarbor;

  before(async () => {
    harbor = await startSimulatedHarbor({ repositories: 130, seed: 51 });
  });
  after(() => harbor.stop());

  async function get(path: string, authorization: string | null = ADMIN) {
    const response = await fetch(`${harbor.simulator.url}/api/v2.0${path}`, {
      headers: authorization ? { authorization } : {},
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  it('answers every endpoint the exporter reads, pages and all', async () => {
    const paths = [
      '/ping',
      '/health',
      '/systeminfo',
      '/systeminfo/volumes',
      '/statistics',
      '/projects?page=1&page_size=3&with_detail=true',
      '/projects?page=2&page_size=3',
      '/repositories',
      '/repositories?page=2&page_size=100',
      '/quotas?reference=project&page_size=100',
      '/registries',
      '/replication/policies',
      '/replication/executions?policy_id=1&page=1&page_size=1&sort=-start_time',
      '/replication/executions',
      '/system/gc?page=1&page_size=100',
      '/system/gc/schedule',
      '/scans/all/metrics',
      '/jobservice/queues',
      '/jobservice/pools',
      '/jobservice/pools/all/workers',
      '/schedules?page=1&page_size=100',
    ];
    for (const path of paths) assert.equal((await get(path)).status, 200, path);
  });

  it('pages as Harbor does: 10 by default, X-Total-Count, Link to prev and next, 422 above 100', async () => {
    const first = await get('/repositories');
    assert.equal(JSON.parse(first.text).length, 10);
    assert.equal(first.headers.get('x-total-count'), '130');
    assert.equal(first.headers.get('link'), '</api/v2.0/repositories?page=2&page_size=10>; rel="next"');
    const middle = await get('/repositories?page=2&page_size=100');
    assert.equal(JSON.parse(middle.text).length, 30);
    assert.equal(middle.headers.get('link'), '</api/v2.0/repositories?page=1&page_size=100>; rel="prev"');
    const tooBig = await get('/repositories?page_size=101');
    assert.equal(tooBig.status, 422);
    assert.match(tooBig.text, /page_size in query should be less than or equal to 100/);
  });

  it('answers errors as Harbor does: 401 without credentials, 404 for unknown paths, 405 for writes', async () => {
    assert.equal((await get('/quotas', null)).status, 401);
    assert.equal(
      (await get('/statistics', 'Basic ' + Buffer.from('admin:nope').toString('base64'))).status,
      401,
    );
    assert.equal((await get('/no/such/thing')).status, 404);
    assert.equal((await get('/jobservice/pools/unknown-pool/workers')).status, 404);
    const write = await fetch(`${harbor.simulator.url}/api/v2.0/projects`, {
      method: 'POST',
      headers: { authorization: ADMIN },
    });
    assert.equal(write.status, 405);
    await write.text();
  });

  it('shows anonymous callers what Harbor shows them: public projects, no version', async () => {
    const info = JSON.parse((await get('/systeminfo', null)).text);
    assert.equal(info.harbor_version, undefined);
    assert.equal(info.registry_storage_provider_name, undefined);
    const projects = JSON.parse((await get('/projects?page_size=100', null)).text) as {
      metadata: { public: string };
    }[];
    assert.ok(projects.length > 0 && projects.every((project) => project.metadata.public === 'true'));
  });

  it('lets injected faults through as Harbor-shaped errors', async () => {
    harbor.simulator.inject({ path: '/health', status: 500, times: 1 });
    harbor.simulator.inject({ path: '/registries', status: 503, retryAfterSeconds: 2, times: 1 });
    assert.equal((await get('/health')).status, 500);
    const busy = await get('/registries');
    assert.equal(busy.status, 503);
    assert.equal(busy.headers.get('retry-after'), '2');
    harbor.simulator.state.scannerConfigured = false;
    assert.equal((await get('/scans/all/metrics')).status, 412);
    harbor.simulator.state.scannerConfigured = true;
  });

  it('the check itself catches what the description does not allow', (t) => {
    const contract = HarborApiContract.load();
    if (!contract) return t.skip(`contract check not run: ${SWAGGER_FILE} is absent`);
    const answer = (
      path: string,
      body: unknown,
      status = 200,
      headers: Record<string, string> = {},
    ): SimulatorAnswer => ({
      method: 'GET',
      path,
      query: '',
      status,
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    assert.deepEqual(
      contract.check(answer('/jobservice/queues', [{ job_type: 'X', count: 1, latency: 2, paused: false }])),
      [],
    );
    assert.notDeepEqual(
      contract.check(answer('/jobservice/queues', [{ job_type: 'X', count: '1' }])),
      [],
      'a string count',
    );
    assert.notDeepEqual(
      contract.check(answer('/health', { status: 'healthy', uptime: 5 })),
      [],
      'an invented field',
    );
    assert.notDeepEqual(
      contract.check(answer('/system/gc/schedule', { schedule: { type: 'Sometimes' } })),
      [],
      'outside an enum',
    );
    assert.notDeepEqual(
      contract.check(answer('/projects', [], 200, { 'x-total-count': 'many' })),
      [],
      'a bad header',
    );
    assert.notDeepEqual(contract.check(answer('/projects', [], 201)), [], 'an undocumented success');
    assert.notDeepEqual(contract.check(answer('/made/up', {})), [], 'a path Harbor does not have');
    assert.notDeepEqual(
      contract.check(answer('/quotas', { message: 'nope' }, 401)),
      [],
      'an error that is not Harbor-shaped',
    );
  });

  it("answered only as Harbor's API description allows", (t) => harbor.contract.assertClean(t));
});
