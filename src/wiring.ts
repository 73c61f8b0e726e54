import { auditFailuresByUserCollector } from './collectors/database/audit-failures-by-user.js';
import { auditFailuresCollector } from './collectors/database/audit-failures.js';
import { databaseHealthCollector } from './collectors/database/database-health.js';
import { jobsCollector } from './collectors/database/jobs.js';
import { projectsCollector } from './collectors/database/projects.js';
import { reclaimableCollector } from './collectors/database/reclaimable.js';
import { repositoriesCollector } from './collectors/database/repositories.js';
import { repositoryInfoCollector } from './collectors/database/repository-info.js';
import { robotActivityCollector } from './collectors/database/robot-activity.js';
import { robotsCollector } from './collectors/database/robots.js';
import { storageCollector } from './collectors/database/storage.js';
import { tagsCollector } from './collectors/database/tags.js';
import { vulnerabilitiesCollector } from './collectors/database/vulnerabilities.js';
import { apiGcCollector } from './collectors/api/api-gc.js';
import { apiProjectsCollector } from './collectors/api/api-projects.js';
import { apiQuotasCollector } from './collectors/api/api-quotas.js';
import { apiRepositoriesCollector } from './collectors/api/api-repositories.js';
import { apiStatisticsCollector } from './collectors/api/api-statistics.js';
import { healthCollector } from './collectors/api/health.js';
import { jobserviceCollector } from './collectors/api/jobservice.js';
import { registriesCollector } from './collectors/api/registries.js';
import { replicationCollector } from './collectors/api/replication.js';
import { scanAllCollector } from './collectors/api/scan-all.js';
import { schedulesCollector } from './collectors/api/schedules.js';
import { systemInfoCollector } from './collectors/api/systeminfo.js';
import { volumesCollector } from './collectors/api/volumes.js';
import { podsCollector } from './collectors/kubernetes/pods.js';
import { registryStorageCollector } from './collectors/storage/registry-storage.js';
import type { Collector, CollectorFactory } from './collectors/types.js';
import type { ExporterConfig } from './config/config.js';
import type { CollectorSwitch } from './config/load.js';
import type { Logger } from './log.js';
import type { Source } from './sources/source.js';
import {
  DatabaseSource,
  fixedDatabaseSettings,
  type DatabaseSettingsProvider,
} from './sources/postgres/database-source.js';
import {
  HarborApiSource,
  fixedHarborApiSettings,
  type HarborApiSettingsProvider,
} from './sources/harbor-api/harbor-api-source.js';
import type { KubernetesAccessOptions } from './sources/kubernetes/harbor-in-kubernetes.js';
import { LazyHarborInKubernetes } from './sources/kubernetes/lazy-harbor-in-kubernetes.js';
import { LocalRegistryStorage } from './sources/storage/local-storage.js';
import { RegistryStorageSource } from './sources/storage/storage-source.js';

/** A collector as the lists below hold it: made from the whole configuration, each taking what it reads. */
type Factory = CollectorFactory<never, ExporterConfig>;

/**
 * Every collector, by source. Adding a collector means writing its file and listing it here; flags,
 * --help and the docs follow from this list and the catalog.
 */
export const databaseCollectors: readonly Factory[] = [
  projectsCollector,
  // Stateful: each exporter's instances count audit rows incrementally.
  repositoriesCollector,
  tagsCollector,
  repositoryInfoCollector,
  auditFailuresCollector,
  auditFailuresByUserCollector,
  jobsCollector,
  vulnerabilitiesCollector,
  robotsCollector,
  robotActivityCollector,
  storageCollector,
  databaseHealthCollector,
  reclaimableCollector,
];

export const apiCollectors: readonly Factory[] = [
  healthCollector,
  systemInfoCollector,
  replicationCollector,
  scanAllCollector,
  jobserviceCollector,
  schedulesCollector,
  registriesCollector,
  volumesCollector,
];

/** API collectors that stand in for database metrics (catalog `fallback`); bound only without a database. */
export const apiFallbackCollectors: readonly Factory[] = [
  apiProjectsCollector,
  apiRepositoriesCollector,
  apiQuotasCollector,
  apiStatisticsCollector,
  apiGcCollector,
];

export const kubernetesCollectors: readonly Factory[] = [podsCollector];

export const storageCollectors: readonly Factory[] = [registryStorageCollector];

export const allCollectors: readonly Factory[] = [
  ...databaseCollectors,
  ...apiCollectors,
  ...apiFallbackCollectors,
  ...kubernetesCollectors,
  ...storageCollectors,
];

/** The collectors as configuration sees them (flags, --help). */
export function collectorSwitches(): readonly CollectorSwitch[] {
  return allCollectors;
}

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

/**
 * Builds the configured sources, each with new instances of its enabled collectors (what they count starts with
 * this exporter); a source with no enabled collector is not started.
 */
export function buildSources(
  config: ExporterConfig,
  log: Logger,
  overrides: SourceOverrides = {},
): SourceBinding[] {
  const bindings: SourceBinding[] = [];
  const enabled = (factories: readonly Factory[]) =>
    factories
      .filter((factory) => config.collectors.get(factory.name) ?? factory.defaultEnabled)
      .map((factory) => factory.create(config) as Collector<unknown>);

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
