import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http';
import {
  createServer as createNetServer,
  type AddressInfo,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { silentLogger, type Logger } from '../log.js';
import type { RenderedMetrics } from '../telemetry/pipeline.js';
import { BasicAuthChecker } from './basic-auth.js';
import { ConnectionSlots } from './connection-slots.js';
import { sendMetrics } from './metrics-response.js';
import { statusPageHtml, type OtlpStatus, type SourceStatus, type StatusPageMode } from './status-page.js';
import { TlsHandshakes } from './tls-handshake.js';
import type { WebConfig } from './web-config.js';

export { PROMETHEUS_CONTENT_TYPE } from './metrics-response.js';
export type { CollectorStatus, OtlpStatus, SourceStatus, StatusPageMode } from './status-page.js';

/** Routes that answer without basic auth, so that probes need no credentials; they tell nothing about Harbor. */
const OPEN_PATHS = new Set(['/healthz', '/readyz']);

/** Sent with every answer; the web configuration's headers are added on top. */
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/** Longest wait for a request's head and body: a client trickling its headers holds a connection no longer. */
const REQUEST_TIMEOUT_MS = 10_000;

export interface HttpServerOptions {
  host: string;
  port: number;
  telemetryPath: string;
  version: string;
  metrics: () => RenderedMetrics | undefined;
  sources: () => readonly SourceStatus[];
  /** The web configuration in force (TLS, basic auth, headers), read at each connection and request. */
  webConfig?: () => WebConfig;
  /** Connections open at once; past it the one idle or stalled longest is closed. */
  maxConnections?: number;
  /** Longest a request may take from its arrival to the end of its answer; also the longest a connection may idle mid-answer. */
  responseTimeoutMs?: number;
  /** Longest wait for a request's head and body (10 s). */
  requestTimeoutMs?: number;
  statusPage?: StatusPageMode;
  demo?: boolean;
  otlp?: () => OtlpStatus | undefined;
  /** Where each source connects, for the detailed status page. */
  endpoints?: () => Readonly<Record<string, string>>;
  log?: Logger;
}

const DEFAULT_MAX_CONNECTIONS = 128;
/** Longer than the idle timeouts of load balancers in front of the exporter, so they close first. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
const DEFAULT_RESPONSE_TIMEOUT_MS = 30_000;

/**
 * The exporter's own HTTP server. /metrics copies bytes rendered after the last refresh: a scrape costs the
 * same whatever Harbor is doing. Connections are accepted by a plain TCP server, given TLS when the web
 * configuration in force asks for it, and handed to the HTTP server, so a certificate rotated on disk is served
 * from the next connection on without a restart.
 */
export class ExporterHttpServer {
  private readonly listener: NetServer;
  private readonly http: HttpServer;
  private readonly slots: ConnectionSlots;
  private readonly auth = new BasicAuthChecker();
  private readonly handshakes = new TlsHandshakes((socket) => this.http.emit('connection', socket));
  private readonly log: Logger;
  private readonly responseTimeoutMs: number;
  private lastDropWarningMs = 0;

  constructor(private readonly options: HttpServerOptions) {
    this.log = options.log ?? silentLogger;
    this.responseTimeoutMs = options.responseTimeoutMs ?? DEFAULT_RESPONSE_TIMEOUT_MS;
    const requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    this.http = createHttpServer(
      // Requests past their timeout are looked for this often (30 s by Node's default).
      { connectionsCheckingInterval: Math.min(1_000, requestTimeoutMs) },
      (request, response) => void this.handle(request, response),
    );
    // An idle keep-alive connection is closed after the response timeout at the latest: a client whose whole
    // answer sits unread in the kernel's buffers holds its connection no longer than one still being sent.
    this.http.keepAliveTimeout = Math.min(KEEP_ALIVE_TIMEOUT_MS, this.responseTimeoutMs);
    this.http.headersTimeout = requestTimeoutMs;
    this.http.requestTimeout = requestTimeoutMs;
    // A connection on which nothing moves (a client that stopped reading its answer) is closed.
    this.http.timeout = this.responseTimeoutMs;
    this.slots = new ConnectionSlots(options.maxConnections ?? DEFAULT_MAX_CONNECTIONS);
    // What http.Server would set on the sockets it accepts itself: without noDelay, the last small segment of an
    // answer written in parts waits for the client's delayed ACK (about 40 ms).
    this.listener = createNetServer({ noDelay: true }, (socket) => this.accept(socket));
  }

  async listen(): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.listener.once('error', reject);
      this.listener.listen(this.options.port, this.options.host || undefined, () => {
        this.listener.off('error', reject);
        resolve();
      });
    });
    // The HTTP server receives its connections from the listener; it checks its header and request timeouts
    // only once it has been told that it listens.
    this.http.emit('listening');
    return this.listener.address() as AddressInfo;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.listener.close(() => resolve());
      this.slots.closeAll();
      this.http.closeAllConnections();
    });
    this.http.close();
  }

  /** Connections open now, handshakes included. */
  get connections(): number {
    return this.slots.size;
  }

  private accept(socket: Socket): void {
    socket.on('error', () => socket.destroy());
    if (this.slots.admit(socket) > 0) this.warnFull();
    const tls = this.options.webConfig?.().tls;
    if (tls) this.handshakes.accept(socket, tls);
    else this.http.emit('connection', socket);
  }

  private warnFull(): void {
    const now = Date.now();
    if (now - this.lastDropWarningMs < 60_000) return;
    this.lastDropWarningMs = now;
    this.log.warn('connections full: closed the one idle or stalled longest', {
      max_connections: this.slots.max,
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // A client that does not take its answer in time loses the connection.
    const deadline = setTimeout(() => response.destroy(), this.responseTimeoutMs);
    this.slots.touch(request.socket);
    response.once('close', () => {
      clearTimeout(deadline);
      this.slots.touch(request.socket);
    });
    const config = this.options.webConfig?.();
    for (const [name, value] of Object.entries({ ...SECURITY_HEADERS, ...config?.headers }))
      response.setHeader(name, value);

    const path = (request.url ?? '/').split('?')[0]!;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (config && config.basicAuthUsers.size > 0 && !OPEN_PATHS.has(path)) {
      const allowed = await this.auth.check(request.headers.authorization, config.basicAuthUsers);
      if (!allowed) {
        response
          .writeHead(401, {
            'content-type': 'text/plain',
            'www-authenticate': 'Basic realm="harbor-exporter"',
          })
          .end('unauthorized\n');
        return;
      }
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
    const statusPage = this.options.statusPage ?? 'summary';
    if (path === '/' && statusPage !== 'off') {
      const page = statusPageHtml({
        version: this.options.version,
        telemetryPath: this.options.telemetryPath,
        mode: statusPage,
        demo: this.options.demo ?? false,
        sources: this.options.sources(),
        otlp: this.options.otlp?.(),
        endpoints: this.options.endpoints?.() ?? {},
        nowMs: Date.now(),
      });
      return void response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  }

  private serveMetrics(request: IncomingMessage, response: ServerResponse): void {
    const rendered = this.options.metrics();
    if (!rendered) {
      response.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' }).end('not rendered yet\n');
      return;
    }
    sendMetrics(request, response, rendered);
  }
}
