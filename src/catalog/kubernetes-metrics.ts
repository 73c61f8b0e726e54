import type { MetricDefinition } from './types.js';

/**
 * Metrics read through the Kubernetes API (Harbor's pods) and of the registry's storage. Storage figures have
 * the same names whether measured by df in the registry pod (Kubernetes) or by statfs of a local mount
 * (docker compose).
 */
const definitions = [
  {
    name: 'harbor_registry_storage_info',
    kind: 'info',
    unit: '',
    help: "The registry's storage driver (filesystem, s3, azure, gcs, swift, oss) and, for filesystem, the directory measured.",
    attributes: ['driver', 'directory'],
    source: 'storage',
    collector: 'registry-storage',
  },
  {
    name: 'harbor_registry_storage_size_bytes',
    kind: 'gauge',
    unit: 'By',
    help: "Size of the filesystem holding the registry's blobs; absent for object storage.",
    attributes: [],
    source: 'storage',
    collector: 'registry-storage',
  },
  {
    name: 'harbor_registry_storage_used_bytes',
    kind: 'gauge',
    unit: 'By',
    help: "Bytes in use on the filesystem holding the registry's blobs (df's Used); absent for object storage.",
    attributes: [],
    source: 'storage',
    collector: 'registry-storage',
  },
  {
    name: 'harbor_registry_storage_available_bytes',
    kind: 'gauge',
    unit: 'By',
    help: "Bytes the registry may still write on its filesystem (df's Available; excludes root-reserved blocks); absent for object storage.",
    attributes: [],
    source: 'storage',
    collector: 'registry-storage',
  },
  {
    name: 'harbor_kubernetes_pods',
    kind: 'gauge',
    unit: '{pod}',
    help: "Harbor's pods of the component that are neither finished nor terminating: what its controller runs now.",
    attributes: ['component'],
    source: 'kubernetes',
    collector: 'pods',
  },
  {
    name: 'harbor_kubernetes_pods_ready',
    kind: 'gauge',
    unit: '{pod}',
    help: 'Pods of the component whose Ready condition is true.',
    attributes: ['component'],
    source: 'kubernetes',
    collector: 'pods',
  },
  {
    name: 'harbor_kubernetes_container_restarts',
    kind: 'gauge',
    unit: '{restart}',
    help: "Container restarts summed over the component's current pods; drops when a pod is replaced.",
    attributes: ['component'],
    source: 'kubernetes',
    collector: 'pods',
  },
  {
    name: 'harbor_kubernetes_up',
    kind: 'gauge',
    unit: '',
    help: "1 when the Kubernetes API listed Harbor's pods in the last refresh, else 0.",
    attributes: [],
    source: 'kubernetes',
    collector: 'source',
  },
  {
    name: 'harbor_kubernetes_api_errors',
    kind: 'counter',
    unit: '{request}',
    help: 'Kubernetes API calls that failed, by verb, resource and HTTP status (401 credentials, 403 RBAC, 404 object or namespace; none: no answer).',
    attributes: ['verb', 'resource', 'code'],
    source: 'kubernetes',
    collector: 'source',
  },
] as const satisfies readonly MetricDefinition[];

export const kubernetesMetrics: readonly MetricDefinition[] = definitions;
/** Each metric's name and attributes as written, for typing what collectors add. */
export type KubernetesMetric = (typeof definitions)[number];
