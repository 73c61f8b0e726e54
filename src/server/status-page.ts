/** What the status page and /readyz need to know about a collector. */
export interface CollectorStatus {
  name: string;
  success: boolean;
  stale: boolean;
  lastSuccessSeconds?: number;
  lastError?: string;
}

/** What the status page and /readyz need to know about a source. */
export interface SourceStatus {
  name: string;
  refreshes: number;
  success: boolean;
  lastSuccessSeconds?: number;
  lastError?: string;
  collectors?: readonly CollectorStatus[];
}

export interface OtlpStatus {
  endpoint: string;
  succeeded: number;
  failed: number;
  lastSuccessSeconds?: number;
}

/**
 * `summary` shows states, ages and counts; `detailed` adds error messages and where each source and the OTLP
 * push connect (host, user, URL), which tell an attacker about the network; `off` serves no page.
 */
export type StatusPageMode = 'summary' | 'detailed' | 'off';

export interface StatusPageFacts {
  version: string;
  telemetryPath: string;
  mode: Exclude<StatusPageMode, 'off'>;
  demo: boolean;
  sources: readonly SourceStatus[];
  otlp?: OtlpStatus;
  /** Where each source connects, e.g. `database: exporter@db:5432/registry`; shown only in detailed mode. */
  endpoints: Readonly<Record<string, string>>;
  nowMs: number;
}

/** The status page: a small HTML document with no script, style or outside reference. */
export function statusPageHtml(facts: StatusPageFacts): string {
  const detailed = facts.mode === 'detailed';
  const age = (seconds?: number) =>
    seconds ? `${Math.max(0, Math.round(facts.nowMs / 1000 - seconds))} s ago` : 'never';
  const state = (ok: boolean, extra = '') => (ok ? 'ok' : 'failing') + extra;
  const errorCell = (error?: string) => (detailed ? `<td>${escapeHtml(error ?? '')}</td>` : '');
  const errorHead = detailed ? '<th>last error</th>' : '';

  const sourceRows = facts.sources.map((source) => {
    const sourceState = source.refreshes === 0 ? 'starting' : state(source.success);
    const endpoint =
      detailed && facts.endpoints[source.name] ? escapeHtml(facts.endpoints[source.name]!) : '';
    return `<tr><td>${escapeHtml(source.name)}</td><td>${sourceState}</td><td>${age(source.lastSuccessSeconds)}</td>${detailed ? `<td>${endpoint}</td>` : ''}${errorCell(source.lastError)}</tr>`;
  });
  const collectorRows = facts.sources.flatMap((source) =>
    (source.collectors ?? []).map(
      (collector) =>
        `<tr><td>${escapeHtml(collector.name)}</td><td>${escapeHtml(source.name)}</td><td>${state(collector.success, collector.stale ? ', stale values' : '')}</td><td>${age(collector.lastSuccessSeconds)}</td>${errorCell(collector.lastError)}</tr>`,
    ),
  );
  const otlp = facts.otlp
    ? `<p>OTLP push${detailed ? ` to ${escapeHtml(facts.otlp.endpoint)}` : ''}: ${facts.otlp.succeeded} succeeded, ${facts.otlp.failed} failed, last success ${age(facts.otlp.lastSuccessSeconds)}.</p>`
    : '<p>OTLP push: off.</p>';
  const demo = facts.demo
    ? '<p><strong>Demo:</strong> the data come from an embedded PostgreSQL and a Harbor API simulator holding a synthetic registry, not from a real Harbor.</p>\n'
    : '';
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>harbor-exporter${facts.demo ? ' (demo)' : ''}</title></head>
<body>
<h1>harbor-exporter ${escapeHtml(facts.version)}${facts.demo ? ' (demo)' : ''}</h1>
${demo}<p><a href="${escapeHtml(facts.telemetryPath)}">Metrics</a> · <a href="/healthz">Liveness</a> · <a href="/readyz">Readiness</a></p>
<h2>Sources</h2>
<table border="1" cellpadding="4">
<tr><th>source</th><th>state</th><th>data age</th>${detailed ? '<th>connects to</th>' : ''}${errorHead}</tr>
${sourceRows.join('\n')}
</table>
<h2>Collectors</h2>
<table border="1" cellpadding="4">
<tr><th>collector</th><th>source</th><th>state</th><th>data age</th>${errorHead}</tr>
${collectorRows.join('\n')}
</table>
${otlp}
</body></html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
