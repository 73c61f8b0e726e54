import { readFileSync } from 'node:fs';
import type { CompatibilitySet } from '../catalog/types.js';
import { ConfigError } from './errors.js';
import { settingValue, type ParsedInvocation } from './load.js';
import type { SettingKey, SettingValueOf } from './settings.js';
import type { LogFormat, LogLevel } from '../log.js';

export interface DatabaseSettings {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
  sslmode: SettingValueOf<'database.sslmode'>;
  caFile?: string;
  maxConnections: number;
  statementTimeoutMs: number;
  idleSessionTimeoutMs: number;
  connectTimeoutMs: number;
  /** Named (server-side prepared) statements, parsed and planned once per connection. */
  preparedStatements: boolean;
}

export interface HarborApiSettings {
  url: string;
  username?: string;
  password?: string;
  caFile?: string;
  insecureSkipVerify: boolean;
  requestTimeoutMs: number;
  maxConcurrency: number;
  maxResponseBytes: number;
  maxListItems: number;
}

export interface KubernetesSettings {
  namespace?: string;
  release: string;
  fullname?: string;
  readAdminPassword: boolean;
}

export interface OtlpSettings {
  endpoint: string;
  intervalMs: number;
  timeoutMs: number;
  headers: Record<string, string>;
  /** http/protobuf when absent. */
  protocol?: 'http/protobuf' | 'http/json' | 'grpc';
  /** cumulative when absent. */
  temporality?: 'cumulative' | 'delta';
  /** Timeout of one request; `timeoutMs` when absent. */
  requestTimeoutMs?: number;
}

/** The exporter's configuration after validation: typed values only. */
export interface ExporterConfig {
  listenHost: string;
  listenPort: number;
  telemetryPath: string;
  webConfigFile?: string;
  maxConnections: number;
  responseTimeoutMs: number;
  statusPage: 'summary' | 'detailed' | 'off';
  /** Set by the demo, which says so on its status page. */
  demo?: boolean;
  logLevel: LogLevel;
  logFormat: LogFormat;
  refreshIntervalMs: number;
  refreshTimeoutMs: number;
  keepStaleForMs: number;
  /** Absent when neither a URL nor a host is set (Kubernetes discovery may fill it later). */
  database?: DatabaseSettings;
  /** Defaults for discovered database settings. */
  databaseDefaults: DatabaseSettings;
  harbor?: HarborApiSettings;
  harborDefaults: Omit<HarborApiSettings, 'url'>;
  kubernetes?: KubernetesSettings;
  storageLocalPath?: string;
  projectsInclude: readonly string[];
  projectsExclude: readonly string[];
  tagsTop: number;
  /** Harbor's robot name prefix, as its audit log names robots. */
  robotNamePrefix: string;
  /** Users with their own series in the audit-failures-by-user collector. */
  failuresTopUsers: number;
  /** Ages in days of the reclaimable collector's not-pulled buckets, ascending. */
  unpulledDays: readonly number[];
  compat: ReadonlySet<CompatibilitySet>;
  otlp?: OtlpSettings;
  collectors: ReadonlyMap<string, boolean>;
}

/** Turns checked setting values into the typed configuration, checking the rules that span settings. */
export function buildConfig(parsed: ParsedInvocation): ExporterConfig {
  const get = <K extends SettingKey>(key: K) => settingValue(parsed.values, key);
  const origin = (key: SettingKey) => parsed.values.get(key)?.origin ?? 'default';
  /** A CA file's path, once it is known to be readable and to hold a certificate. */
  const caFile = (key: 'database.ca-file' | 'harbor.ca-file') => {
    const path = get(key);
    if (path !== undefined) checkCaFile(key, path, origin(key));
    return path;
  };

  const listen = get('web.listen-address');
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(listen);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) {
    throw new ConfigError(
      'web.listen-address',
      origin('web.listen-address'),
      `"${listen}" is not host:port (e.g. :9868)`,
    );
  }
  const telemetryPath = get('web.telemetry-path');
  if (!telemetryPath.startsWith('/')) {
    throw new ConfigError('web.telemetry-path', origin('web.telemetry-path'), 'must start with /');
  }
  if (['/', '/healthz', '/readyz'].includes(telemetryPath)) {
    throw new ConfigError(
      'web.telemetry-path',
      origin('web.telemetry-path'),
      `${telemetryPath} is one of the server's own routes (/, /healthz, /readyz); choose another path`,
    );
  }

  // database.url has already been split into these settings (see expandDatabaseUrl).
  const databaseDefaults: DatabaseSettings = {
    host: get('database.host') ?? '',
    port: get('database.port'),
    user: get('database.user'),
    password: get('database.password'),
    database: get('database.name'),
    sslmode: get('database.sslmode'),
    caFile: caFile('database.ca-file'),
    maxConnections: get('database.max-connections'),
    statementTimeoutMs: get('database.statement-timeout'),
    idleSessionTimeoutMs: get('database.idle-session-timeout'),
    connectTimeoutMs: get('database.connect-timeout'),
    preparedStatements: get('database.prepared-statements'),
  };
  const database = databaseDefaults.host ? databaseDefaults : undefined;
  if (
    database &&
    (database.sslmode === 'verify-full' || database.sslmode === 'verify-ca') &&
    !database.caFile
  ) {
    throw new ConfigError(
      'database.ca-file',
      origin('database.sslmode'),
      `sslmode ${database.sslmode} needs a CA file`,
    );
  }

  const harborDefaults = {
    username: get('harbor.username'),
    password: get('harbor.password'),
    caFile: caFile('harbor.ca-file'),
    insecureSkipVerify: get('harbor.insecure-skip-verify'),
    requestTimeoutMs: get('harbor.request-timeout'),
    maxConcurrency: get('harbor.max-concurrency'),
    maxResponseBytes: get('harbor.max-response-bytes'),
    maxListItems: get('harbor.max-list-items'),
  };
  const harborUrl = get('harbor.url');
  const otlpEndpoint = get('otlp.endpoint');
  return {
    listenHost: match[1] ?? match[2] ?? '',
    listenPort: port,
    telemetryPath,
    webConfigFile: get('web.config.file'),
    maxConnections: get('web.max-connections'),
    responseTimeoutMs: get('web.response-timeout'),
    statusPage: get('web.status-page'),
    logLevel: get('log.level'),
    logFormat: get('log.format'),
    refreshIntervalMs: get('refresh.interval'),
    // Fitted to the interval when the settings were loaded, as are otlp.timeout and otlp.interval.
    refreshTimeoutMs: get('refresh.timeout'),
    keepStaleForMs: get('refresh.keep-stale-for'),
    database,
    databaseDefaults,
    harbor: harborUrl ? { url: harborUrl.replace(/\/+$/, ''), ...harborDefaults } : undefined,
    harborDefaults,
    kubernetes: get('kubernetes.enabled')
      ? {
          namespace: get('kubernetes.namespace'),
          release: get('kubernetes.release'),
          fullname: get('kubernetes.fullname'),
          readAdminPassword: get('kubernetes.read-admin-password'),
        }
      : undefined,
    storageLocalPath: get('storage.local-path'),
    projectsInclude: get('projects.include'),
    projectsExclude: get('projects.exclude'),
    tagsTop: get('tags.top'),
    failuresTopUsers: get('audit-failures.top-users'),
    robotNamePrefix: robotNamePrefix(get('robots.name-prefix'), origin('robots.name-prefix')),
    unpulledDays: parseUnpulledDays(get('reclaimable.unpulled-days'), origin('reclaimable.unpulled-days')),
    compat: new Set(get('compat')),
    otlp:
      otlpEndpoint && !get('otlp.disabled')
        ? {
            endpoint: otlpEndpoint,
            intervalMs: get('otlp.interval'),
            timeoutMs: get('otlp.timeout'),
            headers: parseHeaders(get('otlp.headers') ?? '', origin('otlp.headers')),
            protocol: get('otlp.protocol'),
            // Every counter is observed (asynchronous), which lowmemory sends as cumulative.
            temporality: get('otlp.temporality') === 'delta' ? 'delta' : 'cumulative',
            requestTimeoutMs: get('otlp.request-timeout'),
          }
        : undefined,
    collectors: new Map([...parsed.collectors].map(([name, setting]) => [name, setting.value])),
  };
}

/** A bounded number of buckets keeps the series per project fixed. */
const MAX_UNPULLED_BUCKETS = 5;

/** An empty prefix would make every user a robot. */
function robotNamePrefix(prefix: string, origin: string): string {
  if (prefix.trim() === '')
    throw new ConfigError('robots.name-prefix', origin, "must not be empty (Harbor's default is robot$)");
  return prefix;
}

function parseUnpulledDays(items: readonly string[], origin: string): number[] {
  const days = items.map((item) => {
    const value = Number(item);
    if (!/^\d+$/.test(item) || value < 1 || value > 3650) {
      throw new ConfigError(
        'reclaimable.unpulled-days',
        origin,
        `"${item}" is not a whole number of days from 1 to 3650`,
      );
    }
    return value;
  });
  if (days.length > MAX_UNPULLED_BUCKETS) {
    throw new ConfigError(
      'reclaimable.unpulled-days',
      origin,
      `at most ${MAX_UNPULLED_BUCKETS} ages, ${days.length} given`,
    );
  }
  return [...new Set(days)].sort((a, b) => a - b);
}

/** A CA file must be readable at start-up and hold a PEM certificate, not fail at the first connection. */
function checkCaFile(key: SettingKey, path: string, origin: string): void {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'error';
    throw new ConfigError(key, origin, `cannot read ${path}: ${code}`);
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError(key, origin, `${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
}

function parseHeaders(text: string, origin: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of text.split(',').filter((item) => item.trim() !== '')) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new ConfigError('otlp.headers', origin, 'use key=value pairs separated by commas');
    headers[decodeURIComponent(pair.slice(0, equals).trim())] = decodeURIComponent(
      pair.slice(equals + 1).trim(),
    );
  }
  return headers;
}
