import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { endpoints } from '../../../src/sources/harbor-api/endpoints.js';
import type { HarborApiClient } from '../../../src/sources/harbor-api/harbor-api-client.js';
import { nextLink, type RefreshApiClient } from '../../../src/sources/harbor-api/harbor-api-client.js';
import type { HarborApiSource } from '../../../src/sources/harbor-api/harbor-api-source.js';
import type { HarborApiSettings } from '../../../src/config/config.js';
import { VERSION } from '../../../src/version.js';
import { captureLog } from '../../harness/capture-log.js';
import { startSimulatedHarbor, type SimulatedHarbor } from '../../harness/harbor-api-simulator.js';

describe('Harbor API client', () => {
  let harbor: SimulatedHarbor;

  before(async () => {
    harbor = await startSimulatedHarbor({ repositories: 20, seed: 21 });
  });
  after(() => harbor.stop());

  /** A fresh source and one refresh session's client. */
  async function session(overrides: Partial<HarborApiSettings> = {}, source?: HarborApiSource) {
    const api = source ?? harbor.source(overrides);
    const opened = await api.beginRefresh(new AbortController().signal);
    return { source: api, client: opened.client as RefreshApiClient & HarborApiClient };
  }

  const answersTo = (path: string, since: number) =>
    harbor.answers.slice(since).filter((answer) => answer.path === path);

  it('retries a GET answered 503 with Retry-After, waiting as told, and counts both requests', async () => {
    const { client } = await session();
    const since = harbor.answers.length;
    harbor.simulator.inject({ path: '/health', status: 503, retryAfterSeconds: 1, times: 1 });
    const began = Date.now();
    const health = await client.get(endpoints.health);
    assert.ok(health);
    assert.ok(Date.now() - began >= 900, 'waited for Retry-After');
    assert.deepEqual(
      answersTo('/health', since).map((answer) => answer.status),
      [503, 200],
    );
    assert.equal(client.counter.count, 3, 'systeminfo, then /health twice');
  });

  it('retries 429 and 504 with backoff', async () => {
    const { client } = await session();
    const since = harbor.answers.length;
    harbor.simulator.inject({ path: '/health', status: 429, times: 1 });
    harbor.simulator.inject({ path: '/health', status: 504, times: 1 });
    assert.ok(await client.get(endpoints.health));
    assert.deepEqual(
      answersTo('/health', since).map((answer) => answer.status),
      [429, 504, 200],
    );
  });

  it('gives up after two retries, naming the path and the status', async () => {
    const { client } = await session();
    const since = harbor.answers.length;
    harbor.simulator.inject({ path: '/health', status: 502, times: 5 });
    await assert.rejects(client.get(endpoints.health), /GET \/api\/v2\.0\/health: 502 Bad Gateway/);
    assert.equal(answersTo('/health', since).length, 3);
    harbor.simulator.faults.clear();
  });

  it('does not retry a 500', async () => {
    const { client } = await session();
    const since = harbor.answers.length;
    harbor.simulator.inject({ path: '/health', status: 500, times: 1 });
    await assert.rejects(client.get(endpoints.health), /GET \/api\/v2\.0\/health: 500 Internal Server Error/);
    assert.equal(answersTo('/health', since).length, 1);
  });

  it('retries a dropped connection', async () => {
    const { client } = await session();
    const since = harbor.answers.length;
    harbor.simulator.inject({ path: '/health', reset: true, times: 1 });
    assert.ok(await client.get(endpoints.health));
    assert.equal(answersTo('/health', since).length, 1, 'one answer after the dropped request');
    assert.equal(client.counter.count, 3);
  });

  it('stops waiting at the request timeout and does not retry a timeout', async () => {
    const { client } = await session({ requestTimeoutMs: 500 });
    harbor.simulator.inject({ path: '/health', delayMs: 5_000, times: 3 });
    await assert.rejects(
      client.get(endpoints.health),
      /GET \/api\/v2\.0\/health: no answer within the request timeout/,
    );
    assert.equal(client.counter.count, 2, 'systeminfo and one /health');
    harbor.simulator.faults.clear();
  });

  it('turns a body that is not JSON into an error naming the path', async () => {
    const { client } = await session();
    harbor.simulator.inject({ path: '/health', malformed: true, times: 1 });
    await assert.rejects(
      client.get(endpoints.health),
      /GET \/api\/v2\.0\/health: the answer is not valid JSON/,
    );
  });

  it('keeps at most max-concurrency requests in flight', async () => {
    const { client } = await session({ maxConcurrency: 2 });
    harbor.simulator.inject({ path: '/health', delayMs: 150, times: 8 });
    harbor.simulator.peakInFlight = 0;
    await Promise.all(Array.from({ length: 8 }, () => client.get(endpoints.health)));
    assert.equal(harbor.simulator.peakInFlight, 2);
  });

  it('introduces itself as harbor-exporter/<version>', async () => {
    const since = harbor.answers.length;
    await session();
    assert.equal(harbor.answers[since]!.userAgent, `harbor-exporter/${VERSION}`);
  });

  it('takes credentials from the URL when none are set, and never shows them', async () => {
    const url = new URL(harbor.simulator.url);
    url.username = 'admin';
    url.password = 'Harbor12345';
    const { client } = await session({ url: url.toString(), username: undefined, password: undefined });
    assert.match(client.systemInfo.harbor_version ?? '', /^v2\.15/);
  });

  it('treats a 404 as "not available": no error, one log line, not asked again until Harbor changes version', async () => {
    const { log, lines } = captureLog();
    const source = harbor.source({}, log);
    harbor.simulator.inject({ path: '/jobservice/queues', status: 404 });
    const since = harbor.answers.length;
    for (let refresh = 0; refresh < 3; refresh++) {
      const { client } = await session({}, source);
      assert.equal(await client.get(endpoints.jobserviceQueues), undefined);
    }
    assert.equal(answersTo('/jobservice/queues', since).length, 1);
    assert.equal(lines.filter((line) => line.includes('/jobservice/queues')).length, 1);
    harbor.simulator.faults.clear();

    harbor.simulator.state.harborVersion = 'v2.15.3-0c1d2e3f';
    try {
      const { client } = await session({}, source);
      assert.ok(await client.get(endpoints.jobserviceQueues), 'asked again after the upgrade');
    } finally {
      delete harbor.simulator.state.harborVersion;
    }
  });

  it('does not ask an older Harbor for endpoints it does not serve, and says so once', async () => {
    harbor.simulator.state.harborVersion = 'v2.6.4-8b1c0a3e';
    const { log, lines } = captureLog();
    const source = harbor.source({}, log);
    const since = harbor.answers.length;
    try {
      for (let refresh = 0; refresh < 2; refresh++) {
        const { client } = await session({}, source);
        assert.equal(await client.get(endpoints.jobserviceQueues), undefined);
        assert.equal(await client.list(endpoints.schedules), undefined);
        assert.ok(await client.get(endpoints.health));
      }
    } finally {
      delete harbor.simulator.state.harborVersion;
    }
    assert.equal(answersTo('/jobservice/queues', since).length + answersTo('/schedules', since).length, 0);
    const notes = lines.filter((line) => line.includes('not served by this Harbor release'));
    assert.equal(notes.length, 2, notes.join('\n'));
    assert.match(notes[0]!, /since=2\.7/);
  });

  it("answered only as Harbor's API description allows", (t) => harbor.contract.assertClean(t));
});

describe('Link rel="next"', () => {
  const origin = 'https://harbor.example.com';

  it('gives the next page below /api/v2.0 from a relative link among others', () => {
    const header =
      '</api/v2.0/projects?page=1&page_size=100>; rel="prev" , </api/v2.0/projects?page=3&page_size=100>; rel="next"';
    assert.equal(nextLink(header, origin), '/projects?page=3&page_size=100');
  });

  it('keeps a path prefix in front of /api/v2.0', () => {
    assert.equal(
      nextLink('<https://harbor.example.com/harbor/api/v2.0/quotas?page=2>; rel="next"', origin),
      '/quotas?page=2',
    );
  });

  it('has nothing to follow on the last page', () => {
    assert.equal(nextLink('</api/v2.0/projects?page=1&page_size=100>; rel="prev"', origin), undefined);
    assert.equal(nextLink(undefined, origin), undefined);
  });

  it('refuses a link to another origin, so credentials never follow it', () => {
    assert.throws(
      () => nextLink('<https://elsewhere.example.com/api/v2.0/projects?page=2>; rel="next"', origin),
      /not followed/,
    );
  });
});
