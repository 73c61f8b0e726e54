import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { RenderedMetrics } from '../telemetry/pipeline.js';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** What the status page and /readyz need to know about a source. */
export interface SourceStatus {
  name: string;
  refreshes: number;
  success: boolean;
  lastSuccessSeconds?: number;
  lastError?: string;
}

export interface HttpServerOptions {
  host: string;
  port: number;
  telemetryPath: string;
  version: string;
  metrics: () => RenderedMetrics | undefined;
  sources: () => readonly SourceStatus[];
}

/**
 * The exporter's own HTTP server. /metrics copies bytes rendered after the last refresh: a scrape costs the
 * same whatever Harbor is doing.
 */
export class ExporterHttpServer {
  private readonly server: Server;

  constructor(private readonly options: HttpServerOptions) {
    this.server = createServer((request, response) => this.handle(request, response));
    this.server.keepAliveTimeout = 65_000;
  }

  async listen(): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host || undefined, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this.server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === this.options.telemetryPath) return this.serveMetrics(request, response);
    if (path === '/healthz')
      return void response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    if (path === '/readyz') {
      const waiting = this.options.sources().filter((source) => source.refreshes === 0);
      if (waiting.length === 0)
        return void response.writeHead(200, { 'content-type': 'text/plain' }).end('ready\n');
      response
        .writeHead(503, { 'content-type': 'text/plain' })
        .end(`waiting for the first refresh of: ${waiting.map((source) => source.name).join(', ')}\n`);
      return;
    }
    if (path === '/') return this.serveStatusPage(response);
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  }

  private serveMetrics(request: IncomingMessage, response: ServerResponse): void {
    const rendered = this.options.metrics();
    if (!rendered) {
      response.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' }).end('not rendered yet\n');
      return;
    }
    const gzipOk = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    const body = rendered.body(gzipOk);
    response.writeHead(200, {
      'content-type': PROMETHEUS_CONTENT_TYPE,
      'content-length': body.bytes,
      'last-modified': new Date(rendered.renderedAtMs).toUTCString(),
      vary: 'Accept-Encoding',
      ...(gzipOk ? { 'content-encoding': 'gzip' } : {}),
    });
    if (request.method === 'HEAD') return void response.end();
    // The plain text is rendered as the client reads it, a part ahead at most: a client that stops reading stops
    // the rendering.
    pipeline(Readable.from(body.parts, { highWaterMark: 1 }), response).catch(() => response.destroy());
  }

  private serveStatusPage(response: ServerResponse): void {
    const rows = this.options
      .sources()
      .map((source) => {
        const state = source.refreshes === 0 ? 'starting' : source.success ? 'ok' : 'failing';
        const last = source.lastSuccessSeconds
          ? new Date(source.lastSuccessSeconds * 1000).toISOString()
          : 'never';
        return `<tr><td>${escapeHtml(source.name)}</td><td>${state}</td><td>${last}</td><td>${escapeHtml(source.lastError ?? '')}</td></tr>`;
      })
      .join('\n');
    const page = `<!doctype html>
<html><head><meta charset="utf-8"><title>harbor-exporter</title></head>
<body>
<h1>harbor-exporter ${escapeHtml(this.options.version)}</h1>
<p><a href="${escapeHtml(this.options.telemetryPath)}">Metrics</a> · <a href="/healthz">Liveness</a> · <a href="/readyz">Readiness</a></p>
<table border="1" cellpadding="4">
<tr><th>source</th><th>state</th><th>last success</th><th>last error</th></tr>
${rows}
</table>
</body></html>
`;
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
