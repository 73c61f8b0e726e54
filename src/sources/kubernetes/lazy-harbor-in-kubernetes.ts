import type { ExporterConfig, KubernetesSettings } from '../../config/config.js';
import type { Logger } from '../../log.js';
import type { Source, SourceSession } from '../source.js';
import type { HarborApiSettingsProvider } from '../harbor-api/harbor-api-source.js';
import type { DatabaseSettingsProvider } from '../postgres/database-source.js';
import type { RegistryStorageProbe } from '../storage/registry-storage.js';
import type { HarborInKubernetes, KubernetesAccessOptions } from './harbor-in-kubernetes.js';
import type { HarborPods, KubernetesSource } from './kubernetes-source.js';

interface Loaded {
  harbor: HarborInKubernetes;
  pods: KubernetesSource;
}

/**
 * HarborInKubernetes behind the same four faces, built at the first refresh that needs it. The Kubernetes client
 * library takes about 80 MB of memory once loaded, so it is imported only when Kubernetes is configured, and only
 * from here (every other module of the exporter imports its types alone).
 */
export class LazyHarborInKubernetes {
  private loading?: Promise<Loaded>;
  private loaded?: Loaded;

  constructor(
    private readonly config: ExporterConfig,
    private readonly settings: KubernetesSettings,
    private readonly log: Logger,
    private readonly options: KubernetesAccessOptions = {},
  ) {}

  readonly databaseSettings: DatabaseSettingsProvider = {
    current: async () => (await this.load()).harbor.databaseSettings.current(),
    rejected: () => this.loaded?.harbor.databaseSettings.rejected(),
  };

  readonly harborApiSettings: HarborApiSettingsProvider = {
    current: async () => (await this.load()).harbor.harborApiSettings.current(),
    rejected: () => this.loaded?.harbor.harborApiSettings.rejected(),
  };

  readonly registryStorage: RegistryStorageProbe = {
    measure: async (signal) => (await this.load()).harbor.registryStorage.measure(signal),
  };

  /** The source of the Kubernetes collectors (the release's pods). */
  readonly podsSource: Source<HarborPods> = {
    name: 'kubernetes',
    concurrency: 1,
    beginRefresh: async (signal): Promise<SourceSession<HarborPods>> =>
      (await this.load()).pods.beginRefresh(signal),
    close: async () => {},
  };

  private load(): Promise<Loaded> {
    this.loading ??= (async () => {
      const [{ HarborInKubernetes }, { KubernetesSource }] = await Promise.all([
        import('./harbor-in-kubernetes.js'),
        import('./kubernetes-source.js'),
      ]);
      const harbor = new HarborInKubernetes(this.config, this.settings, this.log, this.options);
      this.loaded = { harbor, pods: new KubernetesSource(harbor.api) };
      return this.loaded;
    })().catch((error: unknown) => {
      // A kubeconfig that could not be read is read again at the next refresh.
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }
}
