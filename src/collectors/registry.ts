import { AuditFailuresCollector } from './database/audit-failures.js';
import { databaseHealthCollector } from './database/database-health.js';
import { jobsCollector } from './database/jobs.js';
import { projectsCollector } from './database/projects.js';
import { reclaimableCollector } from './database/reclaimable.js';
import { RepositoriesCollector } from './database/repositories.js';
import { repositoryInfoCollector } from './database/repository-info.js';
import { robotsCollector } from './database/robots.js';
import { storageCollector } from './database/storage.js';
import { TagsCollector } from './database/tags.js';
import { vulnerabilitiesCollector } from './database/vulnerabilities.js';
import { apiGcCollector } from './api/api-gc.js';
import { apiProjectsCollector } from './api/api-projects.js';
import { apiQuotasCollector } from './api/api-quotas.js';
import { apiRepositoriesCollector } from './api/api-repositories.js';
import { apiStatisticsCollector } from './api/api-statistics.js';
import { healthCollector } from './api/health.js';
import { jobserviceCollector } from './api/jobservice.js';
import { registriesCollector } from './api/registries.js';
import { replicationCollector } from './api/replication.js';
import { scanAllCollector } from './api/scan-all.js';
import { schedulesCollector } from './api/schedules.js';
import { systemInfoCollector } from './api/systeminfo.js';
import { volumesCollector } from './api/volumes.js';
import { podsCollector } from './kubernetes/pods.js';
import { registryStorageCollector } from './storage/registry-storage.js';
import type { CollectorSwitch } from '../config/load.js';
import type { Collector } from './types.js';

/**
 * Every collector, by source. Adding a collector means writing its file and listing it here; flags,
 * --help and the docs follow from this list and the catalog.
 */
export const databaseCollectors: readonly Collector<never>[] = [
  projectsCollector,
  // Stateful: they count audit rows incrementally, keeping their counts per database they read.
  new RepositoriesCollector(),
  new TagsCollector(),
  repositoryInfoCollector,
  new AuditFailuresCollector(),
  jobsCollector,
  vulnerabilitiesCollector,
  robotsCollector,
  storageCollector,
  reclaimableCollector,
  databaseHealthCollector,
];

export const apiCollectors: readonly Collector<never>[] = [
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
export const apiFallbackCollectors: readonly Collector<never>[] = [
  apiProjectsCollector,
  apiRepositoriesCollector,
  apiQuotasCollector,
  apiStatisticsCollector,
  apiGcCollector,
];

export const kubernetesCollectors: readonly Collector<never>[] = [podsCollector];

export const storageCollectors: readonly Collector<never>[] = [registryStorageCollector];

export const allCollectors: readonly Collector<never>[] = [
  ...databaseCollectors,
  ...apiCollectors,
  ...apiFallbackCollectors,
  ...kubernetesCollectors,
  ...storageCollectors,
];

/** The collectors as configuration sees them (flags, --help). */
export function collectorSwitches(): CollectorSwitch[] {
  return allCollectors.map(({ name, source, defaultEnabled, help }) => ({
    name,
    source,
    defaultEnabled,
    help,
  }));
}
