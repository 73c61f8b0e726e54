import {
  apiCollectors,
  apiFallbackCollectors,
  databaseCollectors,
  kubernetesCollectors,
  storageCollectors,
} from '../collectors/registry.js';
import type { Collector } from '../collectors/types.js';
import type { ExporterConfig } from '../config/config.js';
import type { Logger } from '../log.js';
import type { Source } from '../refresh/source.js';
import {
  DatabaseSource,
  fixedDatabaseSettings,
  type DatabaseSettingsProvider,
} from './postgres/database-source.js';
import {
  HarborApiSource,
  fixedHarborApiSettings,
  type HarborApiSettingsProvider,
} from './harbor-api/harbor-api-source.js';
import type { KubernetesAccessOptions } from './kubernetes/harbor-in-kubernetes.js';
import { LazyHarborInKubernetes } from './kubernetes/lazy-harbor-in-kubernetes.js';
import { LocalRegistryStorage } from './storage/local-storage.js';
import { RegistryStorageSource } from './storage/storage-source.js';

/** A source with the collectors enabled for it. */
export interface SourceBinding {
  source: Source<unknown>;
  collectors: readonly Collector<unknown>[];
}

export interface SourceOverrides {
  /** Database settings from somewhere other than the configuration (Kubernetes discovery, the demo). */
  databaseSettings?: DatabaseSettingsProvider;
  /** Harbor API settings from somewhere other than the configuration (Kubernetes discovery, the demo). */
  harborSettings?: HarborApiSettingsProvider;
  /** The cluster to discover Harbor in, instead of the default kubeconfig (tests). */
  kubernetes?: KubernetesAccessOptions;
}

/** Builds the configured sources; a source with no enabled collector is not started. */
export function buildSources(
  config: ExporterConfig,
  log: Logger,
  overrides: SourceOverrides = {},
): SourceBinding[] {
  const bindings: SourceBinding[] = [];
  const enabled = (collectors: readonly Collector<never>[]) =>
    collectors.filter(
      (collector) => config.collectors.get(collector.name) ?? collector.defaultEnabled,
    ) as Collector<unknown>[];

  // Harbor's Helm release fills in the database and API settings that were not given (explicit ones win).
  const kubernetes =
    config.kubernetes && new LazyHarborInKubernetes(config, config.kubernetes, log, overrides.kubernetes);
  const databaseSettings =
    overrides.databaseSettings ??
    kubernetes?.databaseSettings ??
    (config.database && fixedDatabaseSettings(config.database));
  const database = enabled(databaseCollectors);
  if (databaseSettings && database.length > 0) {
    bindings.push({
      source: new DatabaseSource(databaseSettings, log.child({ source: 'database' })),
      collectors: database,
    });
  }

  // Without a database, the API stands in for the database metrics it can give (catalog `fallback`).
  const harborSettings =
    overrides.harborSettings ??
    kubernetes?.harborApiSettings ??
    (config.harbor && fixedHarborApiSettings(config.harbor));
  const api = enabled(databaseSettings ? apiCollectors : [...apiCollectors, ...apiFallbackCollectors]);
  if (harborSettings && api.length > 0) {
    bindings.push({
      source: new HarborApiSource(harborSettings, log.child({ source: 'api' })),
      collectors: api,
    });
  }

  // Registry storage under the same metric names: a local mount (docker compose) or df in the registry pod.
  const storageProbe = config.storageLocalPath
    ? new LocalRegistryStorage(config.storageLocalPath)
    : kubernetes?.registryStorage;
  const storage = enabled(storageCollectors);
  if (storageProbe && storage.length > 0) {
    bindings.push({ source: new RegistryStorageSource(storageProbe), collectors: storage });
  }

  const pods = enabled(kubernetesCollectors);
  if (kubernetes && pods.length > 0) {
    bindings.push({ source: kubernetes.podsSource, collectors: pods });
  }
  return bindings;
}
