/** The job service's answers as Harbor 2.15 writes them (swagger definitions of the same names). */
export interface JobQueue {
  job_type: string;
  count: number;
  latency: number;
  paused: boolean;
}
export interface WorkerPool {
  pid: number;
  worker_pool_id: string;
  concurrency: number;
  host: string;
  start_at: string;
  heartbeat_at: string;
}
export interface Worker {
  id: string;
  pool_id: string;
  job_name: string;
  job_id: string;
  check_in: string;
}
export interface ScheduleTask {
  id: number;
  vendor_type: string;
  vendor_id: number;
  cron: string;
}
export interface ScheduleObj {
  type: string;
  cron?: string;
  next_scheduled_time?: string;
}

/**
 * What the simulator holds in memory rather than in the synthetic database: the parts of Harbor that live in
 * its services (health, configuration, the job service's Redis). Tests change it directly.
 */
export interface SimulatorState {
  /** The release /systeminfo reports; by default the one matching the database's schema version. */
  harborVersion?: string;
  authMode: string;
  storageProvider: string;
  readOnly: boolean;
  selfRegistration: boolean;
  externalUrl: string;
  components: { name: string; status: 'healthy' | 'unhealthy'; error?: string }[];
  /** statfs of core's /data, in bytes. */
  volume: { total: number; free: number };
  /** Without a scanner, /scans/all/metrics answers 412. */
  scannerConfigured: boolean;
  jobQueues: JobQueue[];
  workerPools: WorkerPool[];
  workers: Worker[];
  schedules: ScheduleTask[];
  gcSchedule: ScheduleObj;
}

const COMPONENTS = ['core', 'database', 'jobservice', 'portal', 'redis', 'registry', 'registryctl', 'trivy'];
const DAY_MS = 86_400_000;

/** A healthy Harbor with some jobs queued and some workers busy. */
export function defaultSimulatorState(now = Date.now()): SimulatorState {
  const iso = (ms: number) => new Date(ms).toISOString();
  const pool = 'a3c5f1e07b2d4c9e8f6a1b2c';
  const concurrency = 10;
  const busyJobs = ['REPLICATION', 'IMAGE_SCAN', 'IMAGE_SCAN'];
  const nextMidnight = Math.ceil(now / DAY_MS) * DAY_MS;
  return {
    authMode: 'db_auth',
    storageProvider: 'filesystem',
    readOnly: false,
    selfRegistration: false,
    externalUrl: 'https://harbor.example.com',
    components: COMPONENTS.map((name) => ({ name, status: 'healthy' as const })),
    volume: { total: 107_374_182_400, free: 64_424_509_440 },
    scannerConfigured: true,
    jobQueues: [
      { job_type: 'IMAGE_SCAN', count: 42, latency: 95, paused: false },
      { job_type: 'REPLICATION', count: 3, latency: 12, paused: false },
      { job_type: 'GARBAGE_COLLECTION', count: 0, latency: 0, paused: false },
      { job_type: 'WEBHOOK', count: 7, latency: 2, paused: false },
      { job_type: 'RETENTION', count: 1, latency: 30, paused: true },
    ],
    workerPools: [
      {
        pid: 1,
        worker_pool_id: pool,
        concurrency,
        host: 'harbor-jobservice-6d8f9c7b5-x2k4p',
        start_at: iso(now - 3 * DAY_MS),
        heartbeat_at: iso(now - 5_000),
      },
    ],
    workers: Array.from({ length: concurrency }, (_, index) => ({
      id: `${pool}-${index}`,
      pool_id: pool,
      job_name: busyJobs[index] ?? '',
      job_id: busyJobs[index] ? `job-${1000 + index}` : '',
      check_in: '',
    })),
    schedules: [
      { id: 1, vendor_type: 'GARBAGE_COLLECTION', vendor_id: -1, cron: '0 0 0 * * *' },
      { id: 2, vendor_type: 'SCAN_ALL', vendor_id: 0, cron: '0 0 2 * * 0' },
      { id: 3, vendor_type: 'PURGE_AUDIT_LOG', vendor_id: -1, cron: '0 0 3 * * *' },
      { id: 4, vendor_type: 'EXECUTION_SWEEP', vendor_id: 0, cron: '0 0 * * * *' },
      { id: 5, vendor_type: 'SYSTEM_ARTIFACT_CLEANUP', vendor_id: 0, cron: '0 0 0 * * *' },
      { id: 6, vendor_type: 'REPLICATION', vendor_id: 2, cron: '0 0 */6 * * *' },
    ],
    gcSchedule: { type: 'Daily', cron: '0 0 0 * * *', next_scheduled_time: iso(nextMidnight) },
  };
}
