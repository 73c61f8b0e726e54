import type { Socket } from 'node:net';

interface OpenConnection {
  socket: Socket;
  /** When it last received a request or finished an answer; a stalled answer keeps its request's time. */
  lastActiveMs: number;
}

/**
 * A bounded number of open connections. When all are taken, the connection that has been idle or stalled the
 * longest is closed to make room: clients that never read their answers cannot lock Prometheus out, and an idle
 * keep-alive connection closed this way is simply opened again at the next scrape.
 */
export class ConnectionSlots {
  private readonly open = new Map<string, OpenConnection>();

  constructor(
    readonly max: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.open.size;
  }

  /** Takes a slot for a new connection; returns how many connections were closed to free one. */
  admit(socket: Socket): number {
    const key = keyOf(socket);
    let closed = 0;
    while (this.open.size >= this.max) {
      const oldest = this.leastRecentlyActive();
      if (!oldest) break;
      this.open.delete(oldest[0]);
      oldest[1].socket.destroy();
      closed++;
    }
    this.open.set(key, { socket, lastActiveMs: this.now() });
    socket.once('close', () => {
      if (this.open.get(key)?.socket === socket) this.open.delete(key);
    });
    return closed;
  }

  /** Marks the connection of `socket` (the accepted one, or the TLS socket over it) as active now. */
  touch(socket: Socket): void {
    const connection = this.open.get(keyOf(socket));
    if (connection) connection.lastActiveMs = this.now();
  }

  closeAll(): void {
    for (const { socket } of this.open.values()) socket.destroy();
  }

  private leastRecentlyActive(): [string, OpenConnection] | undefined {
    let oldest: [string, OpenConnection] | undefined;
    for (const entry of this.open)
      if (!oldest || entry[1].lastActiveMs < oldest[1].lastActiveMs) oldest = entry;
    return oldest;
  }
}

/** A TLS socket has the addresses of the connection it runs over: both map to the same slot. */
function keyOf(socket: Socket): string {
  return `${socket.remoteAddress}|${socket.remotePort}`;
}
