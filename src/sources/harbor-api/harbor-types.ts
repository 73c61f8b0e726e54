import { Type, type Static, type TSchema } from '@sinclair/typebox';

/**
 * The parts of Harbor's API answers the exporter reads, named as in Harbor's API description (swagger.yaml,
 * definitions of the same name), as schemas every answer is checked against before a collector sees it. The
 * types follow from the schemas, so what is read is what was checked.
 *
 * - Every field is optional: Harbor omits empty ones, and older releases lack some. Objects and arrays may also
 *   be null, as Go writes a nil map or slice.
 * - Properties not listed here are dropped when an answer is checked: they are not read, and a hostile answer
 *   could make them large.
 * - Strings have a length bound well above what Harbor stores (names are at most 255 characters), so that what
 *   is kept per item stays small whatever a server sends.
 * - test/sources/harbor-api/answer-schemas.test.ts checks every field's type against Harbor's description.
 */

const NAME = { maxLength: 512 };
const WORD = { maxLength: 128 };
const TIME = { maxLength: 64 };

const Name = () => Type.Optional(Type.String(NAME));
const Word = () => Type.Optional(Type.String(WORD));
const Time = () => Type.Optional(Type.String(TIME));
const Count = () => Type.Optional(Type.Integer());
const Flag = () => Type.Optional(Type.Boolean());
/** An object of the listed properties; any others are dropped. */
const Fields = <P extends Record<string, TSchema>>(properties: P) =>
  Type.Object(properties, { additionalProperties: false });
/** An optional object or array that Go may also write as null. */
const Nullable = <S extends TSchema>(schema: S) => Type.Optional(Type.Union([schema, Type.Null()]));
/** A map of counts by name (a quota's resources, scan-all tasks by status); a few keys in practice. */
const Counts = () => Nullable(Type.Record(Type.String(WORD), Type.Integer(), { maxProperties: 64 }));

export const GeneralInfo = Fields({
  harbor_version: Word(),
  // Harbor tells every caller, authenticated or not, its authentication mode: an answer without it is not
  // Harbor's /systeminfo (a proxy's page, another service), whatever the credentials.
  auth_mode: Type.String({ minLength: 1, ...WORD }),
  registry_storage_provider_name: Word(),
  read_only: Flag(),
  self_registration: Flag(),
  external_url: Name(),
});
export type GeneralInfo = Static<typeof GeneralInfo>;

export const OverallHealthStatus = Fields({
  status: Word(),
  components: Nullable(Type.Array(Fields({ name: Word(), status: Word() }), { maxItems: 64 })),
});
export type OverallHealthStatus = Static<typeof OverallHealthStatus>;

export const Statistic = Fields({
  public_project_count: Count(),
  total_project_count: Count(),
  total_storage_consumption: Count(),
});
export type Statistic = Static<typeof Statistic>;

export const Storage = Fields({ total: Count(), free: Count() });
export const SystemInfo = Fields({ storage: Nullable(Type.Array(Storage, { maxItems: 64 })) });
export type SystemInfo = Static<typeof SystemInfo>;

export const ProjectMetadata = Fields({ public: Word() });
export const Project = Fields({
  project_id: Count(),
  name: Name(),
  repo_count: Count(),
  metadata: Nullable(ProjectMetadata),
});
export type Project = Static<typeof Project>;

export const Repository = Fields({
  id: Count(),
  project_id: Count(),
  name: Name(),
  artifact_count: Count(),
  pull_count: Count(),
});
export type Repository = Static<typeof Repository>;

export const QuotaRefObject = Fields({ id: Count(), name: Name() });
export const Quota = Fields({
  id: Count(),
  ref: Nullable(QuotaRefObject),
  hard: Counts(),
  used: Counts(),
});
export type Quota = Static<typeof Quota>;

export const Registry = Fields({ id: Count(), name: Name(), type: Word(), status: Word() });
export type Registry = Static<typeof Registry>;

export const ReplicationPolicy = Fields({
  id: Count(),
  name: Name(),
  enabled: Flag(),
  /** type: manual, scheduled or event_based. */
  trigger: Nullable(Fields({ type: Word() })),
});
export type ReplicationPolicy = Static<typeof ReplicationPolicy>;

export const ReplicationExecution = Fields({
  id: Count(),
  policy_id: Count(),
  /** InProgress, Succeed, Failed or Stopped. */
  status: Word(),
  start_time: Time(),
  end_time: Time(),
  failed: Count(),
  succeed: Count(),
  in_progress: Count(),
  stopped: Count(),
});
export type ReplicationExecution = Static<typeof ReplicationExecution>;

export const ScheduleObj = Fields({ type: Word(), cron: Word(), next_scheduled_time: Time() });
export type ScheduleObj = Static<typeof ScheduleObj>;

export const GCHistory = Fields({
  id: Count(),
  /** A JSON object as a string; holds freed_space, purged_blobs, purged_manifests from Harbor 2.9. */
  job_parameters: Type.Optional(Type.String({ maxLength: 4096 })),
  schedule: Nullable(ScheduleObj),
  job_status: Word(),
  creation_time: Time(),
  update_time: Time(),
});
export type GCHistory = Static<typeof GCHistory>;

export const Stats = Fields({ metrics: Counts(), ongoing: Flag() });
export type ScanAllStats = Static<typeof Stats>;

export const JobQueue = Fields({
  job_type: Word(),
  count: Count(),
  /** Seconds the oldest job has waited. */
  latency: Count(),
  paused: Flag(),
});
export type JobQueue = Static<typeof JobQueue>;

export const WorkerPool = Fields({ worker_pool_id: Word(), concurrency: Count() });
export type WorkerPool = Static<typeof WorkerPool>;

export const Worker = Fields({ pool_id: Word(), job_id: Word(), job_name: Word() });
export type Worker = Static<typeof Worker>;

export const ScheduleTask = Fields({ id: Count(), vendor_type: Word() });
export type ScheduleTask = Static<typeof ScheduleTask>;

/** A list answer: one page of a paged list, or a whole unpaged one. */
export const ListOf = <S extends TSchema>(item: S) => Type.Array(item);
