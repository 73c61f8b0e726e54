import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  apiCollectors,
  apiFallbackCollectors,
  databaseCollectors,
  kubernetesCollectors,
  storageCollectors,
} from '../../../src/wiring.js';
import { silentLogger } from '../../../src/log.js';
import { buildSources } from '../../../src/wiring.js';
import { startTestExporter, testConfig, type RunningTestExporter } from '../../harness/exporter.js';
import {
  harborPod,
  installHarborChart,
  type PodOptions,
} from '../../harness/fake-kubernetes/harbor-chart.js';
import { unlistedRequests } from '../../harness/fake-kubernetes/listed-calls.js';
import { EXEC_SUCCESS, FakeKubernetes } from '../../harness/fake-kubernetes/server.js';
import { createHarborDatabase, type HarborTestDatabase } from '../../harness/postgres.js';
import { samplesOf, valueOf, type Sample } from '../../harness/prometheus-text.js';

const namespace = 'harbor-prod';
const release = 'harbor';
/** Harbor's own database user, as the chart's ConfigMap names it; not the test server's superuser. */
const ROLE = 'harbor_core_user';

/** Waits until a condition holds over refreshes; the password change takes one or two failed refreshes. */
async function refreshUntil(
  running: RunningTestExporter,
  condition: (samples: Sample[]) => boolean,
  attempts = 10,
): Promise<Sample[]> {
  for (let attempt = 1; ; attempt++) {
    await running.refreshAll();
    const samples = await running.scrape();
    if (condition(samples)) return samples;
    if (attempt >= attempts) return samples;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('Harbor found in Kubernetes from only a namespace and a release name', () => {
  let db: HarborTestDatabase;
  let fake: FakeKubernetes;
  let running: RunningTestExporter;
  const chart = (password: string) =>
    installHarborChart(fake, {
      namespace,
      release,
      database: { host: db.server.host, port: db.server.port, user: ROLE, name: db.name, password },
    });

  before(async () => {
    db = await createHarborDatabase({ repositories: 25, seed: 5 });
    await db.admin.query(`CREATE ROLE ${ROLE} LOGIN PASSWORD 'first-password'`);
    await db.admin.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${ROLE}`);
    fake = await FakeKubernetes.start();
    chart('first-password');
    const pod = (component: string, name: string, extra: Partial<PodOptions> = {}) =>
      harborPod({ namespace, release, component, name, ...extra });
    fake.pods = [
      pod('core', 'harbor-core-1', { restarts: { core: 2 } }),
      pod('core', 'harbor-core-2', { ready: false, restarts: { core: 5 } }),
      pod('registry', 'harbor-registry-1', { restarts: { registry: 1, registryctl: 3 } }),
      pod('database', 'harbor-database-0'),
      pod('jobservice', 'harbor-jobservice-1', { phase: 'Pending' }),
      // Finished and terminating pods are not what the controllers run now.
      pod('jobservice', 'harbor-jobservice-old', { phase: 'Failed', restarts: { jobservice: 9 } }),
      pod('portal', 'harbor-portal-1', { terminating: true }),
      pod('portal', 'harbor-portal-2'),
    ];
    fake.onExec = () => ({
      stdout:
        'Filesystem     1024-blocks    Used Available Capacity Mounted on\n/dev/rbd0 10475520 2097152 8378368  21% /storage\n',
      status: EXEC_SUCCESS,
    });
    const noApi = [...apiCollectors, ...apiFallbackCollectors].map(
      (collector) => `--no-collector.${collector.name}`,
    );
    const config = testConfig([
      '--kubernetes.enabled',
      `--kubernetes.namespace=${namespace}`,
      `--kubernetes.release=${release}`,
      '--refresh.interval=1h',
      ...noApi,
    ]);
    const bindings = buildSources(config, silentLogger, {
      kubernetes: { kubeConfig: fake.kubeConfig(), inCluster: false },
    });
    running = await startTestExporter(config, bindings);
    await running.refreshAll();
  });
  after(async () => {
    await running?.stop();
    await fake?.close();
    await db?.drop();
  });

  it("connects to the database the chart's ConfigMap and Secret name and publishes its metrics", async () => {
    const samples = await running.scrape();
    assert.equal(valueOf(samples, 'harbor_database_up'), 1);
    const { rows } = await db.admin.query<{ projects: number; repositories: number }>(
      `SELECT (SELECT count(*) FROM project WHERE NOT deleted)::int AS projects,
              (SELECT count(*) FROM repository r JOIN project p USING (project_id) WHERE NOT p.deleted)::int AS repositories`,
    );
    const sum = (name: string) => samplesOf(samples, name).reduce((total, sample) => total + sample.value, 0);
    assert.equal(sum('harbor_projects'), rows[0]!.projects);
    assert.equal(sum('harbor_project_repositories'), rows[0]!.repositories);
    // The exporter's session runs as Harbor's user, found in the ConfigMap.
    const sessions = await db.admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1 AND application_name = 'harbor-exporter'`,
      [ROLE],
    );
    assert.ok(sessions.rows[0]!.n > 0);
  });

  it("publishes Harbor's pods per component from one list call", async () => {
    const samples = await running.scrape();
    const expected = {
      core: { pods: 2, ready: 1, restarts: 7 },
      registry: { pods: 1, ready: 1, restarts: 4 },
      database: { pods: 1, ready: 1, restarts: 0 },
      jobservice: { pods: 1, ready: 0, restarts: 0 },
      portal: { pods: 1, ready: 1, restarts: 0 },
    };
    for (const [component, figures] of Object.entries(expected)) {
      assert.equal(valueOf(samples, 'harbor_kubernetes_pods', { component }), figures.pods, component);
      assert.equal(valueOf(samples, 'harbor_kubernetes_pods_ready', { component }), figures.ready, component);
      assert.equal(
        valueOf(samples, 'harbor_kubernetes_container_restarts', { component }),
        figures.restarts,
        component,
      );
    }
    assert.deepEqual(
      samplesOf(samples, 'harbor_kubernetes_pods')
        .map((sample) => sample.labels.component)
        .sort(),
      Object.keys(expected).sort(),
    );
    assert.equal(valueOf(samples, 'harbor_kubernetes_up'), 1);
    const before = fake.requests.filter((request) => request.verb === 'list').length;
    await running.exporter.runners.find((runner) => runner.source.name === 'kubernetes')!.refresh();
    assert.deepEqual(
      fake.requests
        .filter((request) => request.verb === 'list')
        .slice(before)
        .map((request) => request.labelSelector),
      [`app=harbor,release=${release}`],
    );
  });

  it('publishes registry storage measured by df in the registry pod', async () => {
    const samples = await running.scrape();
    assert.equal(valueOf(samples, 'harbor_registry_storage_size_bytes'), 10475520 * 1024);
    assert.equal(valueOf(samples, 'harbor_registry_storage_used_bytes'), 2097152 * 1024);
    assert.equal(valueOf(samples, 'harbor_registry_storage_available_bytes'), 8378368 * 1024);
    assert.equal(
      valueOf(samples, 'harbor_registry_storage_info', { driver: 'filesystem', directory: '/storage' }),
      1,
    );
  });

  it('picks up a rotated password without a restart', async () => {
    const exporter = running.exporter;
    const secretReads = () =>
      fake.requests.filter((request) => request.resource === 'secrets' && request.name === 'harbor-core')
        .length;
    const readsBefore = secretReads();
    await db.admin.query(`ALTER ROLE ${ROLE} PASSWORD 'second-password'`);
    chart('second-password');
    // Sessions already open survive a password change; new ones are what must use the new password.
    await db.admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [ROLE]);

    let sawFailure = false;
    const samples = await refreshUntil(running, (current) => {
      if (valueOf(current, 'harbor_database_up') === 0) sawFailure = true;
      return sawFailure && valueOf(current, 'harbor_database_up') === 1;
    });
    assert.ok(sawFailure, 'the old password should have been refused once');
    assert.equal(valueOf(samples, 'harbor_database_up'), 1);
    assert.ok(secretReads() > readsBefore, 'the Secret was read again');
    assert.equal(running.exporter, exporter);
    const projects = await db.admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM project WHERE NOT deleted`,
    );
    assert.equal(
      samplesOf(samples, 'harbor_projects').reduce((total, sample) => total + sample.value, 0),
      projects.rows[0]!.n,
    );
  });

  it('sent the API server only requests of the list of API calls', () => {
    assert.deepEqual(unlistedRequests(fake, { namespace, release, fullname: 'harbor' }), []);
    assert.ok(fake.requests.length > 0);
  });
});

describe("the API source given Harbor's URL and admin password by discovery", () => {
  it('calls EXT_ENDPOINT with the admin credentials when reading them is allowed', async () => {
    const seen: { path: string; headers: IncomingHttpHeaders }[] = [];
    const harbor = createServer((request, response) => {
      seen.push({ path: request.url ?? '', headers: request.headers });
      response
        .writeHead(401, { 'content-type': 'application/json' })
        .end('{"errors":[{"code":"UNAUTHORIZED"}]}');
    });
    await new Promise<void>((resolve) => harbor.listen(0, '127.0.0.1', resolve));
    const fake = await FakeKubernetes.start();
    try {
      installHarborChart(fake, {
        namespace,
        release,
        database: { host: '127.0.0.1', port: 1, user: 'postgres', name: 'registry', password: 'unused' },
        externalUrl: `http://127.0.0.1:${(harbor.address() as AddressInfo).port}`,
        adminPassword: 'Admin-Pw-9',
      });
      const onlyApi = [...databaseCollectors, ...kubernetesCollectors, ...storageCollectors].map(
        (collector) => `--no-collector.${collector.name}`,
      );
      const config = testConfig([
        '--kubernetes.enabled',
        `--kubernetes.namespace=${namespace}`,
        '--kubernetes.read-admin-password',
        '--refresh.interval=1h',
        ...onlyApi,
      ]);
      const bindings = buildSources(config, silentLogger, {
        kubernetes: { kubeConfig: fake.kubeConfig(), inCluster: false },
      });
      assert.deepEqual(
        bindings.map((binding) => binding.source.name),
        ['api'],
      );
      const running = await startTestExporter(config, bindings);
      try {
        await running.refreshAll();
        assert.equal(valueOf(await running.scrape(), 'harbor_api_up'), 0);
      } finally {
        await running.stop();
      }
      assert.ok(seen.length > 0, 'the API source called the discovered URL');
      assert.match(seen[0]!.path, /^\/api\/v2\.0\//);
      assert.equal(
        seen[0]!.headers.authorization,
        `Basic ${Buffer.from('admin:Admin-Pw-9').toString('base64')}`,
      );
    } finally {
      await fake.close();
      await new Promise((resolve) => harbor.close(resolve));
    }
  });
});
