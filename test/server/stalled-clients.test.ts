import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ExporterHttpServer, type HttpServerOptions } from '../../src/server/http-server.js';
import { renderedFromText } from '../harness/rendered-metrics.js';

const STALLED_CLIENTS = 200;
const MAX_CONNECTIONS = 64;
const RESPONSE_TIMEOUT_MS = 2_000;
/**
 * What one stalled connection may cost the exporter at most: its socket's buffers, and for a plain-text client
 * the decompression of the gzip body sent to it (zlib's state and its 256 KB output chunks queued on the
 * socket); measured at about 1.5 MB.
 */
const BYTES_PER_CONNECTION = 2 * 1024 * 1024;

/** About 23 MB of exposition text: more than the kernel buffers for a client that reads nothing. */
function largeExposition(): string {
  const lines: string[] = [];
  let value = 12_345;
  for (let index = 0; index < 250_000; index++) {
    value = (value * 1_103_515_245 + 12_345) % 2_147_483_648;
    lines.push(
      `harbor_repository_pulls_total{project="team-${index % 300}",repository="team-${index % 300}/app-${index}"} ${value}`,
    );
  }
  return lines.join('\n') + '\n';
}

const rendered = renderedFromText(largeExposition());
let server: ExporterHttpServer;
let port: number;
const stalled: Socket[] = [];

/** A scrape that reads its whole (gzip) answer; its duration in milliseconds. */
function timedScrape(): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    request(
      { host: '127.0.0.1', port, path: '/metrics', headers: { 'accept-encoding': 'gzip' } },
      (response) => {
        let bytes = 0;
        response.on('data', (chunk: Buffer) => (bytes += chunk.length));
        response.on('end', () =>
          bytes === rendered.gzipBytes
            ? resolve(performance.now() - started)
            : reject(new Error(`${bytes} bytes`)),
        );
      },
    )
      .on('error', reject)
      .end();
  });
}

/** A full garbage collection, so that memory figures count what is held, not what awaits collection. */
const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** Bytes of Buffers and ArrayBuffers: where socket and zlib buffers live, outside V8's heap. */
const bufferBytes = () => process.memoryUsage().external + process.memoryUsage().arrayBuffers;

/** A server of the large rendered text on a free loopback port, with these limits. */
function serverOf(
  limits: Pick<HttpServerOptions, 'maxConnections' | 'responseTimeoutMs' | 'requestTimeoutMs'>,
) {
  return new ExporterHttpServer({
    host: '127.0.0.1',
    port: 0,
    telemetryPath: '/metrics',
    version: '1.2.3',
    metrics: () => rendered,
    sources: () => [],
    ...limits,
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

before(async () => {
  server = serverOf({ maxConnections: MAX_CONNECTIONS, responseTimeoutMs: RESPONSE_TIMEOUT_MS });
  ({ port } = await server.listen());
});
after(async () => {
  for (const socket of stalled) socket.destroy();
  await server.close();
});

describe('clients that never read their answer', () => {
  it('answers 408 to a client that trickles its request headers past the request timeout', async () => {
    const trickling = serverOf({ requestTimeoutMs: 500 });
    const { port: tricklingPort } = await trickling.listen();
    const socket = connect(tricklingPort, '127.0.0.1');
    try {
      socket.on('error', () => {});
      socket.write('GET /metrics HTTP/1.1\r\nHost: exporter\r\n');
      const started = performance.now();
      const sender = setInterval(() => socket.write('X-Slow: 1\r\n'), 100);
      const answer = await new Promise<string>((resolve) => {
        let text = '';
        socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
        socket.once('close', () => resolve(text));
      });
      clearInterval(sender);
      assert.match(answer, /^HTTP\/1\.1 408 /);
      assert.ok(performance.now() - started < 3_000, 'the request was not timed out');
    } finally {
      socket.destroy();
      await trickling.close();
    }
  });

  it('cuts off a client that reads too slowly to finish within the response timeout', async () => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.pause();
    socket.write('GET /metrics HTTP/1.1\r\nHost: exporter\r\nAccept-Encoding: identity\r\n\r\n');
    const started = performance.now();
    // 16 KB every 100 ms: the connection never idles, and the 23 MB answer would take four minutes.
    const reader = setInterval(() => socket.read(Math.min(16 * 1024, socket.readableLength)), 100);
    try {
      while (server.connections === 0) await sleep(10);
      while (server.connections > 0) {
        assert.ok(
          performance.now() - started < RESPONSE_TIMEOUT_MS + 5_000,
          'the slow client was not cut off',
        );
        await sleep(20);
      }
      const closedAfterMs = performance.now() - started;
      assert.ok(closedAfterMs >= RESPONSE_TIMEOUT_MS - 50, `closed after ${closedAfterMs.toFixed(0)} ms`);
    } finally {
      clearInterval(reader);
      socket.destroy();
    }
  });

  it('hold at most the connection cap, cost a bounded amount of memory, do not slow other scrapes, and are cut off', async () => {
    for (let warm = 0; warm < 3; warm++) await timedScrape();
    const quiet: number[] = [];
    for (let scrape = 0; scrape < 5; scrape++) quiet.push(await timedScrape());
    collectGarbage();
    const rssBefore = process.memoryUsage().rss;
    const buffersBefore = bufferBytes();

    // Plain-text requests (gzip refused), as curl sends them: the largest answers, decompressed per client.
    for (let client = 0; client < STALLED_CLIENTS; client++) {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => {});
      socket.write('GET /metrics HTTP/1.1\r\nHost: exporter\r\nAccept-Encoding: gzip;q=0\r\n\r\n');
      socket.pause();
      stalled.push(socket);
    }
    let peakConnections = 0;
    let peakRss = rssBefore;
    const sampler = setInterval(() => {
      peakConnections = Math.max(peakConnections, server.connections);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 20);
    try {
      await sleep(500);
      const stalledScrapes: number[] = [];
      for (let scrape = 0; scrape < 5; scrape++) stalledScrapes.push(await timedScrape());
      // What the stalled connections hold once the closed ones' buffers are collected.
      collectGarbage();
      const heldMb = (bufferBytes() - buffersBefore) / 1e6;
      const stillOpen = server.connections;
      // Every stalled connection is closed: by its answer's deadline, or by the keep-alive timeout once the whole
      // answer sits in the kernel's buffers (on loopback these take tens of megabytes). The slack is for the
      // decompression the plain-text answers cost on a busy machine.
      const deadline = Date.now() + 30_000;
      while (server.connections > 0) {
        assert.ok(Date.now() < deadline, `${server.connections} stalled connections still open`);
        await sleep(50);
      }
      const growthMb = (peakRss - rssBefore) / 1e6;
      console.log(
        `# scrape median quiet ${median(quiet).toFixed(0)} ms, with ${STALLED_CLIENTS} stalled clients ` +
          `${median(stalledScrapes).toFixed(0)} ms; peak connections ${peakConnections}; peak RSS growth ` +
          `${growthMb.toFixed(1)} MB; buffers held by ${stillOpen} stalled connections ${heldMb.toFixed(1)} MB`,
      );
      assert.ok(peakConnections <= MAX_CONNECTIONS, `${peakConnections} connections open at once`);
      assert.ok(
        heldMb * 1e6 < MAX_CONNECTIONS * BYTES_PER_CONNECTION,
        `${stillOpen} stalled connections held ${heldMb.toFixed(1)} MB of buffers`,
      );
      assert.ok(
        peakRss - rssBefore < MAX_CONNECTIONS * BYTES_PER_CONNECTION,
        `RSS grew by ${growthMb.toFixed(1)} MB with ${STALLED_CLIENTS} stalled clients`,
      );
      // Other scrapes are not held up: within 1 s of a quiet scrape (they share this machine's two cores).
      assert.ok(
        median(stalledScrapes) < median(quiet) + 1_000,
        `scrapes took ${median(stalledScrapes).toFixed(0)} ms with stalled clients, ${median(quiet).toFixed(0)} ms without`,
      );
    } finally {
      clearInterval(sampler);
    }
  });
});
