import { compatibilitySetNames, compatibilitySets } from '../catalog/types.js';

/**
 * Every setting the exporter accepts, in one table. Flags, environment variables, the YAML file, `--help` and
 * `--print-config` are all derived from it, and so is the type of each setting's value (SettingValueOf).
 */
export type SettingType = 'string' | 'int' | 'bool' | 'duration' | 'enum' | 'list' | 'url';

export interface SettingSpec {
  /** Dotted key: flag `--<key>`, env `HARBOR_EXPORTER_<KEY>`, YAML path `a: { b: ... }`. */
  key: string;
  type: SettingType;
  help: string;
  default?: string;
  choices?: readonly string[];
  /** Bounds of an int, or of a duration in milliseconds (a duration is never above MAX_TIMER_MS). */
  min?: number;
  max?: number;
  /** Never logged or printed; also accepted from `<key>-file`. */
  secret?: boolean;
  /** Standard variables read when HARBOR_EXPORTER_<KEY> is not set (e.g. OTEL_EXPORTER_OTLP_*). */
  envAliases?: readonly string[];
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const table = [
  { key: 'config.file', type: 'string', help: 'YAML file with settings; flags and environment override it.' },
  {
    key: 'web.listen-address',
    type: 'string',
    default: ':9868',
    help:
      'Address to serve /metrics on: every interface by default, since Prometheus scrapes from another host; ' +
      '127.0.0.1:9868 (or [::1]:9868, or one address of the host) binds one interface. The demo binds 127.0.0.1 ' +
      'unless this is given.',
  },
  {
    key: 'web.telemetry-path',
    type: 'string',
    default: '/metrics',
    help: 'Path of the Prometheus endpoint; not /, /healthz or /readyz.',
  },
  {
    key: 'web.config.file',
    type: 'string',
    help:
      "Web configuration in the Prometheus exporters' format (TLS, client certificates, basic auth with bcrypt " +
      'hashes, response headers); read again whenever it or a file it names changes.',
  },
  {
    key: 'web.max-connections',
    type: 'int',
    default: '128',
    min: 1,
    max: 65535,
    help:
      'Connections open at once; past it the connection idle or stalled longest (a client that does not read its ' +
      'answer) is closed to make room, so such clients cannot lock Prometheus out.',
  },
  {
    key: 'web.response-timeout',
    type: 'duration',
    default: '30s',
    min: 100,
    max: 10 * MINUTE,
    help:
      'Longest a request may take from its arrival to the end of its answer, and longest a connection may sit ' +
      'with nothing moving: a client that stops reading is disconnected.',
  },
  {
    key: 'web.status-page',
    type: 'enum',
    default: 'summary',
    choices: ['summary', 'detailed', 'off'],
    help:
      "The page at /: summary shows each source's and collector's state and data age; detailed adds error " +
      'messages and where each source connects (host, user, URL); off serves none. The demo shows detailed ' +
      'unless this is given.',
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
    max: 24 * HOUR,
    help: 'How often each source refreshes in the background.',
  },
  {
    key: 'refresh.timeout',
    type: 'duration',
    default: '25s',
    min: 100,
    max: 24 * HOUR,
    help: 'Longest a refresh of one source may take before it counts as failed.',
  },
  {
    key: 'refresh.keep-stale-for',
    type: 'duration',
    default: '5m',
    max: 7 * 24 * HOUR,
    help: "How long a failed collector's last good values stay published before they are dropped.",
  },
  {
    key: 'database.url',
    type: 'url',
    secret: true,
    help:
      "Harbor's PostgreSQL as a URL (postgres://user:pass@host:5432/registry?sslmode=require); what it holds " +
      'overrides the discrete settings. Its parameters may be sslmode (database.sslmode), sslrootcert ' +
      '(database.ca-file), connect_timeout in seconds (database.connect-timeout) and application_name, which ' +
      'must be harbor-exporter; any other parameter is refused.',
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
  {
    key: 'database.ca-file',
    type: 'string',
    help: 'CA bundle (PEM) for verify-ca and verify-full; it must be readable at start-up.',
  },
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
    max: HOUR,
    help: 'Server-side limit on any one statement.',
  },
  {
    key: 'database.idle-session-timeout',
    type: 'duration',
    default: '60s',
    min: 1000,
    max: 24 * HOUR,
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
    max: 5 * MINUTE,
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
  {
    key: 'harbor.ca-file',
    type: 'string',
    help: "CA bundle (PEM) that signed Harbor's certificate; it must be readable at start-up.",
  },
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
    max: 10 * MINUTE,
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
    key: 'harbor.max-response-bytes',
    type: 'int',
    default: '2097152',
    min: 65536,
    max: 268435456,
    help:
      'Largest API answer read, in bytes after decompression (2 MiB; the largest Harbor answer the exporter asks for ' +
      'is a few hundred kilobytes). A larger one fails its collector. While parsed, an answer of small JSON items ' +
      'can take about 35 times its size in memory, for each of harbor.max-concurrency answers at once.',
  },
  {
    key: 'harbor.max-list-items',
    type: 'int',
    default: '50000',
    min: 100,
    help:
      'Most items read from one paged API list (/repositories is the longest: one item per repository). A list ' +
      'that goes past it, or past the X-Total-Count Harbor announced, fails its collector.',
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
    key: 'robots.name-prefix',
    type: 'string',
    default: 'robot$',
    help: "Harbor's robot name prefix (its robot_name_prefix setting), by which the audit log names robot accounts; set it when Harbor's is not the default.",
  },
  {
    key: 'audit-failures.top-users',
    type: 'int',
    default: '10',
    min: 1,
    max: 1000,
    help: 'Users with their own series in the audit-failures-by-user collector (those with the most failed operations); the rest are summed.',
  },
  {
    key: 'reclaimable.unpulled-days',
    type: 'list',
    default: '30,90',
    help: 'Ages in days (at most 5, comma-separated) for which the reclaimable collector counts artifacts not pulled for that long.',
  },
  {
    key: 'compat',
    type: 'list',
    default: '',
    choices: compatibilitySetNames,
    help:
      "Also publish older exporters' names: " +
      Object.entries(compatibilitySets)
        .map(([name, exporter]) => `${name} (${exporter})`)
        .join(', ') +
      '. Repeat the flag or separate sets with commas.',
  },
  {
    key: 'otlp.endpoint',
    type: 'url',
    envAliases: ['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT'],
    help: 'OTLP metrics endpoint; push is off unless set. OTEL_EXPORTER_OTLP_ENDPOINT gets /v1/metrics appended (for HTTP; gRPC uses its host and port).',
  },
  {
    key: 'otlp.protocol',
    type: 'enum',
    default: 'http/protobuf',
    choices: ['http/protobuf', 'http/json', 'grpc'],
    envAliases: ['OTEL_EXPORTER_OTLP_METRICS_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL'],
    help: 'OTLP transport: protobuf or JSON over HTTP, or gRPC.',
  },
  {
    key: 'otlp.temporality',
    type: 'enum',
    default: 'cumulative',
    choices: ['cumulative', 'delta', 'lowmemory'],
    envAliases: ['OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE'],
    help: 'Counters pushed as running totals (cumulative) or as increases since the last push (delta); lowmemory is cumulative here (every counter is observed, not counted by the exporter).',
  },
  {
    key: 'otlp.request-timeout',
    type: 'duration',
    default: '10s',
    min: 100,
    max: 10 * MINUTE,
    envAliases: ['OTEL_EXPORTER_OTLP_METRICS_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT'],
    help: 'Timeout of one OTLP request, retries included; a push of a large registry takes several requests.',
  },
  {
    key: 'otlp.disabled',
    type: 'bool',
    default: 'false',
    envAliases: ['OTEL_SDK_DISABLED'],
    help: 'Turns the OTLP push off whatever the endpoint (/metrics is served all the same).',
  },
  {
    key: 'otlp.interval',
    type: 'duration',
    default: '60s',
    min: 1000,
    envAliases: ['OTEL_METRIC_EXPORT_INTERVAL'],
    max: 24 * HOUR,
    help: 'Interval between OTLP pushes.',
  },
  {
    key: 'otlp.timeout',
    type: 'duration',
    default: '30s',
    min: 100,
    envAliases: ['OTEL_METRIC_EXPORT_TIMEOUT'],
    max: 10 * MINUTE,
    help: 'Timeout of one OTLP push.',
  },
  {
    key: 'otlp.headers',
    type: 'string',
    secret: true,
    envAliases: ['OTEL_EXPORTER_OTLP_METRICS_HEADERS', 'OTEL_EXPORTER_OTLP_HEADERS'],
    help: 'Extra headers as k=v,k2=v2 (e.g. authorization).',
  },
] as const satisfies readonly SettingSpec[];

/** Every setting, for code that walks them all. */
export const settings: readonly SettingSpec[] = table;

type SettingRow = (typeof table)[number];
export type SettingKey = SettingRow['key'];
type RowOf<K extends SettingKey> = Extract<SettingRow, { key: K }>;
type ParsedValue<Row> = Row extends { type: 'int' | 'duration' }
  ? number
  : Row extends { type: 'bool' }
    ? boolean
    : Row extends { type: 'list'; choices: readonly (infer Choice)[] }
      ? readonly Choice[]
      : Row extends { type: 'list' }
        ? readonly string[]
        : Row extends { type: 'enum'; choices: readonly (infer Choice)[] }
          ? Choice
          : string;
/** The checked value of a setting: absent only when its row has no default (a list is at least empty). */
export type SettingValueOf<K extends SettingKey> =
  RowOf<K> extends { default: string } | { type: 'list' }
    ? ParsedValue<RowOf<K>>
    : ParsedValue<RowOf<K>> | undefined;

export function envName(key: string): string {
  return 'HARBOR_EXPORTER_' + key.toUpperCase().replace(/[.-]/g, '_');
}
