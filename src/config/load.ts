import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { expandDatabaseUrl } from './database-url.js';
import { formatDuration, parseDuration } from './durations.js';
import { ConfigError } from './errors.js';
import { parseFlags } from './flags.js';
import { bounds, rangeText } from './range.js';
import { redactUserinfo } from './redact.js';
import { envName, settings, type SettingKey, type SettingSpec, type SettingValueOf } from './settings.js';
import { didYouMean } from './suggest.js';

/** A collector as configuration sees it: enough to make `--collector.<name>` flags. */
export interface CollectorSwitch {
  name: string;
  source: string;
  defaultEnabled: boolean;
  help: string;
}

export type SettingValue = string | number | boolean | readonly string[];

/** One value with where it came from, for error messages and --print-config. */
export interface ResolvedSetting {
  value: SettingValue | undefined;
  origin: string;
  /** The file a secret was read from, so that --print-config can name the file instead of the secret. */
  file?: string;
}

export interface ParsedInvocation {
  command: 'run' | 'demo';
  help: boolean;
  version: boolean;
  printConfig: boolean;
  values: Map<string, ResolvedSetting>;
  collectors: Map<string, ResolvedSetting & { value: boolean }>;
}

const specByKey = new Map(settings.map((spec) => [spec.key, spec]));

/** The checked value of a setting, of the type its row in the table gives (loadSettings checked it against it). */
export function settingValue<K extends SettingKey>(
  values: ReadonlyMap<string, ResolvedSetting>,
  key: K,
): SettingValueOf<K> {
  return values.get(key)?.value as SettingValueOf<K>;
}

/**
 * Reads flags, environment and the optional YAML file, in that order of precedence, and checks every value
 * against its spec. Throws ConfigError naming the first bad setting.
 */
export function loadSettings(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  collectors: readonly CollectorSwitch[],
): ParsedInvocation {
  const collectorNames = new Set(collectors.map((collector) => collector.name));
  const flags = parseFlags(argv, [...collectorNames]);
  // Later writes win: file, then environment, then flags.
  const raw = new Map<string, { text: string; origin: string; rank: number }>();

  const configFileFlag = flags.values.get('config.file') ?? envValue(specByKey.get('config.file')!, env);
  if (configFileFlag) {
    for (const [key, text] of readConfigFile(configFileFlag.text, configFileFlag.origin)) {
      raw.set(key, { text, origin: `file ${configFileFlag.text}`, rank: 1 });
    }
  }
  for (const spec of settings) {
    const fromEnv = envValue(spec, env);
    if (fromEnv) raw.set(spec.key, { ...fromEnv, rank: 2 });
    const fileVariable = envName(spec.key + '-file');
    if (spec.secret && env[fileVariable]) {
      raw.set(spec.key + '-file', {
        text: env[fileVariable]!,
        origin: `environment ${fileVariable}`,
        rank: 2,
      });
    }
  }
  for (const name of collectorNames) {
    const variable = envName('collector.' + name);
    if (env[variable] !== undefined) {
      raw.set('collector.' + name, { text: env[variable]!, origin: `environment ${variable}`, rank: 2 });
    }
  }
  for (const [key, value] of flags.values) raw.set(key, { ...value, rank: 3 });

  const values = new Map<string, ResolvedSetting>();
  const collectorValues = new Map<string, ResolvedSetting & { value: boolean }>();
  for (const collector of collectors) {
    collectorValues.set(collector.name, { value: collector.defaultEnabled, origin: 'default' });
  }

  for (const [key, { text, origin, rank }] of raw) {
    if (key.startsWith('collector.')) {
      const name = key.slice('collector.'.length);
      if (!collectorNames.has(name)) {
        const suggestion = didYouMean(name, [...collectorNames]);
        throw new ConfigError(
          key,
          origin,
          `no such collector;${suggestion ? ` ${suggestion}` : ''} known: ${[...collectorNames].sort().join(', ')}`,
        );
      }
      collectorValues.set(name, { value: parseBool(text, key, origin), origin });
      continue;
    }
    const secretOfFile = key.endsWith('-file') ? specByKey.get(key.slice(0, -'-file'.length)) : undefined;
    if (secretOfFile?.secret) {
      // A secret given both inline and as a file: the more specific origin wins.
      if ((raw.get(secretOfFile.key)?.rank ?? 0) > rank) continue;
      values.set(secretOfFile.key, { value: readSecretFile(text, key, origin), origin, file: text });
      continue;
    }
    const spec = specByKey.get(key);
    if (!spec) {
      throw new ConfigError(
        key,
        origin,
        `unknown setting; ${didYouMean(key, [...specByKey.keys()]) || 'see --help'}`,
      );
    }
    if (spec.secret && (raw.get(key + '-file')?.rank ?? 0) > rank) continue;
    values.set(key, { value: parseValue(spec, text, origin), origin });
  }
  for (const spec of settings) {
    // A list without a default is empty.
    const fallback = spec.default ?? (spec.type === 'list' ? '' : undefined);
    if (!values.has(spec.key) && fallback !== undefined) {
      values.set(spec.key, { value: parseValue(spec, fallback, 'default'), origin: 'default' });
    }
  }
  expandDatabaseUrl(values, (key, text, origin) => parseValue(specByKey.get(key)!, text, origin));
  fitTimeouts(values);
  return {
    command: flags.command,
    help: flags.help,
    version: flags.version,
    printConfig: flags.printConfig,
    values,
    collectors: collectorValues,
  };
}

function envValue(spec: SettingSpec, env: NodeJS.ProcessEnv): { text: string; origin: string } | undefined {
  const own = envName(spec.key);
  if (env[own] !== undefined && env[own] !== '') return { text: env[own]!, origin: `environment ${own}` };
  for (const alias of spec.envAliases ?? []) {
    const text = env[alias];
    if (text === undefined || text === '') continue;
    // OpenTelemetry's variables give durations as bare milliseconds.
    return {
      text: spec.type === 'duration' && /^\d+$/.test(text) ? `${text}ms` : text,
      origin: `environment ${alias}`,
    };
  }
  if (spec.key === 'otlp.endpoint' && env.OTEL_EXPORTER_OTLP_ENDPOINT) {
    return {
      text: env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '') + '/v1/metrics',
      origin: 'environment OTEL_EXPORTER_OTLP_ENDPOINT',
    };
  }
  return undefined;
}

/** Flattens `{ web: { listen-address: x } }` into `web.listen-address`; collectors as `collector: { name: bool }`. */
function readConfigFile(path: string, origin: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError('config.file', origin, `cannot read ${path}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    const [firstLine] = (error as Error).message.split('\n');
    throw new ConfigError('config.file', origin, `${path} is not valid YAML: ${firstLine}`);
  }
  const flat = new Map<string, string>();
  const walk = (node: unknown, prefix: string) => {
    if (node === null || node === undefined) return;
    if (Array.isArray(node)) {
      flat.set(prefix, node.map(String).join(','));
    } else if (typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) walk(value, prefix ? `${prefix}.${key}` : key);
    } else {
      flat.set(prefix, String(node));
    }
  };
  if (document !== null && (typeof document !== 'object' || Array.isArray(document))) {
    throw new ConfigError('config.file', origin, `${path} must hold a mapping of settings`);
  }
  walk(document, '');
  return flat;
}

function readSecretFile(path: string, key: string, origin: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new ConfigError(
      key,
      origin,
      `cannot read secret file: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
}

function parseBool(text: string, key: string, origin: string): boolean {
  if (/^(true|1|yes|on)$/i.test(text)) return true;
  if (/^(false|0|no|off)$/i.test(text)) return false;
  throw new ConfigError(key, origin, `"${text}" is not a boolean; use true or false`);
}

function parseValue(spec: SettingSpec, text: string, origin: string): SettingValue {
  // A URL's userinfo may hold a password even where the setting is not secret (harbor.url).
  const shown = spec.secret ? '<redacted>' : `"${spec.type === 'url' ? redactUserinfo(text) : text}"`;
  switch (spec.type) {
    case 'string':
      return text;
    case 'bool':
      return parseBool(text, spec.key, origin);
    case 'int': {
      if (!/^-?\d+$/.test(text.trim()))
        throw new ConfigError(spec.key, origin, `${shown} is not a whole number`);
      const value = Number(text);
      checkRange(spec, value, origin, text.trim());
      return value;
    }
    case 'duration': {
      const value = parseDuration(text);
      if (value === undefined) {
        throw new ConfigError(spec.key, origin, `${shown} is not a duration; use e.g. 500ms, 30s, 5m, 1h`);
      }
      checkRange(spec, value, origin, `"${text}"`);
      return value;
    }
    case 'enum':
      if (!spec.choices!.includes(text)) {
        throw new ConfigError(spec.key, origin, `${shown} is not one of ${spec.choices!.join(', ')}`);
      }
      return text;
    case 'list': {
      const items = text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
      for (const item of items) {
        if (spec.choices && !spec.choices.includes(item)) {
          throw new ConfigError(spec.key, origin, `"${item}" is not one of ${spec.choices.join(', ')}`);
        }
      }
      return items;
    }
    case 'url': {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        throw new ConfigError(spec.key, origin, `${shown} is not a URL`);
      }
      const allowed = spec.key === 'database.url' ? ['postgres:', 'postgresql:'] : ['http:', 'https:'];
      if (!allowed.includes(url.protocol)) {
        throw new ConfigError(spec.key, origin, `scheme ${url.protocol} is not one of ${allowed.join(', ')}`);
      }
      return text;
    }
  }
}

/** Checks a number against its row's bounds; a duration is never above what Node's timers can wait. */
function checkRange(spec: SettingSpec, value: number, origin: string, shown: string): void {
  const { min, max } = bounds(spec);
  const bound = (limit: number) => (spec.type === 'duration' ? formatDuration(limit) : String(limit));
  if (min !== undefined && value < min) {
    throw new ConfigError(
      spec.key,
      origin,
      `${shown} is below the minimum ${bound(min)} (allowed ${rangeText(spec)})`,
    );
  }
  if (max !== undefined && value > max) {
    throw new ConfigError(
      spec.key,
      origin,
      `${shown} is above the maximum ${bound(max)} (allowed ${rangeText(spec)})`,
    );
  }
  if (!Number.isSafeInteger(value)) throw new ConfigError(spec.key, origin, `${shown} is too large`);
}

/** Timeouts that may not exceed their interval: a default one is shortened to fit, a given one is an error. */
const timeoutsWithinIntervals = [
  ['refresh.timeout', 'refresh.interval'],
  ['otlp.timeout', 'otlp.interval'],
  ['otlp.request-timeout', 'otlp.timeout'],
] as const;

function fitTimeouts(values: Map<string, ResolvedSetting>): void {
  for (const [timeoutKey, intervalKey] of timeoutsWithinIntervals) {
    const timeoutMs = settingValue(values, timeoutKey);
    const intervalMs = settingValue(values, intervalKey);
    if (timeoutMs <= intervalMs) continue;
    const { origin } = values.get(timeoutKey) ?? { origin: 'default' };
    if (origin !== 'default') {
      throw new ConfigError(
        timeoutKey,
        origin,
        `${formatDuration(timeoutMs)} must not exceed ${intervalKey} (${formatDuration(intervalMs)})`,
      );
    }
    values.set(timeoutKey, { value: intervalMs, origin: `default, shortened to ${intervalKey}` });
  }
}
