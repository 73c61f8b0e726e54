// Writes docs/metrics.md from the metric catalog and the collector registry, so the reference cannot drift from
// what the exporter publishes. Usage: npm run docs (a test fails when the file is out of date).
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compatibilityNotes, notPublished } from '../src/catalog/compat-notes.js';
import { catalog, exposedName, type MetricDefinition, type SourceName } from '../src/catalog/index.js';
import { allCollectors } from '../src/wiring.js';
import { cell, code } from './markdown.js';

export const metricsDocPath = resolve(import.meta.dirname, '..', 'docs', 'metrics.md');

const sourceTitles: Record<SourceName, string> = {
  exporter: "The exporter's own health",
  database: "Harbor's PostgreSQL (database source)",
  api: "Harbor's REST API (API source)",
  kubernetes: 'Kubernetes (kubernetes source)',
  storage: 'Registry storage (storage source)',
};

/** Collectors that are not switches: they always run with their source. */
const builtInCollectors: Record<string, string> = {
  exporter: 'The refresh engine itself; always on.',
  runtime: 'The process and the Node.js runtime, read at each scrape and each OTLP push; always on.',
  source: "The source's own answer to each refresh; always on while the source is configured.",
};

function switchOf(source: SourceName, collector: string) {
  return allCollectors.find((candidate) => candidate.source === source && candidate.name === collector);
}

function kindText(definition: MetricDefinition): string {
  return definition.kind === 'info' ? 'gauge (info, always 1)' : definition.kind;
}

function metricRow(definition: MetricDefinition): string {
  const attributes = definition.attributes.length ? definition.attributes.map(code).join(', ') : '—';
  const fallback = definition.fallback
    ? `<br>Without a database: from the ${definition.fallback.source} collector ${code(definition.fallback.collector)}.`
    : '';
  const harborSource = definition.harborSource
    ? `<br>Harbor's definition: ${cell(definition.harborSource)}.`
    : '';
  return (
    `| ${code(exposedName(definition))} | ${kindText(definition)} | ${code(definition.unit)} | ${attributes} | ` +
    `${cell(definition.help)}${harborSource}${fallback} | ${definition.harborVersions ?? '—'} |`
  );
}

function collectorHeading(source: SourceName, collector: string): string[] {
  const registered = switchOf(source, collector);
  if (registered) {
    const state = registered.defaultEnabled
      ? `On by default; ${code(`--no-collector.${collector}`)} turns it off.`
      : `Off by default; ${code(`--collector.${collector}`)} turns it on.`;
    return [`### ${code(collector)}`, '', `${cell(registered.help)} ${state}`];
  }
  return [`### ${code(collector)}`, '', builtInCollectors[collector] ?? 'Always on.'];
}

function sourceSections(): string[] {
  const lines: string[] = [];
  const sources = [...new Set(catalog.map((definition) => definition.source))];
  for (const source of sources) {
    lines.push(`## ${sourceTitles[source]}`, '');
    const collectors = [...new Set(catalog.filter((d) => d.source === source).map((d) => d.collector))];
    for (const collector of collectors) {
      lines.push(...collectorHeading(source, collector), '');
      lines.push(
        '| Metric | Kind | Unit | Attributes | Description | Harbor |',
        '| --- | --- | --- | --- | --- | --- |',
      );
      for (const definition of catalog) {
        if (definition.source === source && definition.collector === collector)
          lines.push(metricRow(definition));
      }
      lines.push('');
    }
  }
  return lines;
}

function fallbackSection(): string[] {
  const standIns = catalog.filter((definition) => definition.fallback);
  if (standIns.length === 0) return [];
  const lines = [
    '## Metrics the API gives when there is no database',
    '',
    'When the database source is not configured, these collectors of the API source publish the same metrics,',
    'under the same names and attributes, from what the API shows. They run only then, so a metric always has one',
    'source at a time.',
    '',
    '| Collector | Default | Metrics |',
    '| --- | --- | --- |',
  ];
  const byCollector = new Map<string, MetricDefinition[]>();
  for (const definition of standIns) {
    const key = `${definition.fallback!.source}/${definition.fallback!.collector}`;
    byCollector.set(key, [...(byCollector.get(key) ?? []), definition]);
  }
  for (const [key, definitions] of byCollector) {
    const [source, collector] = key.split('/') as [SourceName, string];
    const registered = switchOf(source, collector);
    const state = registered ? (registered.defaultEnabled ? 'on' : 'off') : '—';
    const names = definitions.map((definition) => code(exposedName(definition))).join(', ');
    lines.push(`| ${code(collector)} (${source}) | ${state} | ${names} |`);
  }
  lines.push('');
  return lines;
}

function compatibilitySection(): string[] {
  const lines = [
    '## Compatibility names',
    '',
    '`--compat=seed` and `--compat=harbor` also publish metrics under the names older exporters used, so existing',
    'dashboards and alert rules keep working while they move to the names above: `seed` is c4po/harbor_exporter and',
    "the Kubernetes fork of it this exporter grew from, `harbor` is Harbor's built-in exporter. A compatibility",
    'series carries the value the old exporter computed from the same data, with its labels and label values: where',
    'it had fewer labels, the series are summed over the missing ones; a label it had that the metric lacks is',
    "joined from an info metric on `project` or `policy`; where it wrote Harbor's -1 for no limit, so does the",
    'compatibility series. When both sets use one name with the same shape, they share the family; `harbor_up` has',
    "two shapes, and with both sets on only Harbor's `harbor_up{component}` is published.",
    '',
    'Tests compare each family with the original definition on the same database, and run the panel queries of',
    "Harbor's `contrib/grafana-dashboard/metrics-example.json` and c4po's `grafana/harbor-overview.json` against a",
    'real Prometheus scraping the exporter with `--compat=seed,harbor`: every query about a published name returns',
    'data. No public alert rule file written for these exporters was found; the rules in',
    '`test/deploy/fixtures/original-exporters/migration.rules.yaml` stand for the usual ones.',
    '',
    '| Set | Old name | Old type | Catalog metric | Labels |',
    '| --- | --- | --- | --- | --- |',
  ];
  const rows: string[] = [];
  for (const definition of catalog) {
    for (const alias of definition.compat ?? []) {
      const labels = [
        ...Object.entries(alias.labels ?? {}).map(([from, to]) => `${code(from)} → ${code(to)}`),
        ...Object.entries(alias.values ?? {}).flatMap(([attribute, values]) =>
          Object.entries(values).map(([from, to]) => `${code(`${attribute}=${from}`)} → ${code(to)}`),
        ),
        ...Object.entries(alias.only ?? {}).map(
          ([attribute, value]) => `only ${code(`${attribute}=${value}`)}`,
        ),
        ...(alias.dropAttributes ?? []).map((attribute) => `${code(attribute)} summed away`),
        ...Object.entries(alias.constantLabels ?? {}).map(
          ([name, value]) => `adds ${code(`${name}="${value}"`)}`,
        ),
      ];
      rows.push(
        `| ${alias.set} | ${code(alias.name)} | ${alias.kind} | ${code(exposedName(definition))} | ${labels.join('<br>') || 'as is'} |`,
      );
    }
  }
  rows.sort();
  lines.push(...rows, '');
  lines.push(...definitionsSection(), ...notPublishedSection());
  return lines;
}

function definitionsSection(): string[] {
  const lines = [
    '### What each old name meant, and what differs here',
    '',
    '| Set | Old name | The old exporter published | From | What differs |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const note of compatibilityNotes) {
    const from = catalog
      .filter((definition) =>
        definition.compat?.some((alias) => alias.set === note.set && alias.name === note.name),
      )
      .map((definition) => code(exposedName(definition)))
      .join(', ');
    lines.push(
      `| ${note.set} | ${code(note.name)} | ${cell(note.original)} | ${from} | ${cell(note.difference ?? 'Nothing: same values on the same Harbor.')} |`,
    );
  }
  lines.push('');
  return lines;
}

function notPublishedSection(): string[] {
  return [
    '### Names the old dashboards query that no set publishes',
    '',
    '| Names | Why |',
    '| --- | --- |',
    ...notPublished.map((entry) => `| ${cell(code(entry.pattern))} | ${cell(entry.reason)} |`),
    '',
  ];
}

export function renderMetricsDoc(): string {
  const counts = new Map<SourceName, number>();
  for (const definition of catalog) counts.set(definition.source, (counts.get(definition.source) ?? 0) + 1);
  const lines = [
    '# Metrics reference',
    '',
    '<!-- Generated by scripts/generate-metrics-doc.ts from src/catalog/ and src/wiring.ts;',
    'edit those, then run `npm run docs`. -->',
    '',
    `${catalog.length} metrics: ${[...counts].map(([source, count]) => `${count} ${source}`).join(', ')}.`,
    '',
    '- **Names** are Prometheus names with the unit in them (`_bytes`, `_seconds`). Counters end in `_total` on',
    '  `/metrics`; over OTLP they are cumulative monotonic sums named without `_total`. Gauges are gauges in both.',
    '- **Units** are UCUM as OpenTelemetry writes them, chosen so that a backend translating OTLP names into',
    "  Prometheus names (Prometheus' OTLP receiver, Grafana Cloud, the Collector's Prometheus exporters) arrives at",
    '  the names of `/metrics`: `By` and `s` only where the name already ends in `_bytes` or `_seconds`, counts as',
    '  annotations in braces (`{repository}`, which add nothing), and no unit at all for states, flags, info metrics',
    '  and versions. Never `1`: translation appends `_ratio` to a gauge of unit `1`.',
    '- **Attributes** mean the same everywhere: `project` is the project name, `repository` the repository as',
    '  Harbor shows it (`project/name`), `tag` a tag name.',
    '- **Series disappear** within one refresh when Harbor no longer holds the object (a deleted repository has no',
    '  series, not a zero).',
    '- Every series also reaches OTLP with the resource attributes (`service.name`, `service.version`, and',
    '  `OTEL_RESOURCE_ATTRIBUTES`); on `/metrics` those are on `target_info`.',
    '- **Status labels** are lower-case snake case everywhere (`success`, `error`, `in_progress`), whatever case',
    "  Harbor writes them in; the words are Harbor's own for that subject (job executions say `success` and",
    "  `error`, replication says `succeeded` and `failed`). Compatibility names keep the old exporters' values.",
    '- **Harbor** is the range of Harbor releases a metric was checked against.',
    '',
    ...sourceSections(),
    ...fallbackSection(),
    ...compatibilitySection(),
  ];
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  writeFileSync(metricsDocPath, renderMetricsDoc());
  console.log('wrote docs/metrics.md');
}
