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

/** How /metrics is exposed and protected: the listen address, the web configuration file, limits. */
function webSection(): string[] {
  return [
    '## Serving /metrics: listen address, TLS, basic auth, limits',
    '',
    '### Listen address',
    '',
    'The exporter listens on every interface (`:9868`) by default, as Prometheus exporters do: Prometheus scrapes',
    'it from another host or pod. To bind one interface, give its address: `--web.listen-address=127.0.0.1:9868`',
    '(loopback only, e.g. behind a sidecar proxy), `--web.listen-address=[::1]:9868`, or one address of the host',
    '(`10.0.3.7:9868`). `harbor-exporter demo` (and `npm start` with nothing configured) listens on `127.0.0.1`',
    'unless `--web.listen-address` is given, since it runs with no configuration at all. An address already in use',
    'stops start-up with exit code 2, naming `web.listen-address`.',
    '',
    '### The web configuration file (`--web.config.file`)',
    '',
    '`/metrics` publishes project and repository names. It is protected with the web configuration file of',
    "Prometheus' own exporters (the exporter-toolkit format), so the same file works here:",
    '',
    '```yaml',
    'tls_server_config:',
    '  cert_file: /etc/harbor-exporter/tls/tls.crt # PEM; relative paths are relative to this file',
    '  key_file: /etc/harbor-exporter/tls/tls.key',
    '  # Client certificates: NoClientCert (default), RequestClientCert, RequireAnyClientCert,',
    '  # VerifyClientCertIfGiven, RequireAndVerifyClientCert (the one that authenticates clients).',
    '  client_auth_type: RequireAndVerifyClientCert',
    '  client_ca_file: /etc/harbor-exporter/tls/ca.crt',
    '  # client_allowed_sans: [prometheus.monitoring.svc] # with RequireAnyClientCert or RequireAndVerifyClientCert',
    '  min_version: TLS12 # default; TLS10, TLS11, TLS12, TLS13',
    '  # max_version: TLS13',
    '  # curve_preferences: [X25519, CurveP256]',
    'basic_auth_users:',
    '  # user: bcrypt hash, e.g. from: htpasswd -nBC 10 "" | tr -d \':\\n\'',
    '  prometheus: $2y$10$PlqSQwc4.q4EzmbPBDxv5OQejE7h2M16cWopFTX1FZHsmQZl7rF5i',
    'http_server_config:',
    '  headers: # only these five may be set',
    '    Strict-Transport-Security: max-age=31536000',
    '    # Content-Security-Policy, X-Frame-Options (deny | sameorigin), X-Content-Type-Options (nosniff),',
    '    # X-XSS-Protection',
    '```',
    '',
    '- `cert`, `key` and `client_ca` may hold the PEM text itself instead of a file name (not both).',
    '- With `basic_auth_users`, every route but `/healthz` and `/readyz` asks for a user and password (401 and',
    '  `WWW-Authenticate: Basic` without them), so that Kubernetes probes need no credentials; those two tell',
    '  nothing about Harbor. A checked password is remembered (by a digest of user, password and hash), so bcrypt',
    '  costs its tens of milliseconds once, not at every scrape.',
    '- A required client certificate is checked during the TLS handshake: a client without one (or with one no CA',
    '  in `client_ca_file` signed) gets no HTTP answer at all. HTTPS probes send no certificate, so with',
    '  `RequireAnyClientCert` or `RequireAndVerifyClientCert` use `tcpSocket` probes.',
    '- The file and every file it names are checked for changes every 2 seconds (following symbolic links, so a',
    "  Kubernetes Secret's atomic update is seen) and read again whole: a renewed certificate, a new user or a new",
    '  client policy applies to the next connection, without a restart; open connections keep theirs. A change',
    '  that cannot be used (a certificate written before its key, a typo) is logged and the configuration in force',
    '  stays. TLS can be turned on or off this way too.',
    '- At start-up a file that cannot be used stops the exporter with exit code 2 and one line naming',
    '  `web.config.file` and the field at fault. Unknown fields are refused, as are `cipher_suites` (OpenSSL',
    '  defaults are used) and `rate_limit` (see `--web.max-connections`); `http2` is accepted and HTTP/1.1 served.',
    '',
    'Prometheus scrapes such an exporter with:',
    '',
    '```yaml',
    'scrape_configs:',
    '  - job_name: harbor',
    '    scheme: https',
    '    tls_config:',
    '      ca_file: /etc/prometheus/harbor-exporter-ca.crt',
    '      cert_file: /etc/prometheus/client.crt # with a client_auth_type that asks for one',
    '      key_file: /etc/prometheus/client.key',
    '    basic_auth:',
    '      username: prometheus',
    '      password_file: /etc/prometheus/harbor-exporter-password',
    '    static_configs:',
    "      - targets: ['harbor-exporter:9868']",
    '```',
    '',
    '### Slow and stalled clients',
    '',
    'An answer is sent as fast as the client reads it, never copied whole per client. A request must be received',
    'within 10 s and answered within `--web.response-timeout` (30 s), and a connection on which nothing moves for',
    'that long is closed: a client that stops reading loses its connection. At most `--web.max-connections` (128)',
    'are open at once; a new connection past that closes the one idle or stalled longest, so clients that never',
    'read cannot lock Prometheus out (an idle keep-alive connection closed this way is opened again at the next',
    'scrape). An idle keep-alive connection is closed after 65 s, or after `--web.response-timeout` when that is',
    "shorter, so a client whose whole answer sits unread in the kernel's buffers holds its connection no longer",
    'than one still being sent.',
    '',
    '### The status page',
    '',
    "`/` shows each source's and collector's state and the age of its data, and the OTLP push's counts",
    '(`--web.status-page=summary`, the default); `detailed` adds error messages and where each source connects',
    '(host, user, URL), which is worth hiding from whoever can reach the port; `off` serves no page. The demo shows',
    '`detailed` and says it is the demo. Every answer carries `X-Content-Type-Options: nosniff`,',
    '`X-Frame-Options: DENY`, a `Content-Security-Policy` that allows nothing, `Referrer-Policy: no-referrer` and',
    "`Cache-Control: no-store`; the web configuration's headers are added to them. `--web.telemetry-path` may not",
    'be `/`, `/healthz` or `/readyz` (exit code 2).',
    '',
  ];
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
    ...webSection(),
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
