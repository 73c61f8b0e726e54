import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiCollectors, apiFallbackCollectors } from '../../../src/wiring.js';
import type { Collector } from '../../../src/collectors/types.js';
import type { HarborApiSettings } from '../../../src/config/config.js';
import type { Fault } from '../../../src/demo/harbor-api-simulator/faults.js';
import { SourceRunner } from '../../../src/refresh/source-runner.js';
import { endpoints } from '../../../src/sources/harbor-api/endpoints.js';
import { PAGE_SIZE, type HarborApiClient } from '../../../src/sources/harbor-api/harbor-api-client.js';
import { HarborApiSource } from '../../../src/sources/harbor-api/harbor-api-source.js';
import { captureLog } from '../../harness/capture-log.js';
import { pointArrays, testConfig } from '../../harness/exporter.js';
import { startSimulatedHarbor, type SimulatedHarbor } from '../../harness/harbor-api-simulator.js';

/** Answers of the wrong shape, as a broken proxy or another service gives them. */
const asStrings = (body: unknown): unknown =>
  JSON.parse(
    JSON.stringify(body, (_key, value: unknown) => (typeof value === 'number' ? String(value) : value)),
  );
const asObject = (body: unknown): unknown => (Array.isArray(body) ? { items: body } : body);
const readOnlyAsText = (body: unknown): unknown => ({ ...(body as object), read_only: 'false' });
const componentsAsText = (body: unknown): unknown => ({ ...(body as object), components: 'core,registry' });

describe('Harbor API source against hostile answers', () => {
  let harbor: SimulatedHarbor;

  before(async () => {
    harbor = await startSimulatedHarbor({ repositories: 250, seed: 31 });
  });
  after(() => harbor.stop());

  async function client(overrides: Partial<HarborApiSettings> = {}) {
    const source = harbor.source(overrides);
    return (await source.beginRefresh(new AbortController().signal)).client;
  }

  /** The simulator's last answer on a path. */
  const lastAnswer = (path: string) => harbor.answers.filter((answer) => answer.path === path).at(-1);

  describe('a body larger than harbor.max-response-bytes fails the request, read no further', () => {
    const cap = 256 * 1024;
    for (const [name, fault] of [
      ['announced by Content-Length', { oversized: { bytes: 50 * 1024 * 1024, announced: true } }],
      ['sent chunked', { oversized: { bytes: 50 * 1024 * 1024 } }],
      ['without end', { endlessBody: true }],
    ] as [string, Omit<Fault, 'path'>][]) {
      it(name, async () => {
        const api = await client({ maxResponseBytes: cap });
        harbor.simulator.inject({ path: '/health', ...fault, times: 1 });
        const began = Date.now();
        await assert.rejects(api.get(endpoints.health), (error: Error & { code?: string }) => {
          assert.equal(error.code, 'TOO_LARGE');
          assert.equal(
            error.message,
            `GET /api/v2.0/health: the answer is larger than ${cap} bytes (harbor.max-response-bytes); not read`,
          );
          return true;
        });
        // 50 MB over loopback takes seconds; cut off at the bound it takes a moment, and an endless body ends.
        assert.ok(Date.now() - began < 2_000, `gave up after ${Date.now() - began} ms`);
        await waitFor(() => lastAnswer('/health')?.fault !== undefined);
      });
    }

    it('reads an answer right up to the bound', async () => {
      const api = await client({ maxResponseBytes: cap });
      harbor.simulator.inject({ path: '/health', oversized: { bytes: cap }, times: 1 });
      // The filler is an array, so it is read whole and then refused by the schema of /health: not by size.
      await assert.rejects(api.get(endpoints.health), /malformed answer: \(the answer\) must be object/);
    });
  });

  describe('paging that does not end', () => {
    it('stops at the X-Total-Count Harbor announced', async () => {
      const api = await client();
      harbor.simulator.inject({ path: '/repositories', endlessPages: { total: 250 } });
      const since = harbor.answers.length;
      try {
        const repositories = await api.list(endpoints.repositories);
        assert.equal(repositories?.length, 250);
      } finally {
        harbor.simulator.faults.clear();
      }
      assert.equal(harbor.answers.slice(since).length, Math.ceil(250 / PAGE_SIZE));
    });

    it('fails past harbor.max-list-items when no total bounds it', async () => {
      const api = await client({ maxListItems: 1_000 });
      harbor.simulator.inject({ path: '/repositories', endlessPages: {} });
      const since = harbor.answers.length;
      try {
        await assert.rejects(
          api.list(endpoints.repositories),
          /^HarborApiError: GET \/api\/v2\.0\/repositories: more than 1000 items \(harbor\.max-list-items\); not read further$/,
        );
      } finally {
        harbor.simulator.faults.clear();
      }
      assert.equal(harbor.answers.slice(since).length, 1_000 / PAGE_SIZE + 1);
    });

    it('ends at a page shorter than asked for, whatever Link says', async () => {
      const api = await client();
      harbor.simulator.inject({ path: '/schedules', endlessPages: {} });
      const since = harbor.answers.length;
      try {
        const schedules = await api.list(endpoints.schedules);
        assert.equal(schedules?.length, harbor.simulator.state.schedules.length);
      } finally {
        harbor.simulator.faults.clear();
      }
      assert.equal(harbor.answers.slice(since).length, 1);
    });

    it('fails on a page holding more items than asked for', async () => {
      const api = await client();
      harbor.simulator.inject({
        path: '/repositories',
        rewrite: (body) => [...(body as unknown[]), ...(body as unknown[])],
        times: 1,
      });
      await assert.rejects(
        api.list(endpoints.repositories),
        /GET \/api\/v2\.0\/repositories: page 1 holds 200 items, more than the 100 asked for/,
      );
    });
  });

  describe('an answer of the wrong shape fails its collector with one log line; its last values stay', () => {
    // Each collector, an endpoint it reads and a way to break that endpoint's answer.
    const cases: { collector: string; path: string; rewrite: (body: unknown) => unknown; place: RegExp }[] = [
      {
        collector: 'health',
        path: '/health',
        rewrite: componentsAsText,
        place: /\/components must be array/,
      },
      {
        collector: 'volumes',
        path: '/systeminfo/volumes',
        rewrite: asStrings,
        place: /\/storage\/0\/total must be integer/,
      },
      {
        collector: 'replication',
        path: '/replication/policies',
        rewrite: asObject,
        place: /\(the answer\) must be array/,
      },
      { collector: 'registries', path: '/registries', rewrite: asStrings, place: /\/0\/id must be integer/ },
      {
        collector: 'scan-all',
        path: '/scans/all/metrics',
        rewrite: asStrings,
        place: /\/metrics\/\w+ must be integer/,
      },
      {
        collector: 'jobservice',
        path: '/jobservice/queues',
        rewrite: asObject,
        place: /\(the answer\) must be array/,
      },
      {
        collector: 'schedules',
        path: '/system/gc/schedule',
        rewrite: asStrings,
        place: /\/id must be integer/,
      },
      {
        collector: 'api-projects',
        path: '/projects',
        rewrite: asStrings,
        place: /\/0\/project_id must be integer/,
      },
      {
        collector: 'api-repositories',
        path: '/repositories',
        rewrite: asStrings,
        place: /\/0\/id must be integer/,
      },
      { collector: 'api-quotas', path: '/quotas', rewrite: asStrings, place: /\/0\/id must be integer/ },
      {
        collector: 'api-statistics',
        path: '/statistics',
        rewrite: asStrings,
        place: /_count must be integer/,
      },
      { collector: 'api-gc', path: '/system/gc', rewrite: asObject, place: /\(the answer\) must be array/ },
    ];
    const collectors = [...apiCollectors, ...apiFallbackCollectors].map(
      (factory) => factory.create(testConfig()) as Collector<HarborApiClient>,
    );

    it('covers every API collector that makes a request', () => {
      const covered = new Set(cases.map((entry) => entry.collector));
      const uncovered = collectors.map((collector) => collector.name).filter((name) => !covered.has(name));
      assert.deepEqual(
        uncovered,
        ['systeminfo'],
        'systeminfo reads the answer checked when the refresh begins',
      );
    });

    for (const entry of cases) {
      it(`${entry.collector}: ${entry.path}`, async () => {
        const { log, lines } = captureLog();
        const runner = new SourceRunner<HarborApiClient>(harbor.source({}, log), collectors, {
          intervalMs: 3_600_000,
          timeoutMs: 30_000,
          keepStaleForMs: 3_600_000,
          log,
          onRefreshed: () => {},
        });
        const good = (await runner.refresh()).collectors.find((state) => state.name === entry.collector)!;
        assert.equal(good.success, true, good.lastError);
        const published = pointArrays(good.points);
        assert.ok(published.size > 0, 'published something before the fault');

        harbor.simulator.inject({ path: entry.path, rewrite: entry.rewrite });
        try {
          for (let refresh = 0; refresh < 3; refresh++) {
            const state = await runner.refresh();
            const failed = state.collectors.find((candidate) => candidate.name === entry.collector)!;
            assert.equal(failed.success, false);
            assert.equal(failed.stale, true);
            assert.deepEqual(pointArrays(failed.points), published, 'the last values stay');
            assert.match(
              failed.lastError ?? '',
              new RegExp(`GET /api/v2\\.0${entry.path}: malformed answer: `),
            );
            assert.match(failed.lastError ?? '', entry.place);
            const others = state.collectors.filter((candidate) => candidate.name !== entry.collector);
            assert.deepEqual(
              others.filter((candidate) => !candidate.success).map((candidate) => candidate.name),
              [],
              'no other collector fails',
            );
          }
        } finally {
          harbor.simulator.faults.clear();
        }
        const failures = lines.filter((line) => line.includes('collector failed'));
        assert.equal(failures.length, 1, failures.join('\n'));
        assert.match(failures[0]!, new RegExp(`collector=${entry.collector} `));
      });
    }
  });

  describe('/systeminfo', () => {
    it('of another shape is reported as a malformed answer, not as rejected credentials', async () => {
      let rejected = 0;
      const settings = harbor.settings();
      const source = new HarborApiSource(
        { current: async () => settings, rejected: () => rejected++ },
        captureLog().log,
      );
      for (const rewrite of [() => ({ status: 'ok' }), readOnlyAsText, () => ['v2.15.2'], () => 'Pong']) {
        harbor.simulator.inject({ path: '/systeminfo', rewrite, times: 1 });
        await assert.rejects(
          source.beginRefresh(new AbortController().signal),
          /^HarborApiError: Harbor at http:\/\/127\.0\.0\.1:\d+: GET \/api\/v2\.0\/systeminfo: malformed answer: /,
        );
      }
      assert.equal(rejected, 0, 'the credentials are not doubted');
      await source.close();
    });

    it('is not asked of a URL that does not parse, and the error does not repeat the password in it', async () => {
      // Settings found in Kubernetes reach the source unchecked by the configuration's validation.
      const password = 'S3cret-In-Url';
      const source = harbor.source({
        url: `https://admin:${password}@harbor example.com`,
        password: undefined,
      });
      await assert.rejects(source.beginRefresh(new AbortController().signal), (error: Error) => {
        assert.equal(error.message, 'harbor.url is not a URL');
        assert.ok(!JSON.stringify({ ...error }).includes(password), 'nor its fields');
        assert.ok(!String(error.stack).includes(password), 'nor its stack');
        return true;
      });
    });

    it('as to an anonymous caller still means the credentials were not accepted', async () => {
      harbor.simulator.inject({
        path: '/systeminfo',
        rewrite: (body) => ({ ...(body as object), harbor_version: undefined }),
        times: 1,
      });
      await assert.rejects(
        harbor.source().beginRefresh(new AbortController().signal),
        /did not accept the credentials as user "admin"/,
      );
    });
  });

  it("answered only as Harbor's API description allows, but for the faults", (t) =>
    harbor.contract.assertClean(t));
});

async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
