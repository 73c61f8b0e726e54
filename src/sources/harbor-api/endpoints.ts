import { Type, type TSchema } from '@sinclair/typebox';
import * as answer from './harbor-types.js';
import type { HarborVersion } from './harbor-version.js';

/**
 * One API path the exporter reads, relative to /api/v2.0, the first Harbor release that serves it, and the
 * schema every answer to one request must match (one page, for a paged list).
 */
export interface HarborEndpoint<S extends TSchema = TSchema> {
  path: string;
  since: HarborVersion;
  schema: S;
  /** Answers that mean "not available here" rather than an error: 404 always, 412 for some. */
  unavailableOn?: readonly number[];
}

const v = (major: number, minor: number): HarborVersion => ({ major, minor, patch: 0 });
const list = answer.ListOf;

// Checked against Harbor's API description at v2.15.2 and the release notes of 2.0-2.15. Every path below
// is served by the supported releases (2.10-2.15); `since` lets an older Harbor skip a call it cannot answer.
export const endpoints = {
  ping: { path: '/ping', since: v(2, 0), schema: Type.String({ maxLength: 64 }) },
  systemInfo: { path: '/systeminfo', since: v(2, 0), schema: answer.GeneralInfo },
  volumes: { path: '/systeminfo/volumes', since: v(2, 0), schema: answer.SystemInfo },
  health: { path: '/health', since: v(2, 0), schema: answer.OverallHealthStatus },
  statistics: { path: '/statistics', since: v(2, 0), schema: answer.Statistic },
  projects: { path: '/projects', since: v(2, 0), schema: list(answer.Project) },
  repositories: { path: '/repositories', since: v(2, 1), schema: list(answer.Repository) },
  quotas: { path: '/quotas', since: v(2, 0), schema: list(answer.Quota) },
  registries: { path: '/registries', since: v(2, 0), schema: list(answer.Registry) },
  replicationPolicies: {
    path: '/replication/policies',
    since: v(2, 0),
    schema: list(answer.ReplicationPolicy),
  },
  replicationExecutions: {
    path: '/replication/executions',
    since: v(2, 0),
    schema: list(answer.ReplicationExecution),
  },
  gcHistory: { path: '/system/gc', since: v(2, 0), schema: list(answer.GCHistory) },
  gcSchedule: { path: '/system/gc/schedule', since: v(2, 0), schema: answer.GCHistory },
  // 412 when no scanner is configured.
  scanAllMetrics: {
    path: '/scans/all/metrics',
    since: v(2, 0),
    schema: answer.Stats,
    unavailableOn: [412],
  },
  // Job service monitoring and the schedule list arrived in 2.7.
  jobserviceQueues: { path: '/jobservice/queues', since: v(2, 7), schema: list(answer.JobQueue) },
  jobservicePools: { path: '/jobservice/pools', since: v(2, 7), schema: list(answer.WorkerPool) },
  jobserviceWorkers: {
    path: '/jobservice/pools/all/workers',
    since: v(2, 7),
    schema: list(answer.Worker),
  },
  schedules: { path: '/schedules', since: v(2, 7), schema: list(answer.ScheduleTask) },
} satisfies Record<string, HarborEndpoint>;
