import type { MetricDefinition } from './types.js';

const versions = '2.10-2.15';
const api = { source: 'api', harborVersions: versions } as const;
/** c4po's replication gauges: enabled policies only, named `repl_pol_name`, with `repl_trigger_type`. */
const seedReplication = {
  join: { metric: 'harbor_replication_policy_info', on: ['policy'], attributes: ['enabled', 'trigger'] },
  only: { enabled: 'true' },
  dropAttributes: ['enabled'],
  labels: { policy: 'repl_pol_name', trigger: 'repl_trigger_type' },
} as const;

/** Metrics read from Harbor's REST API (/api/v2.0). API paths live next to each collector. */
const definitions = [
  {
    name: 'harbor_api_up',
    kind: 'gauge',
    unit: '',
    help: "1 when Harbor's API answered the last refresh and accepted the exporter's credentials, else 0.",
    attributes: [],
    collector: 'source',
    ...api,
    // With both sets on, Harbor's harbor_up{component} is published alone: one family cannot mean both.
    compat: [{ set: 'seed', name: 'harbor_up', kind: 'gauge', yieldsTo: ['harbor'] }],
  },

  // health: /health
  {
    name: 'harbor_healthy',
    kind: 'gauge',
    unit: '',
    help: 'Overall health as Harbor reports it: 1 when every component is healthy, else 0.',
    attributes: [],
    collector: 'health',
    ...api,
    compat: [
      { set: 'harbor', name: 'harbor_health', kind: 'gauge' },
      { set: 'seed', name: 'harbor_health', kind: 'gauge' },
    ],
  },
  {
    name: 'harbor_component_healthy',
    kind: 'gauge',
    unit: '',
    help: 'Health of each Harbor component (core, database, jobservice, portal, redis, registry, registryctl, trivy): 1 healthy, 0 not.',
    attributes: ['component'],
    collector: 'health',
    ...api,
    compat: [
      { set: 'harbor', name: 'harbor_up', kind: 'gauge' },
      { set: 'seed', name: 'harbor_components_health', kind: 'gauge' },
    ],
  },

  // systeminfo: /systeminfo, read at the start of every refresh
  {
    name: 'harbor_info',
    kind: 'info',
    unit: '',
    help: "Harbor's release, authentication mode, registry storage provider, read-only state and self-registration setting.",
    attributes: ['version', 'auth_mode', 'storage_provider', 'read_only', 'self_registration'],
    collector: 'systeminfo',
    ...api,
    compat: [
      {
        set: 'harbor',
        name: 'harbor_system_info',
        kind: 'gauge',
        labels: { version: 'harbor_version' },
        dropAttributes: ['storage_provider', 'read_only'],
      },
    ],
  },

  // replication: /replication/policies, then the latest execution of each policy
  {
    name: 'harbor_replication_policies',
    kind: 'gauge',
    unit: '{policy}',
    help: 'Replication policies, by whether they are enabled ("true" or "false").',
    attributes: ['enabled'],
    collector: 'replication',
    ...api,
  },
  {
    name: 'harbor_replication_policy_info',
    kind: 'info',
    unit: '',
    help: 'Each replication policy: whether it is enabled ("true" or "false") and its trigger (manual, scheduled, event_based).',
    attributes: ['policy', 'enabled', 'trigger'],
    collector: 'replication',
    ...api,
  },
  {
    name: 'harbor_replication_last_execution_status',
    kind: 'gauge',
    unit: '',
    help: "Status of the policy's latest execution: 1 for the current one of in_progress, succeeded, failed, stopped; 0 for the others.",
    attributes: ['policy', 'status'],
    collector: 'replication',
    ...api,
  },
  {
    name: 'harbor_replication_last_execution_succeeded',
    kind: 'gauge',
    unit: '',
    help: "1 when the policy's latest execution succeeded, 0 for any other status.",
    attributes: ['policy'],
    collector: 'replication',
    ...api,
  },
  {
    name: 'harbor_replication_last_execution_start_timestamp_seconds',
    kind: 'gauge',
    unit: 's',
    help: "Unix time at which the policy's latest execution started.",
    attributes: ['policy'],
    collector: 'replication',
    ...api,
  },
  {
    name: 'harbor_replication_last_execution_end_timestamp_seconds',
    kind: 'gauge',
    unit: 's',
    help: "Unix time at which the policy's latest execution ended; absent while it runs.",
    attributes: ['policy'],
    collector: 'replication',
    ...api,
  },
  {
    name: 'harbor_replication_last_execution_tasks',
    kind: 'gauge',
    unit: '{task}',
    help: "Tasks of the policy's latest execution, by status (succeeded, failed, in_progress, stopped).",
    attributes: ['policy', 'status'],
    collector: 'replication',
    ...api,
    compat: [],
  },
  {
    name: 'harbor_replication_last_finished_execution_succeeded',
    kind: 'gauge',
    unit: '',
    help: "1 when the policy's last finished execution succeeded, else 0: the latest execution, or the one before it while the latest is in progress.",
    attributes: ['policy'],
    collector: 'replication',
    ...api,
    compat: [{ set: 'seed', name: 'harbor_replication_status', kind: 'gauge', ...seedReplication }],
  },
  {
    name: 'harbor_replication_last_finished_execution_tasks',
    kind: 'gauge',
    unit: '{task}',
    help: 'Tasks of the execution harbor_replication_last_finished_execution_succeeded reports on, by status (succeeded, failed, in_progress, stopped).',
    attributes: ['policy', 'status'],
    collector: 'replication',
    ...api,
    compat: [
      {
        set: 'seed',
        name: 'harbor_replication_tasks',
        kind: 'gauge',
        ...seedReplication,
        labels: { ...seedReplication.labels, status: 'result' },
        values: { status: { succeeded: 'succeed' } },
      },
    ],
  },

  // scan-all: /scans/all/metrics
  {
    name: 'harbor_scan_all_tasks',
    kind: 'gauge',
    unit: '{task}',
    help: 'Scan tasks of the latest "scan all", by status as Harbor names it (lower case: success, error, running, ...).',
    attributes: ['status'],
    collector: 'scan-all',
    ...api,
  },
  {
    name: 'harbor_scan_all_running',
    kind: 'gauge',
    unit: '',
    help: 'Whether a "scan all" is running now (1) or not (0).',
    attributes: [],
    collector: 'scan-all',
    ...api,
  },

  // jobservice: /jobservice/queues, /jobservice/pools, /jobservice/pools/all/workers
  {
    name: 'harbor_jobservice_queue_pending_jobs',
    kind: 'gauge',
    unit: '{job}',
    help: "Jobs waiting in the job service's queue, per job type.",
    attributes: ['job_type'],
    collector: 'jobservice',
    ...api,
    compat: [{ set: 'harbor', name: 'harbor_task_queue_size', kind: 'gauge', labels: { job_type: 'type' } }],
  },
  {
    name: 'harbor_jobservice_queue_latency_seconds',
    kind: 'gauge',
    unit: 's',
    help: 'How long the oldest waiting job of the type has waited.',
    attributes: ['job_type'],
    collector: 'jobservice',
    ...api,
    compat: [
      { set: 'harbor', name: 'harbor_task_queue_latency', kind: 'gauge', labels: { job_type: 'type' } },
    ],
  },
  {
    name: 'harbor_jobservice_queue_paused',
    kind: 'gauge',
    unit: '',
    help: 'Whether the queue of the job type is paused (1) or not (0).',
    attributes: ['job_type'],
    collector: 'jobservice',
    ...api,
  },
  {
    name: 'harbor_jobservice_pool_workers',
    kind: 'gauge',
    unit: '{worker}',
    help: 'Workers (concurrency) of each job service worker pool.',
    attributes: ['pool'],
    collector: 'jobservice',
    ...api,
  },
  {
    name: 'harbor_jobservice_pool_busy_workers',
    kind: 'gauge',
    unit: '{worker}',
    help: 'Workers of the pool running a job now.',
    attributes: ['pool'],
    collector: 'jobservice',
    ...api,
  },
  {
    name: 'harbor_jobservice_running_jobs',
    kind: 'gauge',
    unit: '{job}',
    help: 'Jobs running now, per worker pool and job type (every job type the queues list, 0 when none runs).',
    attributes: ['pool', 'job_type'],
    collector: 'jobservice',
    ...api,
    compat: [{ set: 'harbor', name: 'harbor_task_concurrency', kind: 'gauge', labels: { job_type: 'type' } }],
  },

  // schedules: /schedules and /system/gc/schedule
  {
    name: 'harbor_schedules',
    kind: 'gauge',
    unit: '{schedule}',
    help: 'Scheduled jobs, per job type (GARBAGE_COLLECTION, SCAN_ALL, REPLICATION, ...).',
    attributes: ['job_type'],
    collector: 'schedules',
    ...api,
    compat: [
      { set: 'harbor', name: 'harbor_task_scheduled_total', kind: 'gauge', dropAttributes: ['job_type'] },
    ],
  },
  {
    name: 'harbor_gc_next_run_timestamp_seconds',
    kind: 'gauge',
    unit: 's',
    help: 'Unix time of the next scheduled garbage collection; absent when none is scheduled.',
    attributes: [],
    collector: 'schedules',
    ...api,
  },

  // registries: /registries (replication endpoints)
  {
    name: 'harbor_registry_endpoint_healthy',
    kind: 'gauge',
    unit: '',
    help: 'Health of each registry endpoint Harbor replicates with, as Harbor last checked it: 1 healthy, 0 not.',
    attributes: ['registry', 'type'],
    collector: 'registries',
    ...api,
  },

  // volumes: /systeminfo/volumes
  {
    name: 'harbor_core_data_volume_bytes',
    kind: 'gauge',
    unit: 'By',
    help: "Size (state=total) and free space (state=free) of the volume holding harbor-core's own /data directory. This is not the registry's storage, and says nothing about object storage.",
    attributes: ['state'],
    collector: 'volumes',
    ...api,
    compat: [
      { set: 'seed', name: 'harbor_system_volumes_bytes', kind: 'gauge', labels: { state: 'storage' } },
    ],
  },
] as const satisfies readonly MetricDefinition[];

export const apiMetrics: readonly MetricDefinition[] = definitions;
/** Each metric's name and attributes as written, for typing what collectors add. */
export type ApiMetric = (typeof definitions)[number];

/**
 * Metrics of the database that the API can give too, and the API collector that gives them when no database
 * is configured. Only one source emits a metric at a time: bindings enable these collectors only then.
 */
export const apiFallbacks: readonly { metric: string; collector: string }[] = [
  { metric: 'harbor_projects', collector: 'api-projects' },
  { metric: 'harbor_repositories', collector: 'api-projects' },
  { metric: 'harbor_project_repositories', collector: 'api-projects' },
  { metric: 'harbor_project_info', collector: 'api-projects' },
  { metric: 'harbor_repository_pulls', collector: 'api-repositories' },
  { metric: 'harbor_repository_artifacts', collector: 'api-repositories' },
  { metric: 'harbor_project_quota_limit_bytes', collector: 'api-quotas' },
  { metric: 'harbor_project_quota_unlimited', collector: 'api-quotas' },
  { metric: 'harbor_project_quota_used_bytes', collector: 'api-quotas' },
  { metric: 'harbor_storage_consumption_bytes', collector: 'api-statistics' },
  { metric: 'harbor_job_last_execution_status', collector: 'api-gc' },
  { metric: 'harbor_job_last_execution_start_timestamp_seconds', collector: 'api-gc' },
  { metric: 'harbor_job_last_execution_end_timestamp_seconds', collector: 'api-gc' },
  { metric: 'harbor_job_last_execution_duration_seconds', collector: 'api-gc' },
  { metric: 'harbor_gc_last_freed_bytes', collector: 'api-gc' },
  { metric: 'harbor_gc_last_purged_blobs', collector: 'api-gc' },
  { metric: 'harbor_gc_last_purged_manifests', collector: 'api-gc' },
];
