import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, describe, it } from 'node:test';
import { ExporterHttpServer, type HttpServerOptions } from '../../src/server/http-server.js';
import { renderedFromText } from '../harness/rendered-metrics.js';

const TEXT = '# TYPE harbor_projects gauge\nharbor_projects{visibility="public"} 3\n';
const NOW_SECONDS = Math.floor(Date.now() / 1000);
const servers: ExporterHttpServer[] = [];

async function start(options: Partial<HttpServerOptions> = {}): Promise<string> {
  const server = new ExporterHttpServer({
    host: '127.0.0.1',
    port: 0,
    telemetryPath: '/metrics',
    version: '1.2.3',
    metrics: () => renderedFromText(TEXT),
    sources: () => [
      {
        name: 'database',
        refreshes: 3,
        success: false,
        lastSuccessSeconds: NOW_SECONDS - 42,
        lastError: 'connect ECONNREFUSED harbor-db.internal:5432 as harbor_exporter',
        collectors: [
          { name: 'projects', success: true, stale: false, lastSuccessSeconds: NOW_SECONDS - 42 },
          { name: 'tags', success: false, stale: true, lastError: 'statement timeout' },
        ],
      },
    ],
    otlp: () => ({ endpoint: 'https://otlp.example.com/v1/metrics', succeeded: 5, failed: 1 }),
    endpoints: () => ({ database: 'harbor_exporter@harbor-db.internal:5432/registry' }),
    ...options,
  });
  servers.push(server);
  const { port } = await server.listen();
  return `http://127.0.0.1:${port}`;
}

/** A GET with exactly these request headers (fetch would add its own Accept-Encoding). */
function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }),
      );
    })
      .on('error', reject)
      .end();
  });
}

after(async () => {
  for (const server of servers) await server.close();
});

describe('HTTP routes', () => {
  it('sends gzip only to a client that accepts it, by the rules of Accept-Encoding', async () => {
    const url = `${await start()}/metrics`;
    const cases: Array<[string | undefined, boolean]> = [
      ['gzip', true],
      ['gzip, deflate, br', true],
      ['*', true],
      ['gzip;q=0', false],
      ['gzip;q=0, identity', false],
      ['*;q=0, identity', false],
      ['br', false],
      [undefined, false],
    ];
    for (const [acceptEncoding, gzip] of cases) {
      const response = await get(
        url,
        acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding },
      );
      assert.equal(response.status, 200);
      assert.equal(response.headers['content-encoding'], gzip ? 'gzip' : undefined, String(acceptEncoding));
      if (!gzip) assert.equal(response.body.toString(), TEXT);
    }
  });

  it('sends security headers with every answer', async () => {
    const url = await start();
    for (const path of ['/', '/metrics', '/healthz', '/nowhere']) {
      const { headers } = await get(`${url}${path}`);
      assert.equal(headers['x-content-type-options'], 'nosniff', path);
      assert.equal(headers['x-frame-options'], 'DENY', path);
      assert.match(String(headers['content-security-policy']), /default-src 'none'/, path);
      assert.equal(headers['referrer-policy'], 'no-referrer', path);
    }
  });

  it('shows states, collectors, data age and OTLP on the summary page, without errors or where sources connect', async () => {
    const page = (await get(await start({ statusPage: 'summary' }))).body.toString();
    const age = Number(/<td>database<\/td><td>failing<\/td><td>(\d+) s ago<\/td>/.exec(page)?.[1]);
    assert.ok(age >= 42 && age <= 42 + (Date.now() / 1000 - NOW_SECONDS) + 1, `data age ${age} s`);
    assert.match(page, /<td>projects<\/td><td>database<\/td><td>ok<\/td>/);
    assert.match(page, /<td>tags<\/td><td>database<\/td><td>failing, stale values<\/td><td>never<\/td>/);
    assert.match(page, /OTLP push: 5 succeeded, 1 failed/);
    assert.doesNotMatch(page, /harbor-db\.internal|harbor_exporter|otlp\.example\.com|statement timeout/);
    assert.doesNotMatch(page, /demo/i);
  });

  it('adds errors and where each source connects on the detailed page, says when it is the demo, and serves no page when off', async () => {
    const detailed = (await get(await start({ statusPage: 'detailed', demo: true }))).body.toString();
    assert.match(detailed, /harbor_exporter@harbor-db\.internal:5432\/registry/);
    assert.match(detailed, /statement timeout/);
    assert.match(detailed, /OTLP push to https:\/\/otlp\.example\.com\/v1\/metrics/);
    assert.match(detailed, /<title>harbor-exporter \(demo\)<\/title>/);
    assert.match(detailed, /synthetic registry/);
    const off = await start({ statusPage: 'off' });
    assert.equal((await get(off)).status, 404);
    assert.equal((await get(`${off}/metrics`)).status, 200);
  });
});
