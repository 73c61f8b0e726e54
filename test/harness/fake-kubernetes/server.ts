import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { WebSocketServer, type WebSocket } from 'ws';

/** A request as RBAC sees it, plus what the test may want to look at. */
export interface RecordedRequest {
  verb: 'get' | 'list' | 'create' | 'other';
  namespace: string;
  resource: string;
  name?: string;
  labelSelector?: string;
  path: string;
}

export interface ExecRequest {
  namespace: string;
  pod: string;
  container: string;
  command: string[];
}

/** What the fake sends back on the exec channels; status is the Status object sent on channel 3. */
export interface ExecReply {
  stdout?: string;
  stderr?: string;
  /** Omit to close the connection without a status. */
  status?: Record<string, unknown>;
}

export type ExecHandler = (request: ExecRequest) => ExecReply;

/** A refusal the fake answers with instead of the object. */
export interface Refusal {
  status: 401 | 403 | 404 | 500;
  resource?: string;
  name?: string;
}

export const EXEC_SUCCESS = { metadata: {}, status: 'Success' };

/** The Status a real API server sends when a command exits non-zero. */
export function execExitStatus(code: number): Record<string, unknown> {
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [df], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

const REASONS: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  500: 'InternalError',
};

/**
 * A Kubernetes API server on 127.0.0.1 speaking real HTTP: namespaced ConfigMaps, Secrets (data base64 as the
 * API sends it), pods listed by label selector, and pod exec over WebSocket (v5/v4.channel.k8s.io: channel 1
 * stdout, 2 stderr, 3 status). It checks the bearer token, records every request, and can refuse on demand.
 */
export class FakeKubernetes {
  readonly requests: RecordedRequest[] = [];
  readonly configMaps = new Map<string, Record<string, string>>();
  readonly secrets = new Map<string, Record<string, string>>();
  pods: Record<string, unknown>[] = [];
  refusals: Refusal[] = [];
  onExec: ExecHandler = () => ({ stderr: 'no exec handler\n', status: execExitStatus(126) });
  /** Exec subprotocols the server accepts, preferred first (Kubernetes 1.30+ prefers v5). */
  execProtocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
  /** The subprotocol of the last exec connection. */
  lastExecProtocol?: string;
  private readonly sockets = new Set<Socket>();
  private readonly webSockets = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => {
      this.lastExecProtocol = this.execProtocols.find((protocol) => offered.has(protocol));
      return this.lastExecProtocol ?? false;
    },
  });

  private constructor(
    private readonly server: Server,
    readonly token: string,
  ) {}

  static async start(token = 'exporter-token'): Promise<FakeKubernetes> {
    const server = createServer();
    const fake = new FakeKubernetes(server, token);
    server.on('request', (request, response) => fake.serve(request, response));
    server.on('upgrade', (request, socket: Socket, head) => fake.upgrade(request, socket, head));
    server.on('connection', (socket) => {
      fake.sockets.add(socket);
      socket.on('close', () => fake.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A kubeconfig for this server, as a test builds it: a bearer token and a context namespace. */
  kubeConfig(options: { token?: string; namespace?: string } = {}): KubeConfig {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      // client-node refuses plain HTTP unless TLS verification is off; there is no TLS to verify here.
      clusters: [{ name: 'fake', server: this.url, skipTLSVerify: true }],
      users: [{ name: 'exporter', token: options.token ?? this.token }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'exporter', namespace: options.namespace }],
      currentContext: 'fake',
    });
    return kubeConfig;
  }

  setConfigMap(namespace: string, name: string, data: Record<string, string>): void {
    this.configMaps.set(`${namespace}/${name}`, data);
  }

  /** Stores the Secret's values in plain text; the server encodes them as the API does. */
  setSecret(namespace: string, name: string, data: Record<string, string>): void {
    this.secrets.set(`${namespace}/${name}`, data);
  }

  async close(): Promise<void> {
    for (const client of this.webSockets.clients) client.terminate();
    for (const socket of this.sockets) socket.destroy();
    this.webSockets.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', this.url);
    const recorded = this.record(request.method ?? 'GET', url);
    const refusal = this.refusal(request, recorded);
    if (refusal) return sendStatus(response, refusal, recorded);
    const key = `${recorded.namespace}/${recorded.name}`;
    if (recorded.verb === 'get' && recorded.resource === 'configmaps' && this.configMaps.has(key)) {
      return sendJson(response, 200, {
        kind: 'ConfigMap',
        apiVersion: 'v1',
        metadata: { name: recorded.name, namespace: recorded.namespace },
        data: this.configMaps.get(key),
      });
    }
    if (recorded.verb === 'get' && recorded.resource === 'secrets' && this.secrets.has(key)) {
      const data = Object.fromEntries(
        Object.entries(this.secrets.get(key)!).map(([name, value]) => [
          name,
          Buffer.from(value).toString('base64'),
        ]),
      );
      return sendJson(response, 200, {
        kind: 'Secret',
        apiVersion: 'v1',
        metadata: { name: recorded.name, namespace: recorded.namespace },
        type: 'Opaque',
        data,
      });
    }
    if (recorded.verb === 'list' && recorded.resource === 'pods') {
      const selector = parseSelector(recorded.labelSelector ?? '');
      if (!selector) return sendStatus(response, 400, recorded);
      const items = this.pods.filter((pod) => {
        const metadata = pod.metadata as { namespace?: string; labels?: Record<string, string> };
        return (
          metadata.namespace === recorded.namespace &&
          [...selector].every(([label, value]) => metadata.labels?.[label] === value)
        );
      });
      return sendJson(response, 200, { kind: 'PodList', apiVersion: 'v1', metadata: {}, items });
    }
    sendStatus(response, 404, recorded);
  }

  private upgrade(request: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(request.url ?? '/', this.url);
    const recorded = this.record('CONNECT', url);
    const refusal = this.refusal(request, recorded) ?? (recorded.resource === 'pods/exec' ? undefined : 404);
    if (refusal) {
      const body = JSON.stringify(statusBody(refusal, recorded));
      socket.end(
        `HTTP/1.1 ${refusal} ${REASONS[refusal] ?? 'Error'}\r\ncontent-type: application/json\r\n` +
          `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
      return;
    }
    this.webSockets.handleUpgrade(request, socket, head, (webSocket) => {
      const exec: ExecRequest = {
        namespace: recorded.namespace,
        pod: recorded.name ?? '',
        container: url.searchParams.get('container') ?? '',
        command: url.searchParams.getAll('command'),
      };
      sendExecReply(webSocket, this.onExec(exec));
    });
  }

  /** Maps a URL to verb, namespace, resource and name, as the API server's request info resolver does. */
  private record(method: string, url: URL): RecordedRequest {
    const parts = url.pathname.split('/').filter(Boolean);
    const recorded: RecordedRequest = {
      verb: 'other',
      namespace: '',
      resource: url.pathname,
      path: url.pathname,
    };
    if (parts[0] === 'api' && parts[1] === 'v1' && parts[2] === 'namespaces' && parts.length >= 5) {
      recorded.namespace = parts[3]!;
      recorded.resource = parts
        .slice(4)
        .filter((_, index) => index !== 1)
        .join('/');
      recorded.name = parts[5];
      if (method === 'CONNECT') recorded.verb = parts[6] === 'exec' ? 'create' : 'other';
      else if (method === 'GET') recorded.verb = recorded.name ? 'get' : 'list';
      if (recorded.verb === 'list')
        recorded.labelSelector = url.searchParams.get('labelSelector') ?? undefined;
    }
    this.requests.push(recorded);
    return recorded;
  }

  private refusal(request: IncomingMessage, recorded: RecordedRequest): number | undefined {
    if (request.headers.authorization !== `Bearer ${this.token}`) return 401;
    return this.refusals.find(
      (refusal) =>
        (!refusal.resource || refusal.resource === recorded.resource) &&
        (!refusal.name || refusal.name === recorded.name),
    )?.status;
  }
}

function sendExecReply(webSocket: WebSocket, reply: ExecReply): void {
  const frame = (channel: number, text: string) => Buffer.concat([Buffer.from([channel]), Buffer.from(text)]);
  if (reply.stdout) webSocket.send(frame(1, reply.stdout));
  if (reply.stderr) webSocket.send(frame(2, reply.stderr));
  if (reply.status) webSocket.send(frame(3, JSON.stringify(reply.status)));
  webSocket.close(1000);
}

/** Equality-based selectors only (`a=b,c==d`); anything else is a bad request. */
function parseSelector(text: string): Map<string, string> | undefined {
  const requirements = new Map<string, string>();
  for (const part of text.split(',').filter(Boolean)) {
    const match = /^([\w./-]+)==?([\w.-]*)$/.exec(part.trim());
    if (!match) return undefined;
    requirements.set(match[1]!, match[2]!);
  }
  return requirements;
}

function statusBody(code: number, recorded: RecordedRequest): Record<string, unknown> {
  const object = `${recorded.resource} "${recorded.name ?? ''}"`;
  const message =
    code === 401
      ? 'Unauthorized'
      : code === 403
        ? `${object} is forbidden: User "system:serviceaccount:monitoring:harbor-exporter" cannot ${recorded.verb} resource "${recorded.resource}" in API group "" in the namespace "${recorded.namespace}"`
        : code === 404
          ? `${object} not found`
          : 'the fake refused';
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: REASONS[code],
    code,
  };
}

function sendStatus(response: ServerResponse, code: number, recorded: RecordedRequest): void {
  sendJson(response, code, statusBody(code, recorded));
}

function sendJson(response: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
