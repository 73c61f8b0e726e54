import {
  detectResources,
  envDetector,
  resourceFromAttributes,
  type Resource,
} from '@opentelemetry/resources';

/** service.name/version of the exporter, overridden by OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES. */
export function exporterResource(version: string): Resource {
  const own = resourceFromAttributes({ 'service.name': 'harbor-exporter', 'service.version': version });
  return own.merge(detectResources({ detectors: [envDetector] }));
}
