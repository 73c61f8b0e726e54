import { Document } from 'yaml';
import { formatDuration } from './durations.js';
import { rangeText } from './range.js';
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
    '  --print-config   print the configuration in effect as YAML for --config.file (secrets left out) and exit',
    '',
    'Settings (flag > environment > --config.file YAML; a list flag may be repeated, any other is given once):',
  ];
  for (const spec of settings) {
    const extras = [
      spec.default !== undefined && spec.default !== '' ? `default ${spec.default}` : undefined,
      spec.choices ? `one of ${spec.choices.join('|')}` : undefined,
      rangeText(spec),
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

/**
 * `--print-config`: the values in effect as a YAML file that `--config.file` reads back, each with where it came
 * from. A secret read from a file is shown as its `-file` setting; one given inline is only named in the header,
 * and database.url loses its password.
 */
export function printableConfig(parsed: ParsedInvocation): string {
  const document = new Document({});
  const notPrinted: string[] = [];
  const put = (path: string[], value: unknown, comment: string) => {
    const node = document.createNode(value, { flow: true });
    node.comment = ` ${comment}`;
    document.setIn(path, node);
  };
  for (const spec of settings) {
    const resolved = parsed.values.get(spec.key);
    if (spec.key === 'config.file' || resolved?.value === undefined) continue;
    const path = spec.key.split('.');
    const { value, origin } = resolved;
    if (spec.secret && resolved.file !== undefined) {
      put([...path.slice(0, -1), `${path.at(-1)}-file`], resolved.file, origin);
    } else if (spec.type === 'url') {
      const url = new URL(String(value));
      const comment = url.password ? `${origin}; password not printed` : origin;
      url.password = '';
      put(path, url.toString(), comment);
    } else if (spec.secret) {
      notPrinted.push(`${spec.key} (${origin})`);
    } else {
      put(path, spec.type === 'duration' ? formatDuration(Number(value)) : value, origin);
    }
  }
  for (const [name, resolved] of [...parsed.collectors].sort(([a], [b]) => a.localeCompare(b))) {
    put(['collector', name], resolved.value, resolved.origin);
  }
  document.commentBefore = [
    ' The configuration in effect, readable with --config.file; each comment says where a value came from.',
    ...(notPrinted.length
      ? [' Secrets given inline are not printed:', ...notPrinted.map((entry) => `   ${entry}`)]
      : []),
  ].join('\n');
  return document.toString();
}
