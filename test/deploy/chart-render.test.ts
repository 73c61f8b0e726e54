import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { stringify } from 'yaml';
import { Pod, Service, ServiceAccount } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import {
  PodMonitor,
  PrometheusRule,
  ServiceMonitor,
} from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { settings } from '../../src/config/settings.js';
import { roleRules } from '../../src/sources/kubernetes/api-calls.js';
import { chartDir, ChartRenderer, schemaProblems, mergeValues, type RenderedObject } from './helm-chart.js';
import { isRecord, readRepoFile, readYaml, repoRoot } from './repo-files.js';

/** The schema of every kind the chart may render, from the Kubernetes and prometheus-operator API definitions. */
const models: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Pod': Pod,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'monitoring.coreos.com/v1/PodMonitor': PodMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};

const secret = (name: string, key?: string) => ({ name, ...(key ? { key } : {}) });

/** Every optional part of the chart switched on, with a value for every kind of setting. */
const everythingOn = {
  image: { digest: `sha256:${'a1'.repeat(32)}` },
  nodeOptions: '--max-old-space-size=320',
  extraArgs: ['--log.level=debug'],
  extraEnv: [{ name: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: 'http/protobuf' }],
  envFrom: [{ secretRef: { name: 'exporter-env' } }, { configMapRef: { name: 'exporter-settings' } }],
  extraVolumes: [{ name: 'extra', emptyDir: {} }],
  extraVolumeMounts: [{ name: 'extra', mountPath: '/extra' }],
  podAnnotations: { 'example.com/team': 'registry' },
  podLabels: { team: 'registry' },
  priorityClassName: 'monitoring',
  nodeSelector: { 'kubernetes.io/os': 'linux' },
  tolerations: [{ key: 'monitoring', operator: 'Exists', effect: 'NoSchedule' }],
  topologySpreadConstraints: [
    { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' },
  ],
  kubernetes: { namespace: 'registry', release: 'hub', readAdminPassword: true },
  database: {
    sslmode: 'verify-full',
    maxConnections: 2,
    statementTimeout: '20s',
    passwordSecret: secret('exporter-db'),
    caSecret: secret('db-ca'),
  },
  harbor: {
    url: 'https://harbor.example.com',
    username: 'robot$exporter',
    passwordSecret: secret('exporter-robot', 'secret'),
    caSecret: secret('harbor-ca'),
    requestTimeout: '15s',
  },
  web: { telemetryPath: '/metrics', configSecret: secret('exporter-web-config') },
  log: { level: 'info', format: 'logfmt' },
  refresh: { interval: '30s', timeout: '25s', keepStaleFor: '5m' },
  projects: { include: ['team-*'], exclude: ['scratch'] },
  tags: { top: 20 },
  compat: ['seed'],
  collectors: { tags: true },
  otlp: { endpoint: 'http://collector:4318/v1/metrics', headersSecret: secret('otlp-headers') },
  resourceAttributes: { 'deployment.environment': 'production' },
  service: { annotations: { 'example.com/scrape': 'no' }, labels: { tier: 'monitoring' } },
  serviceMonitor: {
    enabled: true,
    namespace: 'monitoring',
    labels: { release: 'kube-prometheus-stack' },
    honorLabels: true,
    jobLabel: 'app.kubernetes.io/name',
    targetLabels: ['tier'],
    relabelings: [{ sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node' }],
    metricRelabelings: [{ sourceLabels: ['__name__'], regex: 'harbor_tag_.*', action: 'drop' }],
    scheme: 'https',
    tlsConfig: { ca: { secret: { name: 'exporter-tls', key: 'ca.crt' } }, serverName: 'harbor-exporter' },
    basicAuth: {
      username: { name: 'exporter-scrape', key: 'username' },
      password: { name: 'exporter-scrape', key: 'password' },
    },
  },
  podMonitor: { enabled: true, labels: { release: 'kube-prometheus-stack' } },
  prometheusRule: { enabled: true, labels: { release: 'kube-prometheus-stack' } },
  networkPolicy: {
    enabled: true,
    ingressFrom: [
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
      },
    ],
    egress: [
      {
        ports: [
          { port: 5432, protocol: 'TCP' },
          { port: 443, protocol: 'TCP' },
        ],
      },
    ],
  },
  tests: { basicAuthSecret: { name: 'exporter-scrape' } },
};

const allSecrets = {
  database: { passwordSecret: secret('exporter-db'), caSecret: secret('db-ca') },
  harbor: {
    url: 'https://harbor.example.com',
    username: 'robot$exporter',
    passwordSecret: secret('exporter-robot'),
    caSecret: secret('harbor-ca'),
  },
  otlp: { endpoint: 'http://collector:4318/v1/metrics', headersSecret: secret('otlp-headers') },
};

const valueSets: Record<string, unknown> = {
  defaults: {},
  'everything on': everythingOn,
  'secrets as files': { ...allSecrets, secretsAs: 'file' },
  'secrets as environment variables': { ...allSecrets, secretsAs: 'env' },
  'database URL from a Secret': { database: { urlSecret: secret('exporter-db-url') } },
  'without Kubernetes': {
    kubernetes: { enabled: false },
    database: {
      host: 'postgres.example.com',
      user: 'harbor_exporter',
      passwordSecret: secret('exporter-db'),
    },
    harbor: { url: 'https://harbor.example.com', passwordSecret: secret('exporter-robot') },
    tests: { enabled: false },
  },
};

function only(objects: RenderedObject[], kind: string): RenderedObject {
  const found = objects.filter((object) => object.kind === kind);
  assert.equal(found.length, 1, `${found.length} objects of kind ${kind}`);
  return found[0]!;
}

function get(object: unknown, path: string): unknown {
  let node = object;
  for (const part of path.split('.')) {
    if (Array.isArray(node)) node = node[Number(part)];
    else if (isRecord(node)) node = node[part];
    else return undefined;
  }
  return node;
}

interface Container {
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: unknown[];
  volumeMounts?: { name: string; mountPath: string }[];
  image: string;
}
interface Volume {
  name: string;
  secret?: { secretName: string; items: { key: string; path: string }[] };
}

function exporterContainer(objects: RenderedObject[]): { container: Container; volumes: Volume[] } {
  const deployment = only(objects, 'Deployment');
  return {
    container: get(deployment, 'spec.template.spec.containers.0') as Container,
    volumes: get(deployment, 'spec.template.spec.volumes') as Volume[],
  };
}

function findPromtool(t: TestContext): boolean {
  if (spawnSync('promtool', ['--version']).status === 0) return true;
  if (process.env.CI) assert.fail('promtool is not installed (apt-get install prometheus)');
  t.skip('promtool is not installed');
  return false;
}

describe('Helm chart rendered by a Go template engine with sprig', () => {
  let renderer: ChartRenderer | undefined;
  let unavailable = '';
  const scratch = mkdtempSync(join(tmpdir(), 'harbor-exporter-chart-test-'));

  before(() => {
    const built = ChartRenderer.build();
    if (typeof built === 'string') unavailable = built;
    else renderer = built;
  });
  after(() => {
    renderer?.remove();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** The renderer, or a skip (a failure in CI, where .ci/run installs Go and sprig). */
  function chart(t: TestContext): ChartRenderer | undefined {
    if (renderer) return renderer;
    if (process.env.CI) assert.fail(unavailable);
    t.skip(
      `${unavailable.split('\n')[0]} (apt-get install golang-go golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev)`,
    );
    return undefined;
  }

  for (const [name, overrides] of Object.entries(valueSets)) {
    it(`renders objects that the Kubernetes and prometheus-operator schemas accept: ${name}`, (t) => {
      const rendered = chart(t)?.render(overrides);
      if (!rendered) return;
      assert.ok(rendered.objects.length >= 3, `only ${rendered.objects.length} objects`);
      for (const object of rendered.objects) {
        const model = models[`${object.apiVersion}/${object.kind}`];
        assert.ok(model, `${object.template}: no schema for ${object.apiVersion} ${object.kind}`);
        const { template, ...manifest } = object;
        assert.doesNotThrow(() => new model(manifest as never).validate(), `${template} (${object.kind})`);
        assert.match(object.metadata.name, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, `${template}: name`);
        assert.ok(object.metadata.name.length <= 63, `${template}: name longer than 63`);
      }
      assert.match(rendered.notes, /is deployed as/);
    });
  }

  it('renders every template at least once across the value sets', (t) => {
    const r = chart(t);
    if (!r) return;
    const seen = new Set(
      Object.values(valueSets).flatMap((values) => r.render(values).objects.map((o) => o.template)),
    );
    const kinds = new Set(
      Object.values(valueSets).flatMap((values) => r.render(values).objects.map((o) => o.kind)),
    );
    for (const kind of Object.keys(models))
      assert.ok(kinds.has(kind.split('/').at(-1)!), `${kind} never rendered`);
    assert.ok(seen.has('templates/tests/test-metrics.yaml'));
  });

  it('rejects a typo or a wrong type in the values (values.schema.json)', (t) => {
    const r = chart(t);
    if (!r) return;
    const bad: [unknown, RegExp][] = [
      [
        { serviceMonitor: { enabeld: true } },
        /\/serviceMonitor must NOT have additional properties \(enabeld\)/,
      ],
      [{ replicas: 2 }, /must NOT have additional properties \(replicas\)/],
      [{ database: { sslmode: 'verify' } }, /\/database\/sslmode must be equal to one of the allowed values/],
      [{ secretsAs: 'files' }, /\/secretsAs/],
      [{ containerPort: '9868' }, /\/containerPort must be integer/],
      [{ refresh: { interval: '30 seconds' } }, /\/refresh\/interval must match pattern/],
      [{ image: { digest: 'latest' } }, /\/image\/digest must match pattern/],
    ];
    for (const [values, message] of bad)
      assert.throws(() => r.render(values), message, JSON.stringify(values));
  });

  it('declares in values.schema.json every value of values.yaml, and the compat sets the exporter knows', () => {
    assert.deepEqual(schemaProblems(readYaml(`${chartDir}/values.yaml`)), []);
    const schema = JSON.parse(readRepoFile(`${chartDir}/values.schema.json`)) as unknown;
    const compat = settings.find((spec) => spec.key === 'compat')!;
    assert.deepEqual(get(schema, 'properties.compat.items.enum'), compat.choices);
    // Values merged the way Helm merges them: null removes a default.
    assert.deepEqual(mergeValues({ a: { b: 1, c: 2 } }, { a: { c: null, d: 3 } }), { a: { b: 1, d: 3 } });
  });

  it('names Harbor Secrets in the Role only when discovery needs them', (t) => {
    const r = chart(t);
    if (!r) return;
    const release = { namespace: 'harbor', release: 'harbor', fullname: 'harbor' };
    const rules = (values: unknown) =>
      get(only(r.render(values).objects, 'Role'), 'rules') as {
        resources: string[];
        resourceNames?: string[];
      }[];
    assert.deepEqual(rules({}), roleRules(release));
    const secretRules = (values: unknown) =>
      rules(values).filter((rule) => rule.resources.includes('secrets'));
    assert.deepEqual(secretRules({ database: { passwordSecret: secret('exporter-db') } }), []);
    assert.deepEqual(secretRules({ database: { urlSecret: secret('exporter-db-url') } }), []);
    assert.deepEqual(
      secretRules({
        database: { passwordSecret: secret('exporter-db') },
        kubernetes: { readAdminPassword: true },
      }).map((rule) => rule.resourceNames),
      [['harbor-core']],
    );
    assert.deepEqual(
      r.render({ kubernetes: { enabled: false } }).objects.filter((object) => object.kind.startsWith('Role')),
      [],
    );
  });

  it('mounts every secret file it names, and sets secretKeyRefs instead in env mode', (t) => {
    const r = chart(t);
    if (!r) return;
    const files = exporterContainer(r.render(valueSets['secrets as files']).objects);
    const fileEnv = files.container.env!.filter((variable) => variable.name.endsWith('_FILE'));
    assert.equal(fileEnv.length, 5);
    for (const variable of fileEnv) {
      const mount = files.container.volumeMounts!.find((m) => variable.value!.startsWith(`${m.mountPath}/`));
      assert.ok(mount, `${variable.name}=${variable.value} lies under no mount`);
      const volume = files.volumes.find((v) => v.name === mount.name)!;
      assert.equal(`${mount.mountPath}/${volume.secret!.items[0]!.path}`, variable.value);
    }
    const env = exporterContainer(r.render(valueSets['secrets as environment variables']).objects);
    const refs = env.container.env!.filter((variable) => variable.valueFrom?.secretKeyRef);
    assert.deepEqual(refs.map((variable) => variable.name).sort(), [
      'HARBOR_EXPORTER_DATABASE_PASSWORD',
      'HARBOR_EXPORTER_HARBOR_PASSWORD',
      'HARBOR_EXPORTER_OTLP_HEADERS',
    ]);
    // CA bundles stay files in either mode.
    assert.equal(env.volumes.filter((volume) => volume.secret).length, 2);
  });

  it('passes the web configuration, extra flags, NODE_OPTIONS, envFrom and the image digest to the container', (t) => {
    const r = chart(t);
    if (!r) return;
    const { objects } = r.render(everythingOn);
    const { container, volumes } = exporterContainer(objects);
    assert.deepEqual(container.args, [
      '--web.config.file=/etc/harbor-exporter/web-config/web-config.yml',
      '--log.level=debug',
    ]);
    assert.ok(
      container.volumeMounts!.some(
        (m) => m.name === 'web-config' && m.mountPath === '/etc/harbor-exporter/web-config',
      ),
    );
    assert.equal(volumes.find((v) => v.name === 'web-config')?.secret?.secretName, 'exporter-web-config');
    assert.equal(
      container.env!.find((variable) => variable.name === 'NODE_OPTIONS')?.value,
      '--max-old-space-size=320',
    );
    assert.deepEqual(container.envFrom, everythingOn.envFrom);
    assert.equal(container.image, `harbor-exporter:0.1.0@${everythingOn.image.digest}`);
    const deployment = only(objects, 'Deployment');
    assert.deepEqual(
      get(deployment, 'spec.template.spec.topologySpreadConstraints'),
      everythingOn.topologySpreadConstraints,
    );
    assert.deepEqual(get(deployment, 'spec.template.metadata.annotations'), everythingOn.podAnnotations);
    assert.equal(get(deployment, 'spec.template.spec.containers.0.startupProbe.httpGet.path'), '/healthz');
    // Defaults: no args at all, the image's entrypoint flags alone.
    assert.equal(exporterContainer(r.render({}).objects).container.args, undefined);
  });

  it('scrapes with the same endpoint settings from the ServiceMonitor and the PodMonitor', (t) => {
    const r = chart(t);
    if (!r) return;
    const { objects } = r.render(everythingOn);
    const serviceMonitor = only(objects, 'ServiceMonitor');
    const podMonitor = only(objects, 'PodMonitor');
    const endpoint = get(serviceMonitor, 'spec.endpoints.0') as Record<string, unknown>;
    assert.deepEqual(get(podMonitor, 'spec.podMetricsEndpoints.0'), endpoint);
    const monitor: Record<string, unknown> = { ...everythingOn.serviceMonitor, interval: '30s' };
    assert.equal(serviceMonitor.metadata.namespace, 'monitoring');
    assert.equal(podMonitor.metadata.namespace, 'harbor');
    assert.deepEqual(get(serviceMonitor, 'spec.namespaceSelector.matchNames'), ['harbor']);
    assert.deepEqual(get(serviceMonitor, 'spec.targetLabels'), monitor.targetLabels);
    assert.equal(get(serviceMonitor, 'spec.jobLabel'), monitor.jobLabel);
    for (const key of [
      'scheme',
      'honorLabels',
      'tlsConfig',
      'basicAuth',
      'relabelings',
      'metricRelabelings',
      'interval',
    ] as const)
      assert.deepEqual(endpoint[key], monitor[key], key);
    assert.equal(endpoint.port, 'metrics');
  });

  it('admits scrapes only on the metrics port when the NetworkPolicy is on', (t) => {
    const r = chart(t);
    if (!r) return;
    const policy = only(r.render(everythingOn).objects, 'NetworkPolicy');
    assert.deepEqual(get(policy, 'spec.policyTypes'), ['Ingress', 'Egress']);
    assert.deepEqual(get(policy, 'spec.ingress.0.ports'), [{ port: 'metrics', protocol: 'TCP' }]);
    assert.deepEqual(get(policy, 'spec.ingress.0.from'), everythingOn.networkPolicy.ingressFrom);
    assert.deepEqual(
      get(policy, 'spec.podSelector.matchLabels'),
      get(only(r.render(everythingOn).objects, 'Deployment'), 'spec.selector.matchLabels'),
    );
  });

  it('has a helm test pod that scrapes the Service with the scheme and credentials of the endpoint', (t) => {
    const r = chart(t);
    if (!r) return;
    const pod = only(r.render(everythingOn).objects, 'Pod');
    assert.equal(pod.metadata.annotations?.['helm.sh/hook'], 'test');
    const env = get(pod, 'spec.containers.0.env') as NonNullable<Container['env']>;
    assert.equal(
      env.find((variable) => variable.name === 'SCRAPE_URL')?.value,
      'https://hub-harbor-exporter:9868/metrics',
    );
    assert.equal(
      env.find((variable) => variable.name === 'SCRAPE_USERNAME')?.valueFrom?.secretKeyRef?.name,
      'exporter-scrape',
    );
    // The script the pod runs is valid JavaScript for Node's ES module loader.
    const script = (get(pod, 'spec.containers.0.command') as string[]).at(-1)!;
    const file = join(scratch, 'test-metrics.mjs');
    writeFileSync(file, script);
    const check = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
  });

  it('renders a PrometheusRule whose rules promtool accepts, equal to alerts/', (t) => {
    const r = chart(t);
    if (!r || !findPromtool(t)) return;
    const rule = only(r.render({ prometheusRule: { enabled: true } }).objects, 'PrometheusRule');
    assert.deepEqual(rule.spec, readYaml('alerts/harbor-exporter.rules.yaml'));
    const file = join(scratch, 'prometheusrule.rules.yaml');
    writeFileSync(file, stringify(rule.spec));
    const result = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
    // Runbooks pointed at a copy of one's own, anchors kept.
    const base = 'https://wiki.example.com/harbor/runbooks';
    const moved = only(
      r.render({ prometheusRule: { enabled: true, runbookBaseUrl: base } }).objects,
      'PrometheusRule',
    );
    const urls = JSON.stringify(moved.spec).match(/"runbook_url":"[^"]*"/g) ?? [];
    assert.ok(urls.length >= 20);
    for (const url of urls)
      assert.match(url, /^"runbook_url":"https:\/\/wiki\.example\.com\/harbor\/runbooks#[a-z]+"$/);
  });
});

describe('chart README', () => {
  it('has the values table that readme-generator makes from the annotated values.yaml', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'harbor-exporter-readme-'));
    try {
      const readme = join(scratch, 'README.md');
      copyFileSync(join(repoRoot, chartDir, 'README.md'), readme);
      const result = spawnSync(
        process.execPath,
        [
          join(repoRoot, 'node_modules/@bitnami/readme-generator-for-helm/bin/index.js'),
          '-v',
          join(repoRoot, chartDir, 'values.yaml'),
          '-r',
          readme,
        ],
        { encoding: 'utf8' },
      );
      assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
      // Missing metadata is reported but not an error exit in every version: fail on it here.
      assert.doesNotMatch(result.stdout + result.stderr, /ERROR|Missing metadata for key/);
      assert.equal(
        readFileSync(readme, 'utf8').trimEnd(),
        readRepoFile(`${chartDir}/README.md`).trimEnd(),
        `the values table is stale: npx readme-generator -v ${chartDir}/values.yaml -r ${chartDir}/README.md && npx prettier --write ${chartDir}/README.md`,
      );
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
