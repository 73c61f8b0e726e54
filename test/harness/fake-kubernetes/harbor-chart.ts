import type { FakeKubernetes } from './server.js';

/** A Harbor release as goharbor/harbor-helm leaves it in a namespace (only what the exporter reads). */
export interface HarborChartOptions {
  namespace: string;
  release: string;
  /** Defaults as the chart computes it. */
  fullname?: string;
  database: { host: string; port: number; user: string; name: string; password: string; sslmode?: string };
  /** database.external.existingSecret: the password moves out of the core Secret into this Secret's `password`. */
  externalDatabaseSecret?: string;
  externalUrl?: string;
  adminPassword?: string;
  /** `filesystem` with a root directory, or an object store driver name. */
  storage?: { filesystem: string } | { objectStore: 's3' | 'azure' | 'gcs' | 'swift' | 'oss' };
}

export function chartFullname(release: string): string {
  return release.includes('harbor') ? release : `${release}-harbor`;
}

/** Stores the ConfigMaps and Secrets of a release in the fake, shaped and named like the chart's. */
export function installHarborChart(fake: FakeKubernetes, options: HarborChartOptions): string {
  const { namespace, database } = options;
  const fullname = options.fullname ?? chartFullname(options.release);
  fake.setConfigMap(namespace, `${fullname}-core`, {
    'app.conf': 'appname = Harbor\nrunmode = prod\n',
    PORT: '8080',
    DATABASE_TYPE: 'postgresql',
    POSTGRESQL_HOST: database.host,
    POSTGRESQL_PORT: String(database.port),
    POSTGRESQL_USERNAME: database.user,
    POSTGRESQL_DATABASE: database.name,
    POSTGRESQL_SSLMODE: database.sslmode ?? 'disable',
    POSTGRESQL_MAX_IDLE_CONNS: '100',
    POSTGRESQL_MAX_OPEN_CONNS: '900',
    EXT_ENDPOINT: options.externalUrl ?? 'https://harbor.example.com',
    CORE_URL: `http://${fullname}-core:80`,
    JOBSERVICE_URL: `http://${fullname}-jobservice`,
    REGISTRY_URL: `http://${fullname}-registry:5000`,
    REGISTRY_STORAGE_PROVIDER_NAME:
      'storage' in options && options.storage && 'objectStore' in options.storage
        ? options.storage.objectStore
        : 'filesystem',
  });
  const coreSecret: Record<string, string> = {
    secretKey: 'not-a-secret-key',
    secret: 'core-secret',
    HARBOR_ADMIN_PASSWORD: options.adminPassword ?? 'Harbor12345',
    REGISTRY_CREDENTIAL_PASSWORD: 'registry-password',
    CSRF_KEY: 'csrf-key-csrf-key-csrf-key-csrf-k',
  };
  if (options.externalDatabaseSecret) {
    fake.setSecret(namespace, options.externalDatabaseSecret, { password: database.password });
  } else {
    coreSecret.POSTGRESQL_PASSWORD = database.password;
  }
  fake.setSecret(namespace, `${fullname}-core`, coreSecret);
  fake.setConfigMap(namespace, `${fullname}-registry`, {
    'config.yml': registryConfigYaml(fullname, options.storage ?? { filesystem: '/storage' }),
    'ctl-config.yml': '---\nprotocol: "http"\nport: 8080\nlog_level: info\n',
  });
  return fullname;
}

/** The registry's config.yml as the chart renders it, for filesystem or an object store. */
export function registryConfigYaml(
  fullname: string,
  storage: NonNullable<HarborChartOptions['storage']>,
): string {
  const driver =
    'filesystem' in storage
      ? `  filesystem:\n    rootdirectory: ${storage.filesystem}\n`
      : `  ${storage.objectStore}:\n    region: us-east-1\n    bucket: harbor-blobs\n`;
  return `version: 0.1
log:
  level: info
  fields:
    service: registry
storage:
${driver}  cache:
    layerinfo: redis
  maintenance:
    uploadpurging:
      enabled: false
  delete:
    enabled: true
  redirect:
    disable: false
redis:
  addr: "${fullname}-redis:6379"
  db: 2
http:
  relativeurls: false
  addr: :5000
  debug:
    addr: localhost:5001
auth:
  token:
    issuer: harbor-token-issuer
    realm: "https://harbor.example.com/service/token"
    rootcertbundle: /etc/registry/root.crt
    service: harbor-registry
validation:
  disabled: true
notifications:
  endpoints:
    - name: harbor
      disabled: false
      url: http://${fullname}-core/service/notifications
`;
}

export interface PodOptions {
  namespace: string;
  release: string;
  component: string;
  name: string;
  /** Ready condition; defaults to true for a Running pod. */
  ready?: boolean;
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  terminating?: boolean;
  /** Restart count of each container, by container name; the component name when omitted. */
  restarts?: Record<string, number>;
  /** Environment of the first container, as the chart writes it. */
  env?: Record<string, unknown>[];
}

/** A pod with the chart's labels (app=harbor, release, component) and the status fields the exporter reads. */
export function harborPod(options: PodOptions): Record<string, unknown> {
  const phase = options.phase ?? 'Running';
  const ready = options.ready ?? phase === 'Running';
  const restarts = options.restarts ?? { [options.component]: 0 };
  const containers = Object.keys(restarts);
  return {
    metadata: {
      name: options.name,
      namespace: options.namespace,
      labels: { app: 'harbor', release: options.release, component: options.component, heritage: 'Helm' },
      ...(options.terminating ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}),
    },
    spec: {
      containers: containers.map((name, index) => ({
        name,
        image: `goharbor/harbor-${name}:v2.15.2`,
        ...(index === 0 && options.env ? { env: options.env } : {}),
      })),
    },
    status: {
      phase,
      conditions: [
        { type: 'PodScheduled', status: 'True' },
        { type: 'Ready', status: ready ? 'True' : 'False' },
      ],
      containerStatuses: containers.map((name) => ({
        name,
        ready,
        restartCount: restarts[name],
        image: `goharbor/harbor-${name}:v2.15.2`,
        imageID: '',
      })),
    },
  };
}

/** The core pod's env entry through which the chart passes an external database's existingSecret. */
export function existingSecretEnv(secret: string): Record<string, unknown> {
  return { name: 'POSTGRESQL_PASSWORD', valueFrom: { secretKeyRef: { name: secret, key: 'password' } } };
}
