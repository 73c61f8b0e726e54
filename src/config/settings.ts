/**
 * Every setting the exporter accepts, in one table. Flags, environment variables, the YAML file, `--help` and
 * `--print-config` are all derived from it.
 */
export type SettingType = 'string' | 'int' | 'bool' | 'duration' | 'enum' | 'list' | 'url';

export interface SettingSpec {
  /** Dotted key: flag `--<key>`, env `HARBOR_EXPORTER_<KEY>`, YAML path `a: { b: ... }`. */
  key: string;
  type: SettingType;
  help: string;
  default?: string;
  choices?: readonly string[];
  min?: number;
  max?: number;
  /** Never logged or printed; also accepted from `<key>-file`. */
  secret?: boolean;
  /** Standard variables read when HARBOR_EXPORTER_<KEY> is not set (e.g. OTEL_EXPORTER_OTLP_*). */
  envAliases?: readonly string[];
}

export const settings: readonly SettingSpec[] = [
  { key: 'config.file', type: 'string', help: 'YAML file with settings; flags and environment override it.' },
  { key: 'web.listen-address', type: 'string', default: ':9868', help: 'Address to serve /metrics on.' },
  {
    key: 'web.telemetry-path',
    type: 'string',
    default: '/metrics',
    help: 'Path of the Prometheus endpoint.',
  },
  {
    key: 'log.level',
    type: 'enum',
    default: 'info',
    choices: ['debug', 'info', 'warn', 'error'],
    help: 'Lowest level logged.',
  },
  {
    key: 'log.format',
    type: 'enum',
    default: 'logfmt',
    choices: ['logfmt', 'json'],
    help: 'Log line format.',
  },
  {
    key: 'refresh.interval',
    type: 'duration',
    default: '30s',
    min: 1000,
    help: 'How often each source refreshes in the background.',
  },
  {
    key: 'refresh.timeout',
    type: 'duration',
    default: '25s',
    min: 100,
    help: 'Longest a refresh of one source may take before it counts as failed.',
  },
  {
    key: 'refresh.keep-stale-for',
    type: 'duration',
    default: '5m',
    help: "How long a failed collector's last good values stay published before they are dropped.",
  },
  {
    key: 'database.url',
    type: 'url',
    secret: true,
    help: "Harbor's PostgreSQL as a URL (postgres://user:pass@host:5432/registry?sslmode=...); overrides the discrete settings.",
  },
  {
    key: 'database.host',
    type: 'string',
    help: "Host of Harbor's PostgreSQL. The database source is off unless a host or URL is set (or found in Kubernetes).",
  },
  { key: 'database.port', type: 'int', default: '5432', min: 1, max: 65535, help: 'Port of the database.' },
  {
    key: 'database.user',
    type: 'string',
    default: 'postgres',
    help: 'Database user; a read-only role is recommended.',
  },
  { key: 'database.password', type: 'string', secret: true, help: 'Database password.' },
  { key: 'database.name', type: 'string', default: 'registry', help: "Name of Harbor's database." },
  {
    key: 'database.sslmode',
    type: 'enum',
    default: 'disable',
    choices: ['disable', 'require', 'verify-ca', 'verify-full'],
    help: 'TLS to the database, as libpq names it.',
  },
  { key: 'database.ca-file', type: 'string', help: 'CA bundle for verify-ca and verify-full.' },
  {
    key: 'database.max-connections',
    type: 'int',
    default: '2',
    min: 1,
    max: 5,
    help: "Connections the exporter may hold; each is taken from Harbor's own budget.",
  },
  {
    key: 'database.statement-timeout',
    type: 'duration',
    default: '10s',
    min: 100,
    help: 'Server-side limit on any one statement.',
  },
  {
    key: 'database.idle-session-timeout',
    type: 'duration',
    default: '60s',
    min: 1000,
    help:
      'The server ends an exporter session idle this long (PostgreSQL 14+): a connection whose client vanished ' +
      'without closing it (node lost, network cut) is gone from pg_stat_activity at most statement-timeout + ' +
      'idle-session-timeout after its last statement (70 s by default). The exporter closes idle connections ' +
      'itself after half this time.',
  },
  {
    key: 'database.prepared-statements',
    type: 'bool',
    default: 'true',
    help:
      "Name the exporter's statements so that PostgreSQL parses and plans each once per connection instead of at " +
      'every refresh. Turn off behind a pooler in transaction mode that cannot keep them (PgBouncer before 1.21).',
  },
  {
    key: 'database.connect-timeout',
    type: 'duration',
    default: '10s',
    min: 100,
    help: 'Longest wait for a new connection.',
  },
  {
    key: 'harbor.url',
    type: 'url',
    help: "Harbor's URL (https://harbor.example.com). The API source is off unless set (or found in Kubernetes).",
  },
  {
    key: 'harbor.username',
    type: 'string',
    help: 'API user; a system robot account (robot$name) with read access is recommended.',
  },
  { key: 'harbor.password', type: 'string', secret: true, help: 'API password or robot secret.' },
  { key: 'harbor.ca-file', type: 'string', help: "CA bundle that signed Harbor's certificate." },
  {
    key: 'harbor.insecure-skip-verify',
    type: 'bool',
    default: 'false',
    help: 'Accept any TLS certificate from Harbor (testing only).',
  },
  {
    key: 'harbor.request-timeout',
    type: 'duration',
    default: '10s',
    min: 100,
    help: 'Timeout of one API request.',
  },
  {
    key: 'harbor.max-concurrency',
    type: 'int',
    default: '4',
    min: 1,
    max: 32,
    help: 'API requests in flight at once.',
  },
  {
    key: 'kubernetes.enabled',
    type: 'bool',
    default: 'false',
    help: 'Use the Kubernetes API to find Harbor and watch its pods.',
  },
  {
    key: 'kubernetes.namespace',
    type: 'string',
    help: "Namespace of Harbor's Helm release (default: the exporter's own namespace).",
  },
  { key: 'kubernetes.release', type: 'string', default: 'harbor', help: 'Helm release name of Harbor.' },
  {
    key: 'kubernetes.fullname',
    type: 'string',
    help: "The chart's full name, when it differs from what the release name gives.",
  },
  {
    key: 'kubernetes.read-admin-password',
    type: 'bool',
    default: 'false',
    help: "Allow reading Harbor's admin password from the core Secret (a robot account is recommended instead).",
  },
  {
    key: 'storage.local-path',
    type: 'string',
    help: "Local directory holding the registry's storage (docker compose installs), measured with statfs.",
  },
  {
    key: 'projects.include',
    type: 'list',
    help: 'Comma-separated project name patterns (* wildcard) to publish; default all.',
  },
  {
    key: 'projects.exclude',
    type: 'list',
    help: 'Comma-separated project name patterns (* wildcard) to leave out.',
  },
  {
    key: 'tags.top',
    type: 'int',
    default: '20',
    min: 0,
    max: 10000,
    help: 'Tags per repository with their own series in the tags collector; the rest are summed.',
  },
  {
    key: 'compat',
    type: 'list',
    default: '',
    choices: ['seed', 'harbor'],
    help: "Also publish older exporters' names: seed (the Kubernetes fork), harbor (Harbor's built-in exporter).",
  },
  {
    key: 'otlp.endpoint',
    type: 'url',
    envAliases: ['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT'],
    help: 'OTLP/HTTP metrics endpoint; push is off unless set. OTEL_EXPORTER_OTLP_ENDPOINT gets /v1/metrics appended.',
  },
  {
    key: 'otlp.interval',
    type: 'duration',
    default: '60s',
    min: 1000,
    envAliases: ['OTEL_METRIC_EXPORT_INTERVAL'],
    help: 'Interval between OTLP pushes.',
  },
  {
    key: 'otlp.timeout',
    type: 'duration',
    default: '30s',
    min: 100,
    envAliases: ['OTEL_METRIC_EXPORT_TIMEOUT'],
    help: 'Timeout of one OTLP push.',
  },
  {
    key: 'otlp.headers',
    type: 'string',
    secret: true,
    envAliases: ['OTEL_EXPORTER_OTLP_METRICS_HEADERS', 'OTEL_EXPORTER_OTLP_HEADERS'],
    help: 'Extra headers as k=v,k2=v2 (e.g. authorization).',
  },
];

export function envName(key: string): string {
  return 'HARBOR_EXPORTER_' + key.toUpperCase().replace(/[.-]/g, '_');
}
