import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { ProjectFilter } from '../../src/refresh/project-filter.js';
import { SnapshotBuilder } from '../../src/refresh/snapshot.js';
import { TelemetryPipeline } from '../../src/telemetry/pipeline.js';
import { captureLog } from '../harness/capture-log.js';
import { decodeMetricsRequest } from './otlp-receiver.js';

/** An OTLP endpoint that refuses every push (400: not retried) until told to accept. */
async function switchableEndpoint() {
  const state = { accepting: false, accepted: 0, refused: 0 };
  const server = createServer((request, response) => {
    const body: Buffer[] = [];
    request.on('data', (chunk: Buffer) => body.push(chunk));
    request.on('end', () => {
      decodeMetricsRequest(Buffer.concat(body));
      if (state.accepting) state.accepted++;
      else state.refused++;
      response.writeHead(state.accepting ? 200 : 400, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    state,
    url: `http://127.0.0.1:${port}/v1/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('OTLP push failures', () => {
  it('logs one line when pushing starts to fail, none while it keeps failing, and one when it recovers', async () => {
    const endpoint = await switchableEndpoint();
    const { log, lines } = captureLog();
    const pipeline = new TelemetryPipeline({
      version: '1.2.3',
      compat: new Set(),
      log,
      otlp: { endpoint: endpoint.url, intervalMs: 3_600_000, timeoutMs: 5_000, headers: {} },
    });
    try {
      await pipeline.publish(new SnapshotBuilder(new ProjectFilter([], []), { version: '1.2.3' }).build([]));
      await pipeline.forceFlush();
      await pipeline.forceFlush();
      assert.equal(endpoint.state.refused, 2);
      assert.equal(lines.filter((line) => line.includes('OTLP push failed')).length, 1, lines.join('\n'));
      endpoint.state.accepting = true;
      await pipeline.forceFlush();
      assert.equal(endpoint.state.accepted, 1);
      assert.equal(lines.filter((line) => line.includes('OTLP push recovered')).length, 1, lines.join('\n'));
    } finally {
      await pipeline.shutdown();
      await endpoint.close();
    }
  });
});
