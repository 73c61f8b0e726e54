import { Metadata } from '@grpc/grpc-js';
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter as JsonMetricExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtobufMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { OtlpSettings } from '../config/config.js';

/**
 * The OpenTelemetry exporter of the configured transport. Each reads the standard TLS variables itself
 * (OTEL_EXPORTER_OTLP_[METRICS_]CERTIFICATE, _CLIENT_KEY, _CLIENT_CERTIFICATE, and _INSECURE for gRPC) and
 * OTEL_EXPORTER_OTLP_[METRICS_]COMPRESSION; endpoint, headers and timeout are given from the configuration.
 */
export function createMetricExporter(settings: OtlpSettings): PushMetricExporter {
  const common = {
    timeoutMillis: settings.requestTimeoutMs ?? settings.timeoutMs,
    temporalityPreference:
      settings.temporality === 'delta'
        ? AggregationTemporalityPreference.DELTA
        : AggregationTemporalityPreference.CUMULATIVE,
  };
  switch (settings.protocol ?? 'http/protobuf') {
    case 'grpc': {
      const metadata = new Metadata();
      for (const [name, value] of Object.entries(settings.headers)) metadata.set(name, value);
      return new GrpcMetricExporter({ ...common, url: grpcTarget(settings.endpoint), metadata });
    }
    case 'http/json':
      return new JsonMetricExporter({ ...common, url: settings.endpoint, headers: settings.headers });
    default:
      return new ProtobufMetricExporter({ ...common, url: settings.endpoint, headers: settings.headers });
  }
}

/** gRPC takes scheme, host and port; the path OTEL_EXPORTER_OTLP_ENDPOINT was given for HTTP is not used. */
function grpcTarget(endpoint: string): string {
  const url = new URL(endpoint);
  return `${url.protocol}//${url.host}`;
}
