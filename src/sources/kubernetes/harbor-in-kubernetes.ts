import { KubeConfig } from '@kubernetes/client-node';
import type { ExporterConfig, KubernetesSettings } from '../../config/config.js';
import type { Logger } from '../../log.js';
import { HarborCoreObjects } from './core-objects.js';
import { DiscoveredDatabaseSettings } from './database-discovery.js';
import { DiscoveredHarborApiSettings } from './harbor-api-discovery.js';
import { KubernetesApi } from './kubernetes-api.js';
import { KubernetesRegistryStorage } from './registry-storage.js';
import { harborRelease } from './release.js';

export interface KubernetesAccessOptions {
  /** Defaults to KubeConfig.loadFromDefault(): $KUBECONFIG, ~/.kube/config, else the pod's service account. */
  kubeConfig?: KubeConfig;
  /** Whether service names resolve (the exporter runs in the cluster); defaults to KUBERNETES_SERVICE_HOST being set. */
  inCluster?: boolean;
}

/** A Helm-installed Harbor seen through the Kubernetes API: what the exporter's sources take from it. */
export class HarborInKubernetes {
  readonly api: KubernetesApi;
  readonly databaseSettings: DiscoveredDatabaseSettings;
  readonly harborApiSettings: DiscoveredHarborApiSettings;
  readonly registryStorage: KubernetesRegistryStorage;

  constructor(
    config: ExporterConfig,
    settings: KubernetesSettings,
    log: Logger,
    options: KubernetesAccessOptions = {},
  ) {
    const kubeConfig = options.kubeConfig ?? defaultKubeConfig();
    const release = harborRelease(settings, kubeConfig);
    const discoveryLog = log.child({
      source: 'kubernetes',
      namespace: release.namespace,
      release: release.release,
    });
    this.api = new KubernetesApi(kubeConfig, release);
    const core = new HarborCoreObjects(this.api);
    this.databaseSettings = new DiscoveredDatabaseSettings(core, this.api, config, discoveryLog);
    const inCluster = options.inCluster ?? Boolean(process.env.KUBERNETES_SERVICE_HOST);
    this.harborApiSettings = new DiscoveredHarborApiSettings(core, config, inCluster, discoveryLog);
    this.registryStorage = new KubernetesRegistryStorage(this.api);
  }
}

function defaultKubeConfig(): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  return kubeConfig;
}
