import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An OTLP/HTTP endpoint that accepts every request and keeps only its size, for measuring pushes. */
export async function startOtlpSink() {
  const received = { requests: 0, bytes: 0, largestRequestBytes: 0 };
  const server = createServer((request, response) => {
    let bytes = 0;
    request.on('data', (chunk: Buffer) => (bytes += chunk.length));
    request.on('end', () => {
      received.requests++;
      received.bytes += bytes;
      received.largestRequestBytes = Math.max(received.largestRequestBytes, bytes);
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/metrics`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
