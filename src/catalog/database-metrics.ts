import type { CompatibilityName, MetricDefinition } from './types.js';

const ALL = '2.10-2.15';
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
      unit: '1',
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
      unit: '1',
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
      help: 'Artifact pushes recorded in the audit log (audit_log, and audit_log_ext from 2.13); purged rows no longer count.',
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
      help: 'Artifacts in the repository, children of an image index included.',
      attributes: perRepository,
      // c4po published the artifact count of Harbor 2.x under this name (see docs/metrics.md).
      compat: [{ set: 'seed', name: 'harbor_repositories_tags_total', kind: 'gauge', ...c4poRepository }],
    },
    {
      name: 'harbor_repository_untagged_artifacts',
      kind: 'gauge',
      unit: '{artifact}',
      help: 'Artifacts with no tag that no image index refers to: what garbage collection with "delete untagged" removes.',
      attributes: perRepository,
    },
    {
      name: 'harbor_repository_size_bytes',
      kind: 'gauge',
      unit: 'By',
      help: "Sum of the repository's artifact sizes as Harbor shows them; layers shared by artifacts count once per artifact.",
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
      unit: '1',
      help: "Each repository's id, to join on `repository` (off by default: one more series per repository).",
      attributes: [...perRepository, 'repository_id'],
    },
  ]),
  ...database('tags', [
    {
      name: 'harbor_tag_pulls',
      kind: 'counter',
      unit: '{pull}',
      help: 'Pulls by tag from the audit log, for the top N tags of each repository (--tags.top); pulls of other tags, of deleted tags and by digest are summed under tag="__other__".',
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
  ...database('jobs', [
    {
      name: 'harbor_job_last_execution_status',
      kind: 'gauge',
      unit: '1',
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
    unit: '1',
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
      unit: '1',
      help: '1 when the server the exporter reads is a standby (in recovery), 0 on a primary.',
      attributes: [],
    },
    {
      name: 'harbor_database_replication_lag_seconds',
      kind: 'gauge',
      unit: 's',
      help: 'On a standby: how far replay trails the primary (0 when all received WAL is replayed); absent on a primary.',
      attributes: [],
    },
  ]),
] as const satisfies readonly MetricDefinition[];

export const databaseMetrics: readonly MetricDefinition[] = definitions;
/** Each metric's name and attributes as written, for typing what collectors add. */
export type DatabaseMetric = (typeof definitions)[number];
