import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ExporterHttpServer } from '../../src/server/http-server.js';
import { renderedFromText } from '../harness/rendered-metrics.js';

const STALLED_CLIENTS = 200;
const MAX_CONNECTIONS = 64;
const RESPONSE_TIMEOUT_MS = 2_000;
/**
 * What one stalled connection may cost the exporter at most: its socket's buffer, one decompression state and
 * chunk for a plain-text client (zlib's window and a 256 KB output chunk) and what Node keeps per connection.
 */
const BYTES_PER_CONNECTION = 1024 * 1024;

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

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

before(async () => {
  server = new ExporterHttpServer({
    host: '127.0.0.1',
    port: 0,
    telemetryPath: '/metrics',
    version: '1.2.3',
    metrics: () => rendered,
    sources: () => [],
    maxConnections: MAX_CONNECTIONS,
    responseTimeoutMs: RESPONSE_TIMEOUT_MS,
  });
  ({ port } = await server.listen());
});
after(async () => {
  for (const socket of stalled) socket.destroy();
  await server.close();
});

describe('clients that never read their answer', () => {
  it('hold at most the connection cap, cost a bounded amount of memory, do not slow other scrapes, and are cut off', async () => {
    for (let warm = 0; warm < 3; warm++) await timedScrape();
    const quiet: number[] = [];
    for (let scrape = 0; scrape < 5; scrape++) quiet.push(await timedScrape());
    const rssBefore = process.memoryUsage().rss;

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
      // Every stalled answer is cut off by its deadline; the server ends with no connection left.
      const deadline = Date.now() + RESPONSE_TIMEOUT_MS * 3 + 5_000;
      while (server.connections > 0) {
        assert.ok(Date.now() < deadline, `${server.connections} stalled connections still open`);
        await sleep(50);
      }
      const growthMb = (peakRss - rssBefore) / 1e6;
      console.log(
        `# scrape median quiet ${median(quiet).toFixed(0)} ms, with ${STALLED_CLIENTS} stalled clients ` +
          `${median(stalledScrapes).toFixed(0)} ms; peak connections ${peakConnections}; RSS growth ${growthMb.toFixed(1)} MB`,
      );
      assert.ok(peakConnections <= MAX_CONNECTIONS, `${peakConnections} connections open at once`);
      assert.ok(
        peakRss - rssBefore < MAX_CONNECTIONS * BYTES_PER_CONNECTION,
        `RSS grew by ${growthMb.toFixed(1)} MB with ${MAX_CONNECTIONS} stalled connections`,
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
