import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy that can stop forwarding without closing anything, as a network cut or a frozen node does: both
 * sides keep their sockets open, and no byte, FIN or RST crosses any more.
 */
export class StallingProxy {
  /** Local ports of the proxy's connections to the server, as the server sees its clients' ports. */
  readonly upstreamPorts = new Set<number>();
  private readonly pairs: Array<[Socket, Socket]> = [];
  private stalled = false;

  private constructor(private readonly server: Server) {}

  static async start(targetHost: string, targetPort: number): Promise<StallingProxy> {
    const server = createServer();
    const proxy = new StallingProxy(server);
    server.on('connection', (client) => proxy.accept(client, targetHost, targetPort));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  private accept(client: Socket, host: string, port: number): void {
    client.on('error', () => {});
    if (this.stalled) {
      client.pause();
      this.pairs.push([client, client]);
      return;
    }
    const upstream = connect(port, host);
    upstream.on('error', () => {});
    upstream.once('connect', () => this.upstreamPorts.add(upstream.localPort!));
    client.pipe(upstream);
    upstream.pipe(client);
    this.pairs.push([client, upstream]);
  }

  /** Stops forwarding in both directions; every socket stays open. */
  stall(): void {
    this.stalled = true;
    for (const [client, upstream] of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
      // Ends and closes must not cross either.
      client.removeAllListeners('end');
      upstream.removeAllListeners('end');
    }
  }

  async close(): Promise<void> {
    for (const [client, upstream] of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
