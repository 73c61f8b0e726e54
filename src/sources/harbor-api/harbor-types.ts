/**
 * The parts of Harbor's API answers the exporter reads, named as in Harbor's API description (swagger.yaml,
 * definitions of the same name). Every field is optional: Harbor omits empty ones, and older releases lack some.
 */

export interface GeneralInfo {
  harbor_version?: string;
  auth_mode?: string;
  registry_storage_provider_name?: string;
  read_only?: boolean;
  self_registration?: boolean;
  external_url?: string;
}

export interface OverallHealthStatus {
  status?: string;
  components?: { name?: string; status?: string; error?: string }[];
}

export interface Statistic {
  private_project_count?: number;
  private_repo_count?: number;
  public_project_count?: number;
  public_repo_count?: number;
  total_project_count?: number;
  total_repo_count?: number;
  total_storage_consumption?: number;
}

export interface SystemInfo {
  storage?: { total?: number; free?: number }[];
}

export interface Project {
  project_id?: number;
  name?: string;
  repo_count?: number;
  metadata?: { public?: string };
}

export interface Repository {
  id?: number;
  project_id?: number;
  name?: string;
  artifact_count?: number;
  pull_count?: number;
}

export interface Quota {
  id?: number;
  ref?: { id?: number; name?: string; owner_name?: string };
  hard?: Record<string, number>;
  used?: Record<string, number>;
}

export interface Registry {
  id?: number;
  name?: string;
  url?: string;
  type?: string;
  status?: string;
}

export interface ReplicationPolicy {
  id?: number;
  name?: string;
  enabled?: boolean;
  /** type: manual, scheduled or event_based. */
  trigger?: { type?: string } | null;
}

export interface ReplicationExecution {
  id?: number;
  policy_id?: number;
  /** InProgress, Succeed, Failed or Stopped. */
  status?: string;
  trigger?: string;
  start_time?: string;
  end_time?: string;
  total?: number;
  failed?: number;
  succeed?: number;
  in_progress?: number;
  stopped?: number;
}

export interface ScheduleObj {
  type?: string;
  cron?: string;
  next_scheduled_time?: string;
}

export interface GCHistory {
  id?: number;
  job_name?: string;
  job_kind?: string;
  /** A JSON object as a string; holds freed_space, purged_blobs, purged_manifests from Harbor 2.9. */
  job_parameters?: string;
  schedule?: ScheduleObj;
  job_status?: string;
  creation_time?: string;
  update_time?: string;
}

/** /system/gc/schedule answers a GCHistory whose `schedule` is the configured one. */
export type GCSchedule = GCHistory;

export interface ScanAllStats {
  total?: number;
  completed?: number;
  metrics?: Record<string, number>;
  ongoing?: boolean;
  trigger?: string;
}

export interface JobQueue {
  job_type?: string;
  count?: number;
  /** Seconds the oldest job has waited. */
  latency?: number;
  paused?: boolean;
}

export interface WorkerPool {
  pid?: number;
  worker_pool_id?: string;
  concurrency?: number;
  host?: string;
}

export interface Worker {
  id?: string;
  pool_id?: string;
  job_name?: string;
  job_id?: string;
  check_in?: string;
}

export interface ScheduleTask {
  id?: number;
  vendor_type?: string;
  vendor_id?: number;
  cron?: string;
}
