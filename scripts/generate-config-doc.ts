// Writes docs/configuration.md from the settings table and the collector registry, so the reference cannot
// drift from what the exporter accepts. Usage: npm run docs:config (a test fails when the file is out of date).
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { collectorSwitches } from '../src/wiring.js';
import { rangeText } from '../src/config/range.js';
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
  const range = rangeText(spec) ?? '';
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
    variables.push(code('OTEL_EXPORTER_OTLP_ENDPOINT') + ' (+ `/v1/metrics`)');
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
  const listFlags = settings
    .filter((spec) => spec.type === 'list')
    .map((spec) => code(`--${spec.key}`))
    .join(', ');
  const lines = [
    '# Configuration',
    '',
    '<!-- Generated by scripts/generate-config-doc.ts from src/config/settings.ts and src/wiring.ts;',
    'edit those, then run `npm run docs:config`. -->',
    '',
    'Every setting can be given as a flag, as an environment variable or in a YAML file named by `--config.file`.',
    'A flag wins over the environment, which wins over the file. Each setting is validated once at start-up: a bad',
    'value stops the exporter with exit code 2 and one line naming the setting, where it came from and what is',
    'allowed. An unknown flag or file key stops it the same way, with the nearest known name suggested.',
    '`harbor-exporter --help` lists the same settings; `harbor-exporter --print-config` prints the values in effect',
    '(what `--database.url` holds included) as a YAML file that `--config.file` reads back, with the origin of each',
    'value in a comment: a secret read from a file appears as its `-file` setting, a secret given inline is left out',
    'and only named in the header, and `--database.url` is printed without its password.',
    '',
    '- **Secrets** (passwords, the database URL, OTLP headers) can also be given as a file: `--<setting>-file=<path>`',
    '  or `HARBOR_EXPORTER_<SETTING>_FILE`. The file is read once at start-up; a trailing newline is dropped. A',
    '  Kubernetes Secret mounted as a volume is the usual source (the Helm chart does this).',
    '- **Durations** are written as `500ms`, `30s`, `5m`, `1h` or combinations (`1m30s`). The OpenTelemetry',
    '  variables (`OTEL_METRIC_EXPORT_INTERVAL`, `OTEL_METRIC_EXPORT_TIMEOUT`) also accept bare milliseconds.',
    '  Every duration has a maximum (below): Node timers cannot wait longer than about 24.8 days, and PostgreSQL',
    '  holds its timeouts as 32-bit milliseconds.',
    `- **Lists** (${listFlags}) are comma-separated; a list flag may also be repeated and its values add up`,
    '  (`--compat=seed --compat=harbor`). Any other flag may be given only once, and a secret either inline or as a',
    '  file. A list given by flag replaces the one from the environment or the file.',
    '- **Booleans** accept `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`); a boolean flag alone means `true`.',
    "- **Standard OpenTelemetry variables** are read when the exporter's own variable is not set (listed under",
    '  Environment). `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES` set the resource of every metric.',
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
