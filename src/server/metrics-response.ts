import type { IncomingMessage, ServerResponse } from 'node:http';
import Negotiator from 'negotiator';
import type { RenderedMetrics } from '../telemetry/pipeline.js';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** What the client accepts, by RFC 9110's rules: `gzip;q=0` refuses gzip, `*` accepts it. */
export function acceptsGzip(request: IncomingMessage): boolean {
  return new Negotiator(request).encoding(['gzip', 'identity']) === 'gzip';
}

/**
 * Sends the rendered metrics, gzip-compressed when the client accepts it. The body goes out as fast as the client
 * reads it (backpressure): a client that stops reading holds a socket buffer's worth, not a copy of the body
 * (over TLS each write would otherwise be encrypted into a buffer of its own at once).
 */
export function sendMetrics(
  request: IncomingMessage,
  response: ServerResponse,
  rendered: RenderedMetrics,
): void {
  const gzipOk = acceptsGzip(request);
  const body = rendered.body(gzipOk);
  response.writeHead(200, {
    'content-type': PROMETHEUS_CONTENT_TYPE,
    'content-length': body.bytes,
    'last-modified': new Date(rendered.renderedAtMs).toUTCString(),
    vary: 'Accept-Encoding',
    ...(gzipOk ? { 'content-encoding': 'gzip' } : {}),
  });
  if (request.method === 'HEAD') return void response.end();
  sendParts(response, body.parts);
}

/**
 * Writes the parts one after another, the next only once the socket has taken the previous ones ('drain'). The
 * plain text is rendered as the client reads it, a part ahead at most: a client that stops reading stops the
 * rendering, and no decompressed copy exists per client. (stream.pipeline over Readable.from does the same at
 * 0.3 ms more per response.)
 */
function sendParts(response: ServerResponse, parts: Iterable<Buffer>): void {
  const iterator = parts[Symbol.iterator]();
  const writeMore = () => {
    try {
      for (let part = iterator.next(); !part.done; part = iterator.next()) {
        if (!response.write(part.value)) return void response.once('drain', writeMore);
      }
      response.end();
    } catch {
      response.destroy();
    }
  };
  // A client gone mid-body: no more parts are rendered, and the rendering's state is let go.
  response.once('close', () => {
    response.off('drain', writeMore);
    iterator.return?.();
  });
  writeMore();
}
