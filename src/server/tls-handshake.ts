import type { Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from 'node:tls';
import type { WebTlsConfig } from './web-config.js';

/** A client that has not finished its handshake by then is dropped. */
const HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * Gives accepted connections TLS with the web configuration in force when each arrived: one TLS server (never
 * listening) per configuration read, so a rotated certificate or a changed client policy applies from the next
 * connection on, and connections already open keep theirs.
 *
 * The client policies are those of Go's crypto/tls, which the web configuration format names. OpenSSL refuses
 * an unverifiable certificate itself only for RequireAndVerifyClientCert; the others are checked once the
 * handshake is done, and a refused client's connection is closed.
 */
export class TlsHandshakes {
  private readonly servers = new WeakMap<WebTlsConfig, TlsServer>();

  constructor(private readonly onSecure: (socket: TLSSocket) => void) {}

  accept(socket: Socket, tls: WebTlsConfig): void {
    let server = this.servers.get(tls);
    if (!server) {
      server = this.serverFor(tls);
      this.servers.set(tls, server);
    }
    server.emit('connection', socket);
  }

  private serverFor(tls: WebTlsConfig): TlsServer {
    const policy = tls.clientAuthType;
    const server = createTlsServer({
      ...tls.options,
      requestCert: policy !== 'NoClientCert',
      rejectUnauthorized: policy === 'RequireAndVerifyClientCert',
      ALPNProtocols: ['http/1.1'],
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
    });
    server.on('secureConnection', (socket: TLSSocket) => {
      if (acceptsPeer(socket, tls)) this.onSecure(socket);
      else socket.destroy();
    });
    // The handshake failed (no or a wrong certificate, an old TLS version): Node closes the connection.
    server.on('tlsClientError', () => {});
    return server;
  }
}

function acceptsPeer(socket: TLSSocket, tls: WebTlsConfig): boolean {
  const certificate = socket.getPeerCertificate();
  const given = certificate !== null && Object.keys(certificate).length > 0;
  switch (tls.clientAuthType) {
    case 'NoClientCert':
    case 'RequestClientCert':
      return true;
    case 'RequireAnyClientCert':
      return given && sanAllowed(certificate.subjectaltname, tls.clientAllowedSans);
    case 'VerifyClientCertIfGiven':
      return !given || socket.authorized;
    case 'RequireAndVerifyClientCert':
      return given && socket.authorized && sanAllowed(certificate.subjectaltname, tls.clientAllowedSans);
  }
}

/** `DNS:a, IP Address:10.0.0.1, URI:spiffe://x, email:a@b` against the allowed names; no list allows all. */
function sanAllowed(subjectAltName: string | undefined, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return true;
  const names = (subjectAltName ?? '').split(', ').map((entry) => entry.slice(entry.indexOf(':') + 1));
  return names.some((name) => allowed.includes(name));
}
