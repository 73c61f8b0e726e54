import { formatDuration } from './durations.js';
import { ConfigError } from './errors.js';
import type { ParsedInvocation, SettingValue } from './load.js';
import type { LogFormat, LogLevel } from '../log.js';

export interface DatabaseSettings {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
  sslmode: 'disable' | 'require' | 'verify-ca' | 'verify-full';
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
}

/** The exporter's configuration after validation: typed values only. */
export interface ExporterConfig {
  listenHost: string;
  listenPort: number;
  telemetryPath: string;
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
  compat: ReadonlySet<'seed' | 'harbor'>;
  otlp?: OtlpSettings;
  collectors: ReadonlyMap<string, boolean>;
}

/** Turns checked setting values into the typed configuration, checking the rules that span settings. */
export function buildConfig(parsed: ParsedInvocation): ExporterConfig {
  const get = <T extends SettingValue>(key: string) => parsed.values.get(key)?.value as T | undefined;
  const origin = (key: string) => parsed.values.get(key)?.origin ?? 'default';

  /** A timeout may not exceed its interval; a default one is shortened to fit, a given one is an error. */
  const timeoutWithin = (timeoutKey: string, intervalKey: string, intervalMs: number): number => {
    const timeoutMs = get<number>(timeoutKey)!;
    if (timeoutMs <= intervalMs) return timeoutMs;
    if (origin(timeoutKey) === 'default') return intervalMs;
    throw new ConfigError(
      timeoutKey,
      origin(timeoutKey),
      `${formatDuration(timeoutMs)} must not exceed ${intervalKey} (${formatDuration(intervalMs)})`,
    );
  };

  const listen = get<string>('web.listen-address')!;
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(listen);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) {
    throw new ConfigError(
      'web.listen-address',
      origin('web.listen-address'),
      `"${listen}" is not host:port (e.g. :9868)`,
    );
  }
  const telemetryPath = get<string>('web.telemetry-path')!;
  if (!telemetryPath.startsWith('/')) {
    throw new ConfigError('web.telemetry-path', origin('web.telemetry-path'), 'must start with /');
  }

  const databaseDefaults: DatabaseSettings = {
    host: get<string>('database.host') ?? '',
    port: get<number>('database.port')!,
    user: get<string>('database.user')!,
    password: get<string>('database.password'),
    database: get<string>('database.name')!,
    sslmode: get<DatabaseSettings['sslmode']>('database.sslmode')!,
    caFile: get<string>('database.ca-file'),
    maxConnections: get<number>('database.max-connections')!,
    statementTimeoutMs: get<number>('database.statement-timeout')!,
    idleSessionTimeoutMs: get<number>('database.idle-session-timeout')!,
    connectTimeoutMs: get<number>('database.connect-timeout')!,
    preparedStatements: get<boolean>('database.prepared-statements')!,
  };
  const url = get<string>('database.url');
  const database = url
    ? applyDatabaseUrl(databaseDefaults, url, origin('database.url'))
    : databaseDefaults.host
      ? databaseDefaults
      : undefined;
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
    username: get<string>('harbor.username'),
    password: get<string>('harbor.password'),
    caFile: get<string>('harbor.ca-file'),
    insecureSkipVerify: get<boolean>('harbor.insecure-skip-verify')!,
    requestTimeoutMs: get<number>('harbor.request-timeout')!,
    maxConcurrency: get<number>('harbor.max-concurrency')!,
  };
  const harborUrl = get<string>('harbor.url');

  const refreshIntervalMs = get<number>('refresh.interval')!;
  const refreshTimeoutMs = timeoutWithin('refresh.timeout', 'refresh.interval', refreshIntervalMs);

  const otlpEndpoint = get<string>('otlp.endpoint');
  return {
    listenHost: match[1] ?? match[2] ?? '',
    listenPort: port,
    telemetryPath,
    logLevel: get<LogLevel>('log.level')!,
    logFormat: get<LogFormat>('log.format')!,
    refreshIntervalMs,
    refreshTimeoutMs,
    keepStaleForMs: get<number>('refresh.keep-stale-for')!,
    database,
    databaseDefaults,
    harbor: harborUrl ? { url: harborUrl.replace(/\/+$/, ''), ...harborDefaults } : undefined,
    harborDefaults,
    kubernetes: get<boolean>('kubernetes.enabled')
      ? {
          namespace: get<string>('kubernetes.namespace'),
          release: get<string>('kubernetes.release')!,
          fullname: get<string>('kubernetes.fullname'),
          readAdminPassword: get<boolean>('kubernetes.read-admin-password')!,
        }
      : undefined,
    storageLocalPath: get<string>('storage.local-path'),
    projectsInclude: get<string[]>('projects.include') ?? [],
    projectsExclude: get<string[]>('projects.exclude') ?? [],
    tagsTop: get<number>('tags.top')!,
    compat: new Set(get<Array<'seed' | 'harbor'>>('compat') ?? []),
    otlp: otlpEndpoint
      ? {
          endpoint: otlpEndpoint,
          intervalMs: get<number>('otlp.interval')!,
          timeoutMs: timeoutWithin('otlp.timeout', 'otlp.interval', get<number>('otlp.interval')!),
          headers: parseHeaders(get<string>('otlp.headers') ?? '', origin('otlp.headers')),
        }
      : undefined,
    collectors: new Map([...parsed.collectors].map(([name, setting]) => [name, setting.value])),
  };
}

function applyDatabaseUrl(defaults: DatabaseSettings, text: string, origin: string): DatabaseSettings {
  const url = new URL(text);
  const sslmode = url.searchParams.get('sslmode') ?? defaults.sslmode;
  if (!['disable', 'require', 'verify-ca', 'verify-full'].includes(sslmode)) {
    throw new ConfigError(
      'database.url',
      origin,
      `sslmode "${sslmode}" is not one of disable, require, verify-ca, verify-full`,
    );
  }
  if (!url.hostname) throw new ConfigError('database.url', origin, 'has no host');
  return {
    ...defaults,
    host: decodeURIComponent(url.hostname.replace(/^\[|\]$/g, '')),
    port: url.port ? Number(url.port) : defaults.port,
    user: url.username ? decodeURIComponent(url.username) : defaults.user,
    password: url.password ? decodeURIComponent(url.password) : defaults.password,
    database: url.pathname.length > 1 ? decodeURIComponent(url.pathname.slice(1)) : defaults.database,
    sslmode: sslmode as DatabaseSettings['sslmode'],
  };
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
