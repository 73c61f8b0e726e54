import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { OtlpSettings } from '../../src/config/config.js';
import { ProjectFilter } from '../../src/refresh/project-filter.js';
import { SnapshotBuilder } from '../../src/refresh/snapshot.js';
import { TelemetryPipeline } from '../../src/telemetry/pipeline.js';
import { selfSignedCertificate } from '../harness/certificates.js';
import { OtlpReceiver, type ReceiverTls } from './otlp-receiver.js';

/** The standard variables the OTLP exporters read themselves, for every transport. */
const TLS_VARIABLES = [
  'OTEL_EXPORTER_OTLP_CERTIFICATE',
  'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE',
  'OTEL_EXPORTER_OTLP_CLIENT_KEY',
] as const;

/** Pushes one snapshot through a pipeline of this transport, and says whether it was delivered. */
async function pushOnce(otlp: OtlpSettings): Promise<boolean> {
  const pipeline = new TelemetryPipeline({ version: '1.2.3', compat: new Set(), otlp });
  try {
    await pipeline.publish(new SnapshotBuilder(new ProjectFilter([], []), { version: '1.2.3' }).build([]));
    await pipeline.forceFlush();
    return pipeline.otlpStatus()!.succeeded === 1;
  } finally {
    await pipeline.shutdown();
  }
}

describe('OTLP over TLS with a client certificate, from the standard variables', () => {
  let dir: string;
  let tls: ReceiverTls;
  let client: { key: string; cert: string };
  let server: { key: string; cert: string };
  const saved = new Map(TLS_VARIABLES.map((name) => [name, process.env[name]]));

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'otlp-tls-'));
    server = selfSignedCertificate(dir, 'receiver');
    client = selfSignedCertificate(dir, 'exporter');
    tls = {
      key: readFileSync(server.key),
      cert: readFileSync(server.cert),
      clientCa: readFileSync(client.cert),
    };
  });
  after(() => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  for (const protocol of ['http/protobuf', 'http/json', 'grpc'] as const) {
    it(`verifies the receiver and presents the client certificate over ${protocol}`, async () => {
      const receiver =
        protocol === 'grpc' ? await OtlpReceiver.startGrpc(tls) : await OtlpReceiver.start(tls);
      const otlp: OtlpSettings = {
        endpoint: protocol === 'grpc' ? receiver.url : `${receiver.url}/v1/metrics`,
        protocol,
        intervalMs: 3_600_000,
        timeoutMs: 5_000,
        requestTimeoutMs: 2_000,
        headers: {},
      };
      try {
        process.env.OTEL_EXPORTER_OTLP_CERTIFICATE = server.cert;
        delete process.env.OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE;
        delete process.env.OTEL_EXPORTER_OTLP_CLIENT_KEY;
        assert.equal(await pushOnce(otlp), false, 'delivered without a client certificate');
        process.env.OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE = client.cert;
        process.env.OTEL_EXPORTER_OTLP_CLIENT_KEY = client.key;
        assert.equal(await pushOnce(otlp), true, 'not delivered with the client certificate');
        assert.equal(receiver.pushes.length, 1);
        assert.ok(receiver.pushes[0]!.metrics.has('harbor_exporter_build_info'));
      } finally {
        await receiver.close();
      }
    });
  }
});
