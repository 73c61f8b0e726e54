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
  it('logs one line when pushing starts to fail, none while it keeps failing, and one when it recovers; counts both', async () => {
    const endpoint = await switchableEndpoint();
    const { log, lines } = captureLog();
    const pipeline = new TelemetryPipeline({
      version: '1.2.3',
      compat: new Set(),
      log,
      otlp: { endpoint: endpoint.url, intervalMs: 3_600_000, timeoutMs: 5_000, headers: {} },
    });
    const builder = new SnapshotBuilder(new ProjectFilter([], []), { version: '1.2.3' });
    // The exporter's own figures about pushing, as the next snapshot publishes them.
    const figures = () => {
      const snapshot = builder.build([], pipeline.otlpStatus());
      const family = (name: string) =>
        snapshot.families.find((candidate) => candidate.definition.name === name);
      const pushes = family('harbor_exporter_otlp_pushes')?.points.toArray() ?? [];
      return {
        success: pushes.find((point) => point.attributes.result === 'success')?.value,
        failure: pushes.find((point) => point.attributes.result === 'failure')?.value,
        lastSuccess: family('harbor_exporter_otlp_last_success_timestamp_seconds')?.points.valueAt(0),
      };
    };
    try {
      await pipeline.publish(builder.build([], pipeline.otlpStatus()));
      await pipeline.forceFlush();
      await pipeline.forceFlush();
      assert.equal(endpoint.state.refused, 2);
      assert.equal(lines.filter((line) => line.includes('OTLP push failed')).length, 1, lines.join('\n'));
      assert.deepEqual(figures(), { success: 0, failure: 2, lastSuccess: undefined });
      endpoint.state.accepting = true;
      const before = Date.now() / 1000;
      await pipeline.forceFlush();
      assert.equal(endpoint.state.accepted, 1);
      assert.equal(lines.filter((line) => line.includes('OTLP push recovered')).length, 1, lines.join('\n'));
      const after = figures();
      assert.deepEqual([after.success, after.failure], [1, 2]);
      assert.ok(after.lastSuccess! >= before && after.lastSuccess! <= Date.now() / 1000);
    } finally {
      await pipeline.shutdown();
      await endpoint.close();
    }
  });
});
