import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProjectFilter } from '../../src/refresh/project-filter.js';
import { SnapshotBuilder } from '../../src/refresh/snapshot.js';
import { TelemetryPipeline } from '../../src/telemetry/pipeline.js';
import { captureLog } from '../harness/capture-log.js';
import { OtlpReceiver } from './otlp-receiver.js';

describe('OTLP push failures', () => {
  it('logs one line when pushing starts to fail, none while it keeps failing, and one when it recovers; counts both', async () => {
    const receiver = await OtlpReceiver.start();
    receiver.refusing = true;
    const { log, lines } = captureLog();
    const pipeline = new TelemetryPipeline({
      version: '1.2.3',
      compat: new Set(),
      log,
      otlp: { endpoint: `${receiver.url}/v1/metrics`, intervalMs: 3_600_000, timeoutMs: 5_000, headers: {} },
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
      assert.equal(receiver.refused, 2);
      assert.equal(lines.filter((line) => line.includes('OTLP push failed')).length, 1, lines.join('\n'));
      assert.deepEqual(figures(), { success: 0, failure: 2, lastSuccess: undefined });
      receiver.refusing = false;
      const before = Date.now() / 1000;
      await pipeline.forceFlush();
      assert.equal(receiver.pushes.length, 1);
      assert.equal(lines.filter((line) => line.includes('OTLP push recovered')).length, 1, lines.join('\n'));
      const after = figures();
      assert.deepEqual([after.success, after.failure], [1, 2]);
      assert.ok(after.lastSuccess! >= before && after.lastSuccess! <= Date.now() / 1000);
    } finally {
      await pipeline.shutdown();
      await receiver.close();
    }
  });
});
