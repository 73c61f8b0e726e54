import type { CompatibilityName, MetricDefinition } from './types.js';

const ALL = '2.10-2.16';
const perProject = ['project'] as const;
const perRepository = ['project', 'repository'] as const;
/** Harbor's built-in exporter names the project `project_name`. */
const harborProject = { project: 'project_name' } as const;
/** The Kubernetes fork named repositories `repo_name` and had no project label. */
const seedRepository = { labels: { repository: 'repo_name' }, dropAttributes: ['project'] } as const;
/** c4po's names of its repository series: the fork's, plus the repository's id as `repo_id` (from harbor_repository_info). */
const c4poRepository = {
  join: {
    metric: 'harbor_repository_info',
    on: ['repository'],
    attributes: ['repository_id'],
    optional: true,
  },
  labels: { repository: 'repo_name', repository_id: 'repo_id' },
  dropAttributes: ['project'],
} as const;
/** Harbor's built-in exporter labels some per-project gauges with the project's visibility as `public`. */
const harborPublic = {
  join: { metric: 'harbor_project_info', on: ['project'], attributes: ['visibility'] },
  labels: { ...harborProject, visibility: 'public' },
  values: { visibility: { public: 'true', private: 'false' } },
} as const;
/** c4po's quota gauges: `type` hard or used, the project's name and id as `repo_name` and `repo_id`. */
function seedQuota(type: 'hard' | 'used'): CompatibilityName {
  return {
    set: 'seed',
    name: 'harbor_quotas_size_bytes',
    kind: 'gauge',
    join: { metric: 'harbor_project_info', on: ['project'], attributes: ['project_id'] },
    labels: { project: 'repo_name', project_id: 'repo_id' },
    constantLabels: { type },
  };
}
/** A limit of -1 where the project has none, as both old exporters wrote Harbor's own value. */
const unlimitedAsMinusOne = { whereValue: 1, value: -1 } as const;

/** Harbor's built-in exporter splits its project and repository statistics into public and private gauges. */
function statisticsByVisibility(subject: 'project' | 'repo'): CompatibilityName[] {
  return (['public', 'private'] as const).map((visibility) => ({
    set: 'harbor',
    name: `harbor_statistics_${visibility}_${subject}_amount`,
    kind: 'gauge',
    only: { visibility },
    dropAttributes: ['visibility'],
  }));
}

type DatabaseFields = Pick<MetricDefinition, 'source' | 'collector' | 'harborVersions'>;

/** The collector's metrics, their names and attributes kept as written (the catalog types collectors' calls). */
function database<const Definitions extends readonly Omit<MetricDefinition, keyof DatabaseFields>[]>(
  collector: string,
  definitions: Definitions,
  harborVersions = ALL,
): { readonly [Index in keyof Definitions]: Definitions[Index] & DatabaseFields } {
  const fields: DatabaseFields = { source: 'database', collector, harborVersions };
  // map() loses the tuple's element types, which the declared return type restores.
  return definitions.map((definition) => ({ ...definition, ...fields })) as never;
}

/** Metrics read from Harbor's PostgreSQL database. SQL lives next to each collector. */
const definitions = [
  ...database('projects', [
    {
      name: 'harbor_projects',
      kind: 'gauge',
      unit: '{project}',
      help: 'Projects that are not deleted, by visibility (public or private).',
      attributes: ['visibility'],
      compat: [
        {
          set: 'harbor',
          name: 'harbor_project_total',
          kind: 'gauge',
          labels: { visibility: 'public' },
          values: { visibility: { public: 'true', private: 'false' } },
        },
        {
          set: 'harbor',
          name: 'harbor_statistics_total_project_amount',
          kind: 'gauge',
          dropAttributes: ['visibility'],
        },
        ...statisticsByVisibility('project'),
        {
          set: 'seed',
          name: 'harbor_project_count_total',
          kind: 'gauge',
          labels: { visibility: 'type' },
          values: { visibility: { public: 'public_project', private: 'private_project' } },
        },
        {
          set: 'seed',
          name: 'harbor_project_count_total',
          kind: 'gauge',
          dropAttributes: ['visibility'],
          constantLabels: { type: 'total_project' },
        },
      ],
    },
    {
      name: 'harbor_repositories',
      kind: 'gauge',
      unit: '{repository}',
      help: "Repositories of projects that are not deleted, by the project's visibility.",
      attributes: ['visibility'],
      compat: [
        {
          set: 'harbor',
          name: 'harbor_statistics_total_repo_amount',
          kind: 'gauge',
          dropAttributes: ['visibility'],
        },
        ...statisticsByVisibility('repo'),
        {
          set: 'seed',
          name: 'harbor_repo_count_total',
          kind: 'gauge',
          labels: { visibility: 'type' },
          values: { visibility: { public: 'public_repo', private: 'private_repo' } },
        },
        {
          set: 'seed',
          name: 'harbor_repo_count_total',
          kind: 'gauge',
          dropAttributes: ['visibility'],
          constantLabels: { type: 'total_repo' },
        },
      ],
    },
    {
      name: 'harbor_project_info',
      kind: 'info',
      unit: '',
      help: "Each live project's id and visibility (public or private), to join on `project`.",
      attributes: ['project', 'project_id', 'visibility'],
    },
    {
      name: 'harbor_project_repositories',
      kind: 'gauge',
      unit: '{repository}',
      help: 'Repositories in the project.',
      attributes: perProject,
      compat: [{ set: 'harbor', name: 'harbor_project_repo_total', kind: 'gauge', ...harborPublic }],
    },
    {
      name: 'harbor_project_artifacts',
      kind: 'gauge',
      unit: '{artifact}',
      help: 'Artifacts in the project, by artifact type (IMAGE, CHART, ...); children of an image index count too.',
      attributes: ['project', 'type'],
      compat: [
        {
          set: 'harbor',
          name: 'harbor_project_artifact_total',
          kind: 'gauge',
          ...harborPublic,
          labels: { ...harborPublic.labels, type: 'artifact_type' },
        },
      ],
    },
    {
      name: 'harbor_project_storage_bytes',
      kind: 'gauge',
      unit: 'By',
      help: "Bytes of the project's blobs, each blob counted once per project as Harbor's quota does (foreign layers left out).",
      attributes: perProject,
      compat: [{ set: 'seed', name: 'harbor_project_size', kind: 'gauge', labels: harborProject }],
    },
    {
      name: 'harbor_project_quota_limit_bytes',
      kind: 'gauge',
      unit: 'By',
      help: "The project's storage quota; absent when the project has no limit (see harbor_project_quota_unlimited).",
      attributes: perProject,
      compat: [
        { set: 'harbor', name: 'harbor_project_quota_byte', kind: 'gauge', labels: harborProject },
        seedQuota('hard'),
      ],
    },
    {
      name: 'harbor_project_quota_unlimited',
      kind: 'gauge',
      unit: '',
      help: "1 when the project's storage quota has no limit, 0 when it has one.",
      attributes: perProject,
      compat: [
        {
          set: 'harbor',
          name: 'harbor_project_quota_byte',
          kind: 'gauge',
          labels: harborProject,
          ...unlimitedAsMinusOne,
        },
        { ...seedQuota('hard'), ...unlimitedAsMinusOne },
      ],
    },
    {
      name: 'harbor_project_quota_used_bytes',
      kind: 'gauge',
      unit: 'By',
      help: "Storage the project's quota counts as used (Harbor's quota_usage).",
      attributes: perProject,
      compat: [
        { set: 'harbor', name: 'harbor_project_quota_usage_byte', kind: 'gauge', labels: harborProject },
        seedQuota('used'),
      ],
    },
    {
      name: 'harbor_project_members',
      kind: 'gauge',
      unit: '{member}',
      help: 'Members of the project (users and groups).',
      attributes: perProject,
    },
    {
      name: 'harbor_project_user_members',
      kind: 'gauge',
      unit: '{member}',
      help: 'Members of the project that are users (groups left out).',
      attributes: perProject,
      compat: [{ set: 'harbor', name: 'harbor_project_member_total', kind: 'gauge', labels: harborProject }],
    },
  ]),
  ...database('repositories', [
    {
      name: 'harbor_repository_pulls',
      kind: 'counter',
      unit: '{pull}',
      help: 'Pulls of the repository as Harbor counts them (repository.pull_count, flushed by Harbor every few seconds).',
      attributes: perRepository,
      compat: [
        { set: 'seed', name: 'harbor_repositories_pull_total', kind: 'counter', ...c4poRepository },
        {
          set: 'harbor',
          name: 'harbor_artifact_pulled',
          kind: 'gauge',
          labels: harborProject,
          dropAttributes: ['repository'],
        },
      ],
    },
    {
      name: 'harbor_repository_pushes',
      kind: 'counter',
      unit: '{push}',
      help: "Artifact pushes recorded in the audit log (audit_log, and audit_log_ext from 2.13), counted while the exporter runs: rows Harbor's audit log purge deletes stay counted; a restart of the exporter starts anew from the rows left (a counter reset, with its start time).",
      harborSource:
        "pushes are audit rows with operation 'create' and resource_type 'artifact' (src/controller/event/handler/auditlog/auditlog.go); the purge job deletes old rows (src/jobservice/job/impl/purge/purge.go)",
      attributes: perRepository,
      compat: [{ set: 'seed', name: 'harbor_repositories_push_total', kind: 'counter', ...seedRepository }],
    },
    {
      name: 'harbor_repository_tags',
      kind: 'gauge',
      unit: '{tag}',
      help: 'Tags in the repository.',
      attributes: perRepository,
    },
    {
      name: 'harbor_repository_artifacts',
      kind: 'gauge',
      unit: '{artifact}',
      help:
        'Every artifact row of the repository: children of an image index and accessories (signatures, SBOMs) ' +
        "included; Harbor's artifact list shows fewer. Without a database it is the API's artifact_count, which " +
        'leaves out index children without a tag and accessories.',
      harborSource:
        'artifact rows by repository_id; the API list filters them (src/pkg/artifact/dao/dao.go, base and accessory filters)',
      attributes: perRepository,
      // c4po published the artifact count of Harbor 2.x under this name (see docs/metrics.md).
      compat: [{ set: 'seed', name: 'harbor_repositories_tags_total', kind: 'gauge', ...c4poRepository }],
    },
    {
      name: 'harbor_repository_untagged_artifacts',
      kind: 'gauge',
      unit: '{artifact}',
      help: 'Artifacts with no tag that no image index refers to and that are not an accessory (signature, SBOM) of another artifact: what garbage collection with "delete untagged" removes (accessories go with their subject).',
      harborSource:
        'src/pkg/artifact/dao/dao.go (untagged and accessory filters), src/jobservice/job/impl/gc/garbage_collection.go (deletedArt)',
      attributes: perRepository,
    },
    {
      name: 'harbor_repository_size_bytes',
      kind: 'gauge',
      unit: 'By',
      help: "Sum of the sizes of the repository's artifacts that no image index refers to, as Harbor shows them: an index's size already holds its children's, so they are not counted again; accessories count with their own size; layers shared by artifacts count once per artifact.",
      harborSource:
        "src/controller/artifact/abstractor.go and manifest/index.go (an index's size is its manifest's plus its children's)",
      attributes: perRepository,
    },
    {
      name: 'harbor_repository_last_push_timestamp_seconds',
      kind: 'gauge',
      unit: 's',
      help: 'When an artifact of the repository was last pushed (Unix time).',
      attributes: perRepository,
    },
    {
      name: 'harbor_repository_last_pull_timestamp_seconds',
      kind: 'gauge',
      unit: 's',
      help: 'When an artifact of the repository was last pulled (Unix time); absent if never pulled.',
      attributes: perRepository,
    },
  ]),
  ...database('repository-info', [
    {
      name: 'harbor_repository_info',
      kind: 'info',
      unit: '',
      help: "Each repository's id, to join on `repository` (off by default: one more series per repository).",
      attributes: [...perRepository, 'repository_id'],
    },
  ]),
  ...database('reclaimable', [
    {
      name: 'harbor_project_untagged_artifacts',
      kind: 'gauge',
      unit: '{artifact}',
      help: 'Untagged artifacts of the project that GC\'s "delete untagged" would remove: no tag, not a child of an index, not an accessory (those go with their parent or subject).',
      harborSource:
        'src/pkg/artifact/dao/dao.go (untagged and accessory filters), src/jobservice/job/impl/gc/garbage_collection.go',
      attributes: perProject,
    },
    {
      name: 'harbor_project_untagged_bytes',
      kind: 'gauge',
      unit: 'By',
      help: "Bytes the project's quota would drop by if its untagged artifacts (with their children and accessories) were removed: each blob once, only blobs no other artifact of the project refers to. Registry storage drops only when GC then finds no project refers to the blob.",
      harborSource:
        "a project's quota usage is the sum of the sizes of its blobs in project_blob (src/pkg/quota/driver)",
      attributes: perProject,
    },
    {
      name: 'harbor_project_unpulled_artifacts',
      kind: 'gauge',
      unit: '{artifact}',
      help: 'Artifacts of the project (an index with its children, an artifact with its accessories, counted once) neither pulled nor pushed for at least `days` days; never pulled counts from the push (--reclaimable.unpulled-days).',
      harborSource:
        'artifact.pull_time and push_time (pull_time is updated asynchronously, src/controller/event/handler/internal/artifact.go)',
      attributes: ['project', 'days'],
    },
    {
      name: 'harbor_project_unpulled_bytes',
      kind: 'gauge',
      unit: 'By',
      help: "Bytes the project's quota would drop by if the artifacts not pulled for `days` days were removed: blobs only those artifacts (with their children and accessories) refer to, each once.",
      attributes: ['project', 'days'],
    },
    {
      name: 'harbor_storage_unreferenced_blobs',
      kind: 'gauge',
      unit: '{blob}',
      help: 'Blobs no artifact refers to (foreign layers left out): what the next garbage collection deletes, once they are older than its time window (2 hours by default).',
      harborSource: 'src/jobservice/job/impl/gc/garbage_collection.go (mark), src/pkg/blob/dao/dao.go',
      attributes: [],
    },
    {
      name: 'harbor_storage_unreferenced_blob_bytes',
      kind: 'gauge',
      unit: 'By',
      help: 'Bytes of the blobs no artifact refers to: what the next garbage collection frees, once they are older than its time window.',
      attributes: [],
    },
  ]),
  ...database('tags', [
    {
      name: 'harbor_tag_pulls',
      kind: 'counter',
      unit: '{pull}',
      help: 'Pulls by tag from the audit log, counted while the exporter runs (rows Harbor purges stay counted), for the top N tags of each repository (--tags.top); pulls of other tags, of deleted tags and by digest are summed under tag="__other__".',
      harborSource:
        "pulls are audit rows with operation 'pull' and resource_type 'artifact', resource 'project/repo:tag' or '...@digest' (src/controller/event/handler/auditlog/auditlog.go)",
      attributes: ['project', 'repository', 'tag'],
      compat: [
        {
          set: 'seed',
          name: 'harbor_image_pull_count',
          kind: 'gauge',
          labels: { repository: 'repo_name', tag: 'repo_tag' },
          dropAttributes: ['project'],
        },
      ],
    },
  ]),
  ...database(
    'audit-failures',
    [
      {
        name: 'harbor_audit_failed_operations',
        kind: 'counter',
        unit: '{operation}',
        help: 'Operations Harbor\'s audit log records as failed (audit_log_ext.op_result false), by operation and resource type; failed logins are operation="login", resource_type="user" (portal and API logins, when that audit event type is enabled; docker login is not recorded). Counted while the exporter runs: rows Harbor purges stay counted. No user names.',
        harborSource:
          'src/pkg/auditext/event/basic.go (op_result from the response code), src/pkg/auditext/event/login/login.go',
        attributes: ['operation', 'resource_type'],
      },
    ],
    '2.13-2.16',
  ),
  ...database(
    'audit-failures-by-user',
    [
      {
        name: 'harbor_audit_failed_operations_by_user',
        kind: 'counter',
        unit: '{operation}',
        help: 'Failed operations in Harbor\'s audit log by user name and operation, for the users with the most (--audit-failures.top-users); the others are summed as user="__other__". For a failed login the user is the name that was typed. A user entering or leaving the top moves its count into or out of __other__, which shows as a counter reset. Opt-in: user names are personal data.',
        harborSource:
          'src/pkg/auditext/event/basic.go (op_result from the response code), src/pkg/auditext/event/login/login.go',
        attributes: ['user', 'operation'],
      },
    ],
    '2.13-2.16',
  ),
  ...database('jobs', [
    {
      name: 'harbor_job_last_execution_status',
      kind: 'gauge',
      unit: '',
      help: "1 for the status of the job type's latest execution, 0 for the other statuses (pending, running, stopped, error, success, scheduled: Harbor's words in lower case).",
      attributes: ['job_type', 'status'],
    },
    {
      name: 'harbor_job_last_execution_start_timestamp_seconds',
      kind: 'gauge',
      unit: 's',
      help: "When the job type's latest execution started (Unix time).",
      attributes: ['job_type'],
    },
    {
      name: 'harbor_job_last_execution_end_timestamp_seconds',
      kind: 'gauge',
      unit: 's',
      help: "When the job type's latest execution ended (Unix time); absent while it runs.",
      attributes: ['job_type'],
    },
    {
      name: 'harbor_job_last_execution_duration_seconds',
      kind: 'gauge',
      unit: 's',
      help: "How long the job type's latest execution ran; absent while it runs.",
      attributes: ['job_type'],
    },
    {
      name: 'harbor_job_executions',
      kind: 'gauge',
      unit: '{execution}',
      help: 'Executions Harbor keeps, by job type and status in lower case (Harbor sweeps old ones, so this can go down).',
      attributes: ['job_type', 'status'],
    },
    {
      name: 'harbor_gc_last_freed_bytes',
      kind: 'gauge',
      unit: 'By',
      help: 'Bytes the last garbage collection freed (dry runs left out).',
      attributes: [],
    },
    {
      name: 'harbor_gc_last_purged_blobs',
      kind: 'gauge',
      unit: '{blob}',
      help: 'Blobs the last garbage collection deleted (dry runs left out).',
      attributes: [],
    },
    {
      name: 'harbor_gc_last_purged_manifests',
      kind: 'gauge',
      unit: '{manifest}',
      help: 'Manifests the last garbage collection deleted (dry runs left out).',
      attributes: [],
    },
  ]),
  ...database('jobs', [
    {
      name: 'harbor_retention_last_run_status',
      kind: 'gauge',
      unit: '',
      help: "1 for the status of the retention policy's newest execution, 0 for the other statuses; policy_id is the policy's id in Harbor.",
      harborSource:
        "execution rows with vendor_type 'RETENTION' and vendor_id the policy id (src/controller/retention/controller.go)",
      attributes: ['project', 'policy_id', 'status'],
    },
    {
      name: 'harbor_retention_last_run_dry_run',
      kind: 'gauge',
      unit: '',
      help: "1 when the retention policy's newest execution was a dry run (it deleted nothing), else 0.",
      attributes: ['project', 'policy_id'],
    },
    {
      name: 'harbor_retention_last_run_start_timestamp_seconds',
      kind: 'gauge',
      unit: 's',
      help: "When the retention policy's newest execution started (Unix time).",
      attributes: ['project', 'policy_id'],
    },
    {
      name: 'harbor_retention_last_run_artifacts',
      kind: 'gauge',
      unit: '{artifact}',
      help: "Artifacts the retention policy's newest execution retained and deleted (outcome), summed over its tasks; a dry run's deleted are those it would delete. Tasks still running have recorded nothing yet.",
      harborSource:
        'each task records total and retained in task.extra_attrs (src/pkg/retention/callback.go)',
      attributes: ['project', 'policy_id', 'outcome'],
    },
    {
      name: 'harbor_retention_last_run_tasks',
      kind: 'gauge',
      unit: '{task}',
      help: "Tasks (one per repository) of the retention policy's newest execution, by status.",
      attributes: ['project', 'policy_id', 'status'],
    },
  ]),
  ...database('vulnerabilities', [
    {
      name: 'harbor_project_vulnerabilities',
      kind: 'gauge',
      unit: '{vulnerability}',
      help: "Vulnerabilities in the project's artifacts by severity, from the default scanner's reports (summed per artifact, as Harbor's security hub does).",
      attributes: ['project', 'severity'],
    },
    {
      name: 'harbor_project_fixable_vulnerabilities',
      kind: 'gauge',
      unit: '{vulnerability}',
      help: "Vulnerabilities with a fixed version available in the project's artifacts, from the default scanner's reports.",
      attributes: perProject,
    },
    {
      name: 'harbor_project_scanned_artifacts',
      kind: 'gauge',
      unit: '{artifact}',
      help: 'Artifacts of the project with a report from the default scanner.',
      attributes: perProject,
    },
  ]),
  ...database('robots', [
    {
      name: 'harbor_robot_expiry_timestamp_seconds',
      kind: 'gauge',
      unit: 's',
      help: 'When the robot account expires (Unix time), for robots that expire; project is empty for system robots.',
      attributes: ['project', 'robot'],
    },
    {
      name: 'harbor_robots',
      kind: 'gauge',
      unit: '{robot}',
      help: 'Robot accounts by state: disabled, else expired, else active (hidden robots of scan jobs left out).',
      attributes: ['state'],
    },
  ]),
  ...database('robot-activity', [
    {
      name: 'harbor_robot_last_used_timestamp_seconds',
      kind: 'gauge',
      unit: 's',
      help: "When the robot account last acted (Unix time), from Harbor's audit log: pushes, pulls and deletions of artifacts, and from Harbor 2.13 the API changes it made, for the event types Harbor's audit log records. Absent for a robot with no recorded event; kept while the exporter runs when Harbor purges the rows.",
      harborSource: 'src/controller/robot/controller.go (logged name: prefix and stored name)',
      attributes: ['project', 'robot'],
    },
  ]),
  ...database('storage', [
    {
      name: 'harbor_storage_consumption_bytes',
      kind: 'gauge',
      unit: 'By',
      help: "Storage Harbor counts as used, as its statistics compute it: blobs (foreign layers left out) and Harbor's own system artifacts.",
      attributes: ['kind'],
      compat: [
        {
          set: 'harbor',
          name: 'harbor_statistics_total_storage_consumption',
          kind: 'gauge',
          dropAttributes: ['kind'],
        },
      ],
    },
    {
      name: 'harbor_storage_blobs',
      kind: 'gauge',
      unit: '{blob}',
      help: 'Blobs in the registry (foreign layers left out), each counted once.',
      attributes: [],
    },
  ]),
  {
    name: 'harbor_database_up',
    kind: 'gauge',
    unit: '',
    help: "1 when Harbor's database answered the last refresh, else 0.",
    attributes: [],
    source: 'database',
    collector: 'source',
    harborVersions: ALL,
    compat: [{ set: 'seed', name: 'harbor_database_health', kind: 'gauge' }],
  },
  ...database('database', [
    {
      name: 'harbor_database_sessions',
      kind: 'gauge',
      unit: '{connection}',
      help: "Connections (server sessions) to Harbor's database, by state and client application_name.",
      attributes: ['state', 'application'],
      compat: [
        // The fork counted every row of pg_stat_activity, without labels.
        {
          set: 'seed',
          name: 'harbor_database_connections',
          kind: 'gauge',
          dropAttributes: ['state', 'application'],
        },
      ],
    },
    {
      name: 'harbor_database_max_connections',
      kind: 'gauge',
      unit: '{connection}',
      help: "The database server's max_connections, the budget Harbor and this exporter share.",
      attributes: [],
    },
    {
      name: 'harbor_database_size_bytes',
      kind: 'gauge',
      unit: 'By',
      help: "On-disk size of Harbor's database.",
      attributes: [],
    },
    {
      name: 'harbor_database_standby',
      kind: 'gauge',
      unit: '',
      help: '1 when the server the exporter reads is a standby (in recovery), 0 on a primary.',
      attributes: [],
    },
    {
      name: 'harbor_database_replication_lag_seconds',
      kind: 'gauge',
      unit: 's',
      help:
        'On a standby with a WAL receiver: the age of the last replayed transaction while received WAL waits to be ' +
        'replayed, 0 when all received WAL is replayed; absent on a primary, without a WAL receiver, or before any ' +
        'transaction was replayed (unknown).',
      attributes: [],
    },
    {
      name: 'harbor_database_replication_lag_bytes',
      kind: 'gauge',
      unit: 'By',
      help: 'On a standby with a WAL receiver: WAL received from the primary and not yet replayed; absent otherwise.',
      attributes: [],
    },
    {
      name: 'harbor_database_wal_receiver_up',
      kind: 'gauge',
      unit: '1',
      help:
        '1 when a WAL receiver runs on the standby (streaming from the primary, or trying to), 0 when none does; ' +
        'absent on a primary.',
      attributes: [],
    },
  ]),
] as const satisfies readonly MetricDefinition[];

export const databaseMetrics: readonly MetricDefinition[] = definitions;
/** Each metric's name and attributes as written, for typing what collectors add. */
export type DatabaseMetric = (typeof definitions)[number];
