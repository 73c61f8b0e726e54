import { formatDuration } from './durations.js';
import type { CollectorSwitch, ParsedInvocation } from './load.js';
import { envName, settings } from './settings.js';

/** `--help`: every setting with its flag, variable and default, then every collector. */
export function helpText(collectors: readonly CollectorSwitch[], version: string): string {
  const lines = [
    `harbor-exporter ${version}: metrics about a Harbor registry, for Prometheus and OpenTelemetry.`,
    '',
    'Usage: harbor-exporter [demo] [--setting=value ...]',
    '  demo             start an embedded PostgreSQL with synthetic Harbor data and serve its metrics',
    '  --help           this text',
    '  --version        print the version',
    '  --print-config   print the effective configuration (secrets redacted) and exit',
    '',
    'Settings (flag > environment > --config.file YAML):',
  ];
  for (const spec of settings) {
    const extras = [
      spec.default !== undefined && spec.default !== '' ? `default ${spec.default}` : undefined,
      spec.choices ? `one of ${spec.choices.join('|')}` : undefined,
      spec.secret ? `or --${spec.key}-file` : undefined,
    ].filter(Boolean);
    lines.push(`  --${spec.key}=<${spec.type}>`);
    lines.push(`      ${spec.help}${extras.length ? ` (${extras.join('; ')})` : ''}`);
    lines.push(`      env ${envName(spec.key)}${spec.envAliases ? `, ${spec.envAliases.join(', ')}` : ''}`);
  }
  lines.push(
    '',
    'Collectors (--collector.<name> / --no-collector.<name>, env HARBOR_EXPORTER_COLLECTOR_<NAME>=true|false):',
  );
  for (const collector of [...collectors].sort((a, b) => a.name.localeCompare(b.name))) {
    lines.push(
      `  ${collector.name.padEnd(18)} [${collector.source}] ${collector.defaultEnabled ? 'on' : 'off'} by default: ${collector.help}`,
    );
  }
  return lines.join('\n') + '\n';
}

/** `--print-config`: the effective values and where each came from, secrets redacted. */
export function printableConfig(parsed: ParsedInvocation): string {
  const lines: string[] = [];
  for (const spec of settings) {
    const resolved = parsed.values.get(spec.key);
    if (!resolved || resolved.value === undefined) continue;
    let shown: string;
    // A URL keeps all but its password, whether the setting is secret or not (credentials in harbor.url).
    if (spec.type === 'url') shown = redactUrl(String(resolved.value));
    else if (spec.secret) shown = '<redacted>';
    else if (spec.type === 'duration') shown = formatDuration(resolved.value as number);
    else if (Array.isArray(resolved.value)) shown = resolved.value.join(',');
    else shown = String(resolved.value);
    lines.push(`${spec.key}=${shown}  # ${resolved.origin}`);
  }
  for (const [name, resolved] of [...parsed.collectors].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`collector.${name}=${resolved.value}  # ${resolved.origin}`);
  }
  return lines.join('\n') + '\n';
}

/** A connection URL without its password, for logs. */
export function redactUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password) url.password = 'REDACTED';
    return url.toString();
  } catch {
    return '<unparseable url>';
  }
}
