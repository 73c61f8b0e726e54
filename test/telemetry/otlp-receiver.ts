import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import * as grpc from '@grpc/grpc-js';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';

/**
 * The part of OpenTelemetry's OTLP metrics protocol (opentelemetry-proto, collector/metrics/v1 and the messages
 * it uses) that the exporter sends: gauges and sums of number data points. Field numbers as published.
 */
const OTLP_METRICS_PROTO = `
syntax = "proto3";
package otlp;
message ExportMetricsServiceRequest { repeated ResourceMetrics resource_metrics = 1; }
message ResourceMetrics { Resource resource = 1; repeated ScopeMetrics scope_metrics = 2; string schema_url = 3; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message ScopeMetrics { InstrumentationScope scope = 1; repeated Metric metrics = 2; string schema_url = 3; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; }
message Metric {
  string name = 1; string description = 2; string unit = 3;
  oneof data { Gauge gauge = 5; Sum sum = 7; }
}
message Gauge { repeated NumberDataPoint data_points = 1; }
message Sum { repeated NumberDataPoint data_points = 1; int32 aggregation_temporality = 2; bool is_monotonic = 3; }
message NumberDataPoint {
  repeated KeyValue attributes = 7; fixed64 start_time_unix_nano = 2; fixed64 time_unix_nano = 3;
  oneof value { double as_double = 4; sfixed64 as_int = 6; }
}
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue { oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; } }
`;

const requestType = protobuf.parse(OTLP_METRICS_PROTO).root.lookupType('otlp.ExportMetricsServiceRequest');

export const CUMULATIVE = 2;

export interface PushedPoint {
  attributes: Record<string, string>;
  value: number;
  startTimeMs: number;
  timeMs: number;
}

export interface PushedMetric {
  name: string;
  unit: string;
  kind: 'gauge' | 'sum';
  temporality?: number;
  monotonic?: boolean;
  points: PushedPoint[];
}

/** One export request as received. */
export interface Push {
  receivedAtMs: number;
  headers: IncomingHttpHeaders;
  resource: Record<string, string>;
  metrics: Map<string, PushedMetric>;
}

interface DecodedKeyValue {
  key: string;
  value?: { stringValue?: string; boolValue?: boolean; intValue?: string; doubleValue?: number };
}
interface DecodedPoint {
  attributes?: DecodedKeyValue[];
  startTimeUnixNano?: string;
  timeUnixNano?: string;
  asDouble?: number;
  asInt?: string;
}
interface DecodedRequest {
  resourceMetrics?: Array<{
    resource?: { attributes?: DecodedKeyValue[] };
    scopeMetrics?: Array<{
      metrics?: Array<{
        name: string;
        unit?: string;
        gauge?: { dataPoints?: DecodedPoint[] };
        sum?: { dataPoints?: DecodedPoint[]; aggregationTemporality?: number; isMonotonic?: boolean };
      }>;
    }>;
  }>;
}

function attributesOf(list: DecodedKeyValue[] = []): Record<string, string> {
  return Object.fromEntries(
    list.map(({ key, value }) => [
      key,
      String(value?.stringValue ?? value?.boolValue ?? value?.intValue ?? value?.doubleValue ?? ''),
    ]),
  );
}

/** Server certificate and key, and the CA that client certificates must be signed by (TLS with client auth). */
export interface ReceiverTls {
  key: Buffer;
  cert: Buffer;
  clientCa: Buffer;
}

const nanosToMillis = (nanos?: string) => Number(BigInt(nanos ?? '0') / 1_000_000n);

/** Decodes an OTLP metrics request body: protobuf (HTTP or gRPC), or OTLP/JSON read into the same messages. */
export function decodeMetricsRequest(body: Buffer, json = false): Omit<Push, 'receivedAtMs' | 'headers'> {
  const message = json
    ? requestType.fromObject(JSON.parse(body.toString('utf8')) as Record<string, unknown>)
    : requestType.decode(body);
  const request = requestType.toObject(message, { longs: String, defaults: false }) as DecodedRequest;
  const metrics = new Map<string, PushedMetric>();
  let resource: Record<string, string> = {};
  for (const resourceMetrics of request.resourceMetrics ?? []) {
    resource = attributesOf(resourceMetrics.resource?.attributes);
    for (const scope of resourceMetrics.scopeMetrics ?? []) {
      for (const metric of scope.metrics ?? []) {
        const data = metric.sum ?? metric.gauge;
        if (metrics.has(metric.name)) throw new Error(`metric ${metric.name} pushed twice in one request`);
        metrics.set(metric.name, {
          name: metric.name,
          unit: metric.unit ?? '',
          kind: metric.sum ? 'sum' : 'gauge',
          temporality: metric.sum?.aggregationTemporality,
          monotonic: metric.sum?.isMonotonic,
          points: (data?.dataPoints ?? []).map((point) => ({
            attributes: attributesOf(point.attributes),
            value: point.asDouble ?? Number(point.asInt ?? NaN),
            startTimeMs: nanosToMillis(point.startTimeUnixNano),
            timeMs: nanosToMillis(point.timeUnixNano),
          })),
        });
      }
    }
  }
  return { resource, metrics };
}

/** OpenTelemetry's metrics service as gRPC serves it (opentelemetry-proto, collector/metrics/v1). */
const METRICS_SERVICE: grpc.ServiceDefinition = {
  Export: {
    path: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
    requestStream: false,
    responseStream: false,
    requestSerialize: (body: Buffer) => body,
    requestDeserialize: (body: Buffer) => body,
    // ExportMetricsServiceResponse with no partial_success: an empty message.
    responseSerialize: () => Buffer.alloc(0),
    responseDeserialize: (body: Buffer) => body,
  },
};

/** An OTLP receiver on a free loopback port (HTTP: protobuf or JSON; or gRPC) that keeps every metrics push it gets. */
export class OtlpReceiver {
  readonly pushes: Push[] = [];
  readonly rejected: string[] = [];
  /** While set, valid pushes are answered 400 (not retried by the exporter) and counted in `refused`, not kept. */
  refusing = false;
  refused = 0;

  /**
   * The requests joined per snapshot pushed: every point of one push carries its snapshot's time, whatever
   * request of that push brought it.
   */
  snapshots(): Map<number, Map<string, PushedPoint[]>> {
    const bySnapshot = new Map<number, Map<string, PushedPoint[]>>();
    for (const push of this.pushes) {
      for (const metric of push.metrics.values()) {
        for (const point of metric.points) {
          let metrics = bySnapshot.get(point.timeMs);
          if (!metrics) bySnapshot.set(point.timeMs, (metrics = new Map()));
          let points = metrics.get(metric.name);
          if (!points) metrics.set(metric.name, (points = []));
          points.push(point);
        }
      }
    }
    return bySnapshot;
  }

  /** The gRPC server and the port it bound, for a gRPC receiver. */
  private grpcServer?: { server: grpc.Server; port: number };

  private constructor(
    private readonly server: Server | undefined,
    private readonly tls = false,
  ) {}

  /** Keeps a valid push, or refuses it while `refusing`; throws on a body that does not decode. */
  private receive(body: Buffer, headers: IncomingHttpHeaders, json: boolean): boolean {
    const push = { receivedAtMs: Date.now(), headers, ...decodeMetricsRequest(body, json) };
    if (this.refusing) {
      this.refused++;
      return false;
    }
    this.pushes.push(push);
    return true;
  }

  /** A gRPC receiver: the OTLP metrics service on a free loopback port, without TLS. */
  static async startGrpc(tls?: ReceiverTls): Promise<OtlpReceiver> {
    const server = new grpc.Server();
    const receiver = new OtlpReceiver(undefined, !!tls);
    server.addService(METRICS_SERVICE, {
      Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
        const headers = Object.fromEntries(
          Object.entries(call.metadata.getMap()).map(([key, value]) => [key, String(value)]),
        );
        try {
          if (receiver.receive(call.request, headers, false)) callback(null, Buffer.alloc(0));
          else callback({ code: grpc.status.INVALID_ARGUMENT, details: 'refused' });
        } catch (error) {
          receiver.rejected.push(String(error));
          callback({ code: grpc.status.INVALID_ARGUMENT, details: String(error) });
        }
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpcCredentials(tls), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    receiver.grpcServer = { server, port };
    return receiver;
  }

  static async start(tls?: ReceiverTls): Promise<OtlpReceiver> {
    const server = tls
      ? createTlsServer({ key: tls.key, cert: tls.cert, ca: tls.clientCa, requestCert: true })
      : createServer();
    const receiver = new OtlpReceiver(server, !!tls);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.method !== 'POST' || request.url !== '/v1/metrics') {
          receiver.rejected.push(`${request.method} ${request.url}`);
          response.writeHead(404).end();
          return;
        }
        let body = Buffer.concat(chunks);
        if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        const json = request.headers['content-type'] === 'application/json';
        try {
          if (!receiver.receive(body, request.headers, json)) {
            response.writeHead(400).end();
            return;
          }
          response
            .writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' })
            .end(json ? '{}' : undefined);
        } catch (error) {
          receiver.rejected.push(String(error));
          response.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  /** Waits for the latest push to be one that `wanted` accepts, and returns it. */
  async latestPush(wanted: (push: Push) => boolean, what: string): Promise<Push> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const push = this.pushes.at(-1);
      if (push && wanted(push)) return push;
      if (Date.now() > deadline) throw new Error(`no push ${what} arrived`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  get url(): string {
    const scheme = this.tls ? 'https' : 'http';
    if (this.grpcServer) return `${scheme}://127.0.0.1:${this.grpcServer.port}`;
    return `${scheme}://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    if (this.grpcServer) return void this.grpcServer.server.forceShutdown();
    this.server!.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

/** Without TLS, or with it and client certificates required. */
function grpcCredentials(tls?: ReceiverTls): grpc.ServerCredentials {
  if (!tls) return grpc.ServerCredentials.createInsecure();
  return grpc.ServerCredentials.createSsl(
    tls.clientCa,
    [{ private_key: tls.key, cert_chain: tls.cert }],
    true,
  );
}
