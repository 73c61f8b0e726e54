import type { CompatibilitySet } from './types.js';

/** How an old exporter defined a name it published, and what still differs here. */
export interface CompatibilityNote {
  set: CompatibilitySet;
  name: string;
  /** The old exporter's definition, from its source. */
  original: string;
  /** What differs under `--compat`, if anything; empty when the values are the same on the same Harbor. */
  difference?: string;
}

const harbor = 'harbor' as const;
const seed = 'seed' as const;
/** Harbor's built-in exporter lists the live projects that have a `public` metadata row, a quota and a quota usage. */
const harborProjects =
  'one series per live project that has a `public` metadata row, a quota and a quota usage';
const noQuotaRow =
  'A live project without quota rows (not made by Harbor 2.x itself) is published here and was left out there.';

/**
 * Every compatibility name, as the original computed it (Harbor's `src/pkg/exporter`, c4po/harbor_exporter, the
 * Kubernetes fork). docs/metrics.md is generated from this list; a test checks that every name has its note.
 */
export const compatibilityNotes: readonly CompatibilityNote[] = [
  // Harbor's built-in exporter.
  {
    set: harbor,
    name: 'harbor_up',
    original: '`harbor_up{component}`: 1 when `/api/v2.0/health` says the component is `healthy`, else 0.',
    difference:
      "None. With `--compat=seed,harbor`, this shape is the one published: the seed's unlabelled `harbor_up` is left out, so `sum(harbor_up)` and `harbor_up == 0` keep Harbor's meaning.",
  },
  {
    set: harbor,
    name: 'harbor_health',
    original: '1 when the overall status of `/api/v2.0/health` is `healthy`, else 0.',
  },
  {
    set: harbor,
    name: 'harbor_system_info',
    original: '1, labelled `auth_mode`, `harbor_version`, `self_registration` from `/api/v2.0/systeminfo`.',
  },
  {
    set: harbor,
    name: 'harbor_project_total',
    original:
      'Live projects counted by the value of their `public` metadata row, `public="true"` or `"false"`.',
    difference: 'A project without a `public` row counts as private here; Harbor left it out.',
  },
  {
    set: harbor,
    name: 'harbor_project_quota_byte',
    original: `The stored storage limit (\`quota.hard\`), -1 for no limit; ${harborProjects}.`,
    difference: `Same values, -1 included (the catalog's own metric leaves unlimited projects out and says so in \`harbor_project_quota_unlimited\`). ${noQuotaRow}`,
  },
  {
    set: harbor,
    name: 'harbor_project_quota_usage_byte',
    original: `The storage the quota counts as used (\`quota_usage.used\`); ${harborProjects}.`,
    difference: noQuotaRow,
  },
  {
    set: harbor,
    name: 'harbor_project_member_total',
    original: `Members that are users (\`project_member.entity_type = 'u'\`), 0 for a project without any; ${harborProjects}.`,
    difference: `Same values: groups are left out, as there (\`harbor_project_members\` counts both). ${noQuotaRow}`,
  },
  {
    set: harbor,
    name: 'harbor_project_repo_total',
    original: `Repositories of the project, labelled \`project_name\` and \`public\`; ${harborProjects}.`,
    difference: noQuotaRow,
  },
  {
    set: harbor,
    name: 'harbor_project_artifact_total',
    original:
      'Artifacts of the project by `artifact.type`, labelled `project_name`, `public` and `artifact_type` (children of an image index count).',
    difference: noQuotaRow,
  },
  {
    set: harbor,
    name: 'harbor_artifact_pulled',
    original: "Sum of the project's `repository.pull_count`, labelled `project_name`.",
    difference: noQuotaRow,
  },
  {
    set: harbor,
    name: 'harbor_statistics_total_project_amount',
    original: 'Live projects.',
  },
  {
    set: harbor,
    name: 'harbor_statistics_public_project_amount',
    original: 'Live public projects.',
  },
  {
    set: harbor,
    name: 'harbor_statistics_private_project_amount',
    original: 'Live projects minus public ones.',
  },
  {
    set: harbor,
    name: 'harbor_statistics_total_repo_amount',
    original: 'Repositories.',
  },
  {
    set: harbor,
    name: 'harbor_statistics_public_repo_amount',
    original: 'Repositories of public projects.',
  },
  {
    set: harbor,
    name: 'harbor_statistics_private_repo_amount',
    original: 'Repositories minus those of public projects.',
  },
  {
    set: harbor,
    name: 'harbor_statistics_total_storage_consumption',
    original: "Bytes of all blobs (foreign layers left out) plus Harbor's system artifacts.",
  },
  {
    set: harbor,
    name: 'harbor_task_queue_size',
    original: "Jobs waiting in the job service's queue, per job type (`type`).",
  },
  {
    set: harbor,
    name: 'harbor_task_queue_latency',
    original: 'Seconds the oldest waiting job of the type has waited (`type`).',
  },
  {
    set: harbor,
    name: 'harbor_task_concurrency',
    original:
      "From the job service's Redis: for each job type it ever registered and each worker pool that ran it, the jobs of that type the pool runs now (`type`, `pool`).",
    difference:
      'Read from `/jobservice/queues`, `/jobservice/pools` and `/jobservice/pools/all/workers`: every job type the queues list, in every pool, 0 when idle; Harbor had no series for a pool that never ran the type.',
  },
  {
    set: harbor,
    name: 'harbor_task_scheduled_total',
    original:
      "Entries of the job service's Redis queue of scheduled jobs: the runs of periodic jobs it has enqueued ahead, and delayed retries.",
    difference:
      'The API does not show that queue: here it is the number of schedules `/schedules` lists, one per periodic job. Both change when a schedule is added or removed; the absolute numbers differ.',
  },

  // The seed set: c4po/harbor_exporter, and the Kubernetes fork of it this exporter grew from.
  {
    set: seed,
    name: 'harbor_up',
    original: 'c4po: 1 when every collection of the last scrape succeeded, else 0 (unlabelled).',
    difference:
      "1 when Harbor's API answered the last refresh and accepted the credentials; per-source success is `harbor_exporter_source_up`. Not published with `--compat=harbor` too, whose `harbor_up{component}` takes the name.",
  },
  {
    set: seed,
    name: 'harbor_health',
    original: "c4po: 1 when `/api/v2.0/health`'s overall status is `healthy`, else 0.",
  },
  {
    set: seed,
    name: 'harbor_components_health',
    original: 'c4po: 1 when `/api/v2.0/health` says the component is `healthy`, else 0 (`component`).',
  },
  {
    set: seed,
    name: 'harbor_project_count_total',
    original:
      'c4po: `/api/v2.0/statistics` as `type="total_project"`, `"public_project"` and `"private_project"`.',
    difference:
      'Counted from the database (or the project list): the statistics of a user who is not a system administrator miss private projects, these do not.',
  },
  {
    set: seed,
    name: 'harbor_repo_count_total',
    original: 'c4po: `/api/v2.0/statistics` as `type="total_repo"`, `"public_repo"` and `"private_repo"`.',
    difference: 'As for `harbor_project_count_total`.',
  },
  {
    set: seed,
    name: 'harbor_quotas_size_bytes',
    original:
      'c4po: each project quota of `/api/v2.0/quotas`, `type="hard"` (the limit, -1 for none) and `type="used"`, labelled with the project\'s name and id as `repo_name` and `repo_id`.',
  },
  {
    set: seed,
    name: 'harbor_replication_status',
    original:
      'c4po: for each enabled policy that has run, 1 when its newest execution (the one before it, while the newest is in progress) succeeded, else 0; labelled `repl_pol_name`, `repl_trigger_type`.',
  },
  {
    set: seed,
    name: 'harbor_replication_tasks',
    original:
      'c4po: the tasks of the execution `harbor_replication_status` reports on, by `result` (`failed`, `succeed`, `in_progress`, `stopped`), same policies and labels.',
  },
  {
    set: seed,
    name: 'harbor_repositories_pull_total',
    original:
      "The repository's `pull_count`, labelled `repo_name` (c4po: and `repo_id`, the repository's id).",
    difference:
      '`repo_id` is there when `--collector.repository-info` runs (off by default: it adds a series per repository); without it the series carry `repo_name` only, as in the fork.',
  },
  {
    set: seed,
    name: 'harbor_repositories_tags_total',
    original:
      "c4po on Harbor 2.x: the repository's `artifact_count` from the API (artifacts that have a tag or that no image index refers to); on Harbor 1.x, and in the fork, tag rows of Harbor 1.x, where a tag row was an image.",
    difference:
      "Chosen: the artifact count, what every exporter showed under this name on Harbor 2.x (the fork's Harbor 1.x SQL does not run there); tags are `harbor_repository_tags`. Untagged children of an image index count here and not in the API's count. `repo_id` as for `harbor_repositories_pull_total`.",
  },
  {
    set: seed,
    name: 'harbor_repositories_push_total',
    original: "The fork: pushes of the repository from Harbor 1.x's access log (`repo_name`).",
    difference:
      "Harbor 2.x's audit log (`audit_log`, and `audit_log_ext` from 2.13); rows Harbor purges no longer count.",
  },
  {
    set: seed,
    name: 'harbor_image_pull_count',
    original: "The fork: pulls per tag from Harbor 1.x's access log (`repo_name`, `repo_tag`).",
    difference:
      'From Harbor 2.x\'s audit log. Only the top tags of each repository (`--tags.top`) have their own series; the rest are summed under `repo_tag="__other__"`.',
  },
  {
    set: seed,
    name: 'harbor_project_size',
    original: "The fork: bytes of the project's blobs (`project_name`).",
  },
  {
    set: seed,
    name: 'harbor_database_health',
    original: "The fork: 1 when Harbor's database answered.",
  },
  {
    set: seed,
    name: 'harbor_database_connections',
    original: "The fork: rows of the database server's `pg_stat_activity`.",
  },
  {
    set: seed,
    name: 'harbor_system_volumes_bytes',
    original:
      'c4po: `/api/v2.0/systeminfo/volumes`, `storage="total"` and `"free"` (harbor-core\'s own /data).',
  },
];

/**
 * Names that dashboards written for the old exporters query and that no compatibility set publishes, and why.
 * Each is a regular expression over a metric name.
 */
export const notPublished: readonly { pattern: string; reason: string }[] = [
  {
    pattern: '^(harbor_core_http_|registry_http_)',
    reason:
      "Harbor's own processes publish these (core and registry metrics), not an exporter: scrape Harbor's `/metrics`.",
  },
  {
    pattern: '^(go_|process_)',
    reason: 'Runtime metrics of Harbor\'s processes (`service=~"harbor-.*"`): scrape Harbor\'s `/metrics`.',
  },
  {
    pattern: '^harbor_quotas_count_total$',
    reason: 'Quotas have counted storage only since Harbor 2.0: c4po published 0 there. No data to publish.',
  },
  {
    pattern: '^harbor_repositories_star_total$',
    reason: 'Stars existed in Harbor 1.x only; c4po published it there and not on Harbor 2.x.',
  },
  {
    pattern: '^harbor_artifacts_',
    reason:
      "c4po's per-artifact series (size, vulnerabilities, scans): one series per artifact and more is a cardinality Harbor itself rejected. Per-project vulnerabilities are `harbor_project_vulnerabilities`.",
  },
];
