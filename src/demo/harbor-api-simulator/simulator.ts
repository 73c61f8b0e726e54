import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { FaultPlan, type Fault } from './faults.js';
import { HarborObjects } from './harbor-objects.js';
import { errorAnswer, routes, type Answer, type Caller } from './routes.js';
import { defaultSimulatorState, type SimulatorState } from './simulator-state.js';

const BASE_PATH = '/api/v2.0';

export interface SimulatorAccount {
  username: string;
  password: string;
  /** A system administrator reads everything. */
  sysadmin?: boolean;
  /** Otherwise (a robot account), the permission resources it may read: `project`, `quota`, `registry`, ... */
  permissions?: readonly string[];
}

export interface SimulatorOptions {
  /** The (synthetic) Harbor database the answers are read from. */
  database: pg.PoolConfig;
  accounts?: readonly SimulatorAccount[];
  host?: string;
  port?: number;
  state?: SimulatorState;
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

/** One answer as it went out, for tests (contract checks, request counts). */
export interface SimulatorAnswer {
  method: string;
  /** Path below /api/v2.0, without the query. */
  path: string;
  query: string;
  username?: string;
  userAgent?: string;
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Set when an injected fault shaped the answer on purpose. */
  fault?: Fault;
}

export const DEFAULT_ACCOUNT: SimulatorAccount = {
  username: 'admin',
  password: 'Harbor12345',
  sysadmin: true,
};

/**
 * A Harbor API server for the tests and the demo: the endpoints the exporter reads, with Harbor's paging,
 * authentication and errors, answering from the same synthetic database the database source reads, plus
 * in-memory state for what Harbor keeps in its services. Faults (errors, slowness, broken bodies) on demand.
 */
export class HarborApiSimulator {
  readonly state: SimulatorState;
  readonly faults = new FaultPlan();
  /** Called with every answer, after it is sent. */
  onAnswer?: (answer: SimulatorAnswer) => void;
  private readonly objects: HarborObjects;
  private readonly accounts: readonly SimulatorAccount[];
  private readonly server: http.Server;
  private harborVersion = '';
  private address?: AddressInfo;
  private pending = 0;
  private readonly firstPages = new WeakMap<Fault, Answer>();
  /** The most requests it ever had in progress at once. */
  peakInFlight = 0;

  private constructor(private readonly options: SimulatorOptions) {
    this.state = options.state ?? defaultSimulatorState();
    this.accounts = options.accounts ?? [DEFAULT_ACCOUNT];
    this.objects = new HarborObjects(options.database, () => this.url);
    const handler = (request: http.IncomingMessage, response: http.ServerResponse) =>
      void this.handle(request, response);
    this.server = options.tls ? https.createServer(options.tls, handler) : http.createServer(handler);
    this.server.keepAliveTimeout = 5_000;
  }

  static async start(options: SimulatorOptions): Promise<HarborApiSimulator> {
    const simulator = new HarborApiSimulator(options);
    simulator.harborVersion = await simulator.objects.harborVersion();
    await new Promise<void>((resolve, reject) => {
      simulator.server.once('error', reject);
      simulator.server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    simulator.address = simulator.server.address() as AddressInfo;
    return simulator;
  }

  /** Harbor's URL (without /api/v2.0). */
  get url(): string {
    if (!this.address) return 'http://127.0.0.1';
    const host = this.address.family === 'IPv6' ? `[${this.address.address}]` : this.address.address;
    return `${this.options.tls ? 'https' : 'http'}://${host}:${this.address.port}`;
  }

  /** Requests received and not yet answered. */
  get inFlight(): number {
    return this.pending;
  }

  inject(fault: Fault): void {
    this.faults.add(fault);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.objects.close();
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    this.pending++;
    this.peakInFlight = Math.max(this.peakInFlight, this.pending);
    const url = new URL(request.url ?? '/', 'http://simulator');
    const path = url.pathname.startsWith(BASE_PATH) ? url.pathname.slice(BASE_PATH.length) : url.pathname;
    const caller = this.authenticate(request.headers.authorization);
    const fault = this.faults.take(path);
    let answer: Answer;
    try {
      if (fault?.delayMs) await delay(fault.delayMs, response);
      if (fault?.reset) request.socket.destroy();
      if (fault?.reset || response.destroyed) return;
      answer = fault?.status
        ? errorAnswer(fault.status, 'SIMULATED', `simulated failure ${fault.status}`)
        : await this.route(request.method ?? 'GET', url, path, caller);
      if (fault?.endlessPages)
        answer = await this.endlessPage(request.method ?? 'GET', url, path, caller, fault);
      if (fault?.rewrite && answer.body !== undefined)
        answer = { ...answer, body: fault.rewrite(answer.body) };
    } catch (error) {
      answer = errorAnswer(500, 'INTERNAL_SERVER_ERROR', (error as Error).message);
    } finally {
      this.pending--;
    }
    const headers: Record<string, string> = {
      'x-request-id': `sim-${Date.now().toString(36)}`,
      ...answer.headers,
    };
    if (fault?.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
    let body: string;
    if (answer.text !== undefined) {
      headers['content-type'] = 'text/plain; charset=utf-8';
      body = answer.text;
    } else {
      headers['content-type'] = 'application/json';
      body = answer.body === undefined ? '' : JSON.stringify(answer.body);
      // Cut the body short: a proxy that dropped the connection, a truncated write.
      if (fault?.malformed) body = body.slice(0, Math.max(1, Math.floor(body.length / 2))) || '{';
    }
    if (response.destroyed) return;
    if (fault?.endlessBody) {
      response.writeHead(200, headers);
      await writeEndlessly(response);
      body = '(endless)';
    } else if (fault?.oversized) {
      const { bytes, announced } = fault.oversized;
      if (announced) headers['content-length'] = String(bytes);
      response.writeHead(200, headers);
      await writeFiller(response, bytes);
      body = `(${bytes} bytes)`;
    } else {
      response.writeHead(answer.status, headers);
      response.end(body);
    }
    this.onAnswer?.({
      method: request.method ?? 'GET',
      path,
      query: url.search,
      username: caller.username,
      userAgent: request.headers['user-agent'],
      status: answer.status,
      headers,
      body,
      fault,
    });
  }

  /** The first page's items again, with a Link to the page after the one asked for: paging that never ends. */
  private async endlessPage(
    method: string,
    url: URL,
    path: string,
    caller: Caller,
    fault: Fault,
  ): Promise<Answer> {
    // Read once per fault, so that the pages come as fast as a server that makes them up.
    let first = this.firstPages.get(fault);
    if (!first) {
      const firstUrl = new URL(url);
      firstUrl.searchParams.set('page', '1');
      first = await this.route(method, firstUrl, path, caller);
      this.firstPages.set(fault, first);
    }
    if (first.status !== 200 || !Array.isArray(first.body)) return first;
    const next = new URLSearchParams(url.searchParams);
    next.set('page', String(Number(url.searchParams.get('page') ?? '1') + 1));
    const headers: Record<string, string> = { link: `<${url.pathname}?${next}>; rel="next"` };
    if (fault.endlessPages?.total !== undefined) headers['x-total-count'] = String(fault.endlessPages.total);
    return { status: 200, body: first.body, headers };
  }

  private async route(method: string, url: URL, path: string, caller: Caller): Promise<Answer> {
    if (!url.pathname.startsWith(BASE_PATH + '/')) return errorAnswer(404, 'NOT_FOUND', 'not found');
    for (const route of routes) {
      const match = route.pattern.exec(path);
      if (!match) continue;
      if (method !== 'GET') return errorAnswer(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed`);
      if (route.access !== 'public' && caller.username === undefined)
        return errorAnswer(401, 'UNAUTHORIZED', 'unauthorized');
      if (
        typeof route.access === 'object' &&
        !caller.sysadmin &&
        !caller.permissions.has(route.access.resource)
      )
        return errorAnswer(403, 'FORBIDDEN', 'forbidden');
      return route.answer({
        url,
        params: match.slice(1),
        caller,
        objects: this.objects,
        state: this.state,
        harborVersion: this.state.harborVersion ?? this.harborVersion,
      });
    }
    return errorAnswer(404, 'NOT_FOUND', `${path} not found`);
  }

  /** Basic auth; credentials that match no account make the caller anonymous, as in Harbor. */
  private authenticate(header: string | undefined): Caller {
    const anonymous: Caller = { sysadmin: false, permissions: new Set() };
    const match = /^Basic\s+(.+)$/i.exec(header ?? '');
    if (!match) return anonymous;
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const [username, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
    const account = this.accounts.find(
      (candidate) => candidate.username === username && candidate.password === password,
    );
    if (!account) return anonymous;
    return {
      username: account.username,
      sysadmin: account.sysadmin === true,
      permissions: new Set(account.permissions ?? []),
    };
  }
}

const FILLER = Buffer.from('{},'.repeat(21_845));

/** `[{},{},...{}]` of exactly `bytes` bytes (at least 4), written as the client reads it. */
async function writeFiller(response: http.ServerResponse, bytes: number): Promise<void> {
  let items = Math.floor((bytes - 4) / 3);
  const padding = bytes - 4 - 3 * items;
  if (!(await write(response, '['))) return;
  while (items > 0) {
    const chunk = FILLER.subarray(0, Math.min(FILLER.length, 3 * items));
    if (!(await write(response, chunk))) return;
    items -= chunk.length / 3;
  }
  response.end('{}' + ' '.repeat(padding) + ']');
}

/** `[{},{},...` for as long as the client reads; ends when it goes away. */
async function writeEndlessly(response: http.ServerResponse): Promise<void> {
  if (!(await write(response, '['))) return;
  while (await write(response, FILLER));
}

/** Writes a chunk, waiting for the client to drain the last; false once the client has gone. */
function write(response: http.ServerResponse, chunk: string | Buffer): Promise<boolean> {
  if (response.destroyed) return Promise.resolve(false);
  if (response.write(chunk)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (drained: boolean) => {
      response.off('drain', onDrain);
      response.off('close', onClose);
      resolve(drained);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    response.once('drain', onDrain);
    response.once('close', onClose);
  });
}

/** Waits, but gives up as soon as the client goes away. */
function delay(ms: number, response: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    response.once('close', done);
    function done() {
      clearTimeout(timer);
      response.off('close', done);
      resolve();
    }
  });
}
