import type { HarborVersion } from './harbor-version.js';

/** One API path the exporter reads, relative to /api/v2.0, and the first Harbor release that serves it. */
export interface HarborEndpoint {
  path: string;
  since: HarborVersion;
  /** Answers that mean "not available here" rather than an error: 404 always, 412 for some. */
  unavailableOn?: readonly number[];
}

const v = (major: number, minor: number): HarborVersion => ({ major, minor, patch: 0 });

// Checked against Harbor's API description at v2.15.2 and the release notes of 2.0-2.15. Every path below
// is served by the supported releases (2.10-2.15); `since` lets an older Harbor skip a call it cannot answer.
export const endpoints = {
  ping: { path: '/ping', since: v(2, 0) },
  systemInfo: { path: '/systeminfo', since: v(2, 0) },
  volumes: { path: '/systeminfo/volumes', since: v(2, 0) },
  health: { path: '/health', since: v(2, 0) },
  statistics: { path: '/statistics', since: v(2, 0) },
  projects: { path: '/projects', since: v(2, 0) },
  repositories: { path: '/repositories', since: v(2, 1) },
  quotas: { path: '/quotas', since: v(2, 0) },
  registries: { path: '/registries', since: v(2, 0) },
  replicationPolicies: { path: '/replication/policies', since: v(2, 0) },
  replicationExecutions: { path: '/replication/executions', since: v(2, 0) },
  gcHistory: { path: '/system/gc', since: v(2, 0) },
  gcSchedule: { path: '/system/gc/schedule', since: v(2, 0) },
  // 412 when no scanner is configured.
  scanAllMetrics: { path: '/scans/all/metrics', since: v(2, 0), unavailableOn: [412] },
  // Job service monitoring and the schedule list arrived in 2.7.
  jobserviceQueues: { path: '/jobservice/queues', since: v(2, 7) },
  jobservicePools: { path: '/jobservice/pools', since: v(2, 7) },
  jobserviceWorkers: { path: '/jobservice/pools/all/workers', since: v(2, 7) },
  schedules: { path: '/schedules', since: v(2, 7) },
} satisfies Record<string, HarborEndpoint>;
