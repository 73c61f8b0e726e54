// Writes docs/configuration.md from the settings table and the collector registry, so the reference cannot
// drift from what the exporter accepts. Usage: npm run docs:config (a test fails when the file is out of date).
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { collectorSwitches } from '../src/collectors/registry.js';
import { formatDuration } from '../src/config/durations.js';
import { envName, settings, type SettingSpec } from '../src/config/settings.js';
import { cell, code } from './markdown.js';

export const configurationDocPath = resolve(import.meta.dirname, '..', 'docs', 'configuration.md');

const groupTitles: Record<string, string> = {
  config: 'Configuration file',
  web: 'HTTP server',
  log: 'Logging',
  refresh: 'Background refresh',
  database: "Harbor's PostgreSQL (database source)",
  harbor: "Harbor's REST API (API source)",
  kubernetes: 'Kubernetes (discovery, registry storage, pods)',
  storage: 'Local registry storage (docker compose)',
  projects: 'Project filter',
  tags: 'Tags collector',
  compat: 'Compatibility names',
  otlp: 'OTLP push',
};

function allowedValues(spec: SettingSpec): string {
  if (spec.choices) {
    const choices = spec.choices.map(code).join(', ');
    return spec.type === 'list' ? `any of ${choices}, comma-separated` : `one of ${choices}`;
  }
  const bound = (value: number) => (spec.type === 'duration' ? formatDuration(value) : String(value));
  const range =
    spec.min !== undefined && spec.max !== undefined
      ? `${bound(spec.min)} to ${bound(spec.max)}`
      : spec.min !== undefined
        ? `at least ${bound(spec.min)}`
        : spec.max !== undefined
          ? `at most ${bound(spec.max)}`
          : '';
  const kind: Record<SettingSpec['type'], string> = {
    string: 'text',
    int: 'whole number',
    bool: '`true` or `false`',
    duration: 'duration',
    enum: 'one of the choices',
    list: 'comma-separated list',
    url: spec.key === 'database.url' ? '`postgres://` URL' : '`http://` or `https://` URL',
  };
  return [kind[spec.type], range].filter(Boolean).join(', ');
}

function settingRow(spec: SettingSpec): string {
  const flags = [code(`--${spec.key}`)];
  const variables = [code(envName(spec.key)), ...(spec.envAliases ?? []).map(code)];
  if (spec.key === 'otlp.endpoint')
    variables.push(code('OTEL_EXPORTER_OTLP_ENDPOINT') + ' (+ `/v1/metrics` over HTTP)');
  if (spec.secret) {
    flags.push(code(`--${spec.key}-file`));
    variables.push(code(envName(`${spec.key}-file`)));
  }
  const fallback = spec.default === undefined || spec.default === '' ? '' : code(spec.default);
  const help = spec.secret ? `${spec.help} Secret: never logged or printed.` : spec.help;
  return `| ${flags.join('<br>')} | ${variables.join('<br>')} | ${fallback} | ${cell(allowedValues(spec))} | ${cell(help)} |`;
}

function settingsSection(): string[] {
  const groups = new Map<string, SettingSpec[]>();
  for (const spec of settings) {
    const group = spec.key.split('.')[0]!;
    groups.set(group, [...(groups.get(group) ?? []), spec]);
  }
  const lines: string[] = ['## Settings', ''];
  for (const [group, specs] of groups) {
    lines.push(`### ${groupTitles[group] ?? group}`, '');
    lines.push('| Flag | Environment | Default | Allowed | Description |', '| --- | --- | --- | --- | --- |');
    lines.push(...specs.map(settingRow), '');
  }
  return lines;
}

function collectorsSection(): string[] {
  const lines = [
    '## Collectors',
    '',
    'Each collector is switched with `--collector.<name>` / `--no-collector.<name>`, the environment variable',
    '`HARBOR_EXPORTER_COLLECTOR_<NAME>=true|false`, or `collector: { <name>: true }` in the YAML file. A collector',
    'runs only when its source is configured.',
    '',
    '| Collector | Source | Default | Environment | Description |',
    '| --- | --- | --- | --- | --- |',
  ];
  const switches = [...collectorSwitches()].sort(
    (a, b) => a.source.localeCompare(b.source) || a.name.localeCompare(b.name),
  );
  for (const collector of switches) {
    const variable = envName(`collector.${collector.name}`);
    const state = collector.defaultEnabled ? 'on' : 'off';
    lines.push(
      `| ${code(collector.name)} | ${collector.source} | ${state} | ${code(variable)} | ${cell(collector.help)} |`,
    );
  }
  lines.push('');
  return lines;
}

/** A YAML file holding every setting at its default, the shape `--config.file` reads. */
function yamlExample(): string[] {
  const lines = [
    '## The YAML file',
    '',
    'Nested keys follow the dots of the flag names. Every setting, at its default:',
    '',
  ];
  lines.push('```yaml');
  let currentGroup = '';
  for (const spec of settings) {
    if (spec.key === 'config.file') continue;
    const parts = spec.key.split('.');
    const value =
      spec.default === undefined || spec.default === '' ? '' : ` ${yamlScalar(spec, spec.default)}`;
    const comment = spec.default === undefined || spec.default === '' ? '# ' : '';
    if (parts.length === 1) {
      currentGroup = '';
      lines.push(`${comment}${parts[0]}:${value}`);
      continue;
    }
    if (parts[0] !== currentGroup) {
      currentGroup = parts[0]!;
      lines.push(`${currentGroup}:`);
    }
    lines.push(`  ${comment}${parts.slice(1).join('.')}:${value}`);
  }
  lines.push('collector:', '  # <name>: true | false', '```', '');
  return lines;
}

function yamlScalar(spec: SettingSpec, text: string): string {
  if (spec.type === 'int' || spec.type === 'bool') return text;
  return /^[A-Za-z0-9/_.-]+$/.test(text) && !/^(true|false|yes|no|on|off|null)$/i.test(text)
    ? text
    : JSON.stringify(text);
}

export async function renderConfigurationDoc(): Promise<string> {
  const lines = [
    '# Configuration',
    '',
    '<!-- Generated by scripts/generate-config-doc.ts from src/config/settings.ts and src/collectors/registry.ts;',
    'edit those, then run `npm run docs:config`. -->',
    '',
    'Every setting can be given as a flag, as an environment variable or in a YAML file named by `--config.file`.',
    'A flag wins over the environment, which wins over the file. Each setting is validated once at start-up: a bad',
    'value stops the exporter with exit code 2 and one line naming the setting, where it came from and what is',
    'allowed. `harbor-exporter --help` lists the same settings; `harbor-exporter --print-config` prints the',
    'effective values and their origin, secrets redacted.',
    '',
    '- **Secrets** (passwords, the database URL, OTLP headers) can also be given as a file: `--<setting>-file=<path>`',
    '  or `HARBOR_EXPORTER_<SETTING>_FILE`. The file is read once at start-up; a trailing newline is dropped. A',
    '  Kubernetes Secret mounted as a volume is the usual source (the Helm chart does this).',
    '- **Durations** are written as `500ms`, `30s`, `5m`, `1h` or combinations (`1m30s`). The OpenTelemetry',
    '  variables (`OTEL_METRIC_EXPORT_INTERVAL`, `OTEL_METRIC_EXPORT_TIMEOUT`) also accept bare milliseconds.',
    '- **Booleans** accept `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`); a boolean flag alone means `true`.',
    "- **Standard OpenTelemetry variables** are read when the exporter's own variable is not set (listed under",
    '  Environment). `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES` set the resource of every metric.',
    "- **OTLP push** goes through OpenTelemetry's exporter for the transport `otlp.protocol` names:",
    '  `http/protobuf` (the default) and `http/json` to an endpoint such as `http://collector:4318/v1/metrics`,',
    '  `grpc` to one such as `http://collector:4317` (scheme, host and port; `https` for TLS). Counters go as',
    '  cumulative sums, or with `otlp.temporality=delta` as the increase since the last delivered push (a series',
    '  that is gone is no longer sent); `lowmemory` is cumulative here, as every counter is observed. A large',
    '  snapshot goes in requests of 10,000 data points, each bounded by `otlp.request-timeout`, the whole push by',
    '  `otlp.timeout`. The exporters read the TLS variables themselves, for every transport:',
    '  `OTEL_EXPORTER_OTLP_CERTIFICATE` (CA file), `OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE` and',
    '  `OTEL_EXPORTER_OTLP_CLIENT_KEY` (client certificate), each also as `OTEL_EXPORTER_OTLP_METRICS_*`;',
    '  `OTEL_EXPORTER_OTLP_INSECURE` for gRPC, and `OTEL_EXPORTER_OTLP_COMPRESSION` (`gzip`). `OTEL_SDK_DISABLED=true`',
    '  turns the push off; `/metrics` is served all the same. An unsupported protocol, temporality or duration is a',
    '  start-up error naming the variable.',
    '',
    ...settingsSection(),
    ...collectorsSection(),
    ...yamlExample(),
  ];
  const options = (await resolveConfig(configurationDocPath)) ?? {};
  return format(lines.join('\n'), { ...options, parser: 'markdown' });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  writeFileSync(configurationDocPath, await renderConfigurationDoc());
  console.log('wrote docs/configuration.md');
}
