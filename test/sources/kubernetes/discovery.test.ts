import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { silentLogger } from '../../../src/log.js';
import { HarborInKubernetes } from '../../../src/sources/kubernetes/harbor-in-kubernetes.js';
import { harborRelease } from '../../../src/sources/kubernetes/release.js';
import { testConfig } from '../../harness/exporter.js';
import {
  existingSecretEnv,
  harborPod,
  installHarborChart,
  type HarborChartOptions,
} from '../../harness/fake-kubernetes/harbor-chart.js';
import { unlistedRequests } from '../../harness/fake-kubernetes/listed-calls.js';
import { FakeKubernetes } from '../../harness/fake-kubernetes/server.js';

const namespace = 'registry-system';
const database = {
  host: 'harbor-database',
  port: 5432,
  user: 'postgres',
  name: 'registry',
  password: 'chart-pw',
};

describe('discovery from the Helm release', () => {
  let fake: FakeKubernetes;

  before(async () => {
    fake = await FakeKubernetes.start();
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.configMaps.clear();
    fake.secrets.clear();
    fake.pods = [];
    fake.refusals = [];
    fake.requests.length = 0;
  });

  const install = (options: Partial<HarborChartOptions> = {}) =>
    installHarborChart(fake, { namespace, release: 'harbor', database, ...options });
  const discover = (flags: string[] = [], inCluster = false) => {
    const config = testConfig(['--kubernetes.enabled', `--kubernetes.namespace=${namespace}`, ...flags]);
    return new HarborInKubernetes(config, config.kubernetes!, silentLogger, {
      kubeConfig: fake.kubeConfig(),
      inCluster,
    });
  };
  const secretsRead = () =>
    fake.requests.filter((request) => request.resource === 'secrets').map((request) => request.name);

  it("takes the internal database's host (qualified with Harbor's namespace), user, name and password", async () => {
    install();
    const settings = await discover().databaseSettings.current();
    assert.equal(settings.host, `harbor-database.${namespace}.svc`);
    assert.equal(settings.port, 5432);
    assert.equal(settings.user, 'postgres');
    assert.equal(settings.database, 'registry');
    assert.equal(settings.password, 'chart-pw');
    assert.equal(settings.sslmode, 'disable');
    // Non-discovered settings keep their configured values.
    assert.equal(settings.maxConnections, 2);
  });

  it("reads an external database's existingSecret named by the core pod, and nothing else", async () => {
    install({
      database: { ...database, host: 'pg.example.net', user: 'harbor', sslmode: 'require' },
      externalDatabaseSecret: 'harbor-pguser-harbor',
    });
    fake.pods = [
      harborPod({
        namespace,
        release: 'harbor',
        component: 'core',
        name: 'harbor-core-1',
        env: [
          { name: 'CORE_SECRET', valueFrom: { secretKeyRef: { name: 'harbor-core', key: 'secret' } } },
          existingSecretEnv('harbor-pguser-harbor'),
        ],
      }),
    ];
    const settings = await discover().databaseSettings.current();
    assert.equal(settings.host, 'pg.example.net');
    assert.equal(settings.user, 'harbor');
    assert.equal(settings.sslmode, 'require');
    assert.equal(settings.password, 'chart-pw');
    assert.deepEqual(secretsRead(), ['harbor-pguser-harbor']);
    const release = { namespace, release: 'harbor', fullname: 'harbor' };
    assert.deepEqual(unlistedRequests(fake, release, 'harbor-pguser-harbor'), []);
  });

  it("falls back to the internal database's own Secret when core's has no password", async () => {
    install();
    const core = fake.secrets.get(`${namespace}/harbor-core`)!;
    delete core.POSTGRESQL_PASSWORD;
    fake.setSecret(namespace, 'harbor-database', { POSTGRES_PASSWORD: 'internal-pw' });
    const settings = await discover().databaseSettings.current();
    assert.equal(settings.password, 'internal-pw');
    assert.deepEqual(secretsRead(), ['harbor-core', 'harbor-database']);
  });

  it('lets explicit settings win: a host fixes the connection, a password needs no Secret', async () => {
    install();
    const settings = await discover([
      '--database.host=db.internal',
      '--database.user=postgres',
      '--database.password=explicit-pw',
    ]).databaseSettings.current();
    assert.equal(settings.host, 'db.internal');
    assert.equal(settings.password, 'explicit-pw');
    assert.deepEqual(fake.requests, []);

    const named = await discover([
      '--database.name=registry_copy',
      '--database.port=6432',
    ]).databaseSettings.current();
    assert.equal(named.database, 'registry_copy');
    assert.equal(named.port, 6432);
    assert.equal(named.host, `harbor-database.${namespace}.svc`);
    assert.equal(named.password, 'chart-pw');
  });

  it("never hands Harbor's password to another user", async () => {
    install();
    await assert.rejects(
      discover(['--database.user=harbor_exporter']).databaseSettings.current(),
      /no password for database user harbor_exporter: set database.password/,
    );
    const settings = await discover([
      '--database.user=harbor_exporter',
      '--database.password=reader-pw',
    ]).databaseSettings.current();
    assert.equal(settings.user, 'harbor_exporter');
    assert.equal(settings.password, 'reader-pw');
  });

  it('reads the Secrets again after the database rejected the password', async () => {
    install();
    const discovery = discover();
    assert.equal((await discovery.databaseSettings.current()).password, 'chart-pw');
    install({ database: { ...database, password: 'rotated-pw' } });
    assert.equal((await discovery.databaseSettings.current()).password, 'chart-pw', 'cached until rejected');
    discovery.databaseSettings.rejected();
    assert.equal((await discovery.databaseSettings.current()).password, 'rotated-pw');
  });

  it('retries discovery after a failure instead of keeping the error', async () => {
    install();
    fake.refusals = [{ status: 403, resource: 'secrets' }];
    const discovery = discover();
    await assert.rejects(discovery.databaseSettings.current(), /^Error: database discovery: .*answered 403/);
    fake.refusals = [];
    assert.equal((await discovery.databaseSettings.current()).password, 'chart-pw');
  });

  it('rejects an sslmode the exporter does not know', async () => {
    install({ database: { ...database, sslmode: 'prefer' } });
    await assert.rejects(discover().databaseSettings.current(), /POSTGRESQL_SSLMODE "prefer"/);
  });

  it('uses EXT_ENDPOINT outside the cluster and the core service inside, without the admin password', async () => {
    install({ externalUrl: 'https://harbor.example.com/' });
    const outside = await discover().harborApiSettings.current();
    assert.equal(outside.url, 'https://harbor.example.com');
    assert.equal(outside.username, undefined);
    assert.equal(outside.password, undefined);
    const inside = await discover([], true).harborApiSettings.current();
    assert.equal(inside.url, `http://harbor-core.${namespace}.svc`);
    assert.deepEqual(secretsRead(), []);
    const explicit = await discover(['--harbor.url=https://given.example.com']).harborApiSettings.current();
    assert.equal(explicit.url, 'https://given.example.com');
  });

  it('reads the admin password only when kubernetes.read-admin-password is set and no credentials are', async () => {
    install({ adminPassword: 'Admin-pw-1' });
    const admin = await discover(['--kubernetes.read-admin-password']).harborApiSettings.current();
    assert.equal(admin.username, 'admin');
    assert.equal(admin.password, 'Admin-pw-1');
    fake.requests.length = 0;
    const robot = await discover([
      '--kubernetes.read-admin-password',
      '--harbor.username=robot$exporter',
      '--harbor.password=robot-secret',
    ]).harborApiSettings.current();
    assert.equal(robot.username, 'robot$exporter');
    assert.equal(robot.password, 'robot-secret');
    assert.deepEqual(secretsRead(), []);
  });
});

describe('the release to read', () => {
  const kubeConfig = (namespace?: string) => {
    const config = new KubeConfig();
    config.loadFromOptions({
      clusters: [{ name: 'c', server: 'https://127.0.0.1:6443' }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'c', cluster: 'c', user: 'u', namespace }],
      currentContext: 'c',
    });
    return config;
  };
  const settings = (release: string, extra: { namespace?: string; fullname?: string } = {}) => ({
    release,
    readAdminPassword: false,
    ...extra,
  });

  it('derives the full name as the chart does', () => {
    assert.equal(harborRelease(settings('harbor'), kubeConfig()).fullname, 'harbor');
    assert.equal(harborRelease(settings('my-harbor-prod'), kubeConfig()).fullname, 'my-harbor-prod');
    assert.equal(harborRelease(settings('registry'), kubeConfig()).fullname, 'registry-harbor');
    assert.equal(harborRelease(settings('registry', { fullname: 'hb' }), kubeConfig()).fullname, 'hb');
  });

  it("takes the namespace set, else the context's (the service account's in a pod), else default", () => {
    assert.equal(harborRelease(settings('harbor', { namespace: 'set' }), kubeConfig('ctx')).namespace, 'set');
    assert.equal(harborRelease(settings('harbor'), kubeConfig('ctx')).namespace, 'ctx');
    assert.equal(harborRelease(settings('harbor'), kubeConfig()).namespace, 'default');
  });
});
