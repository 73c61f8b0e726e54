/** The database metrics the Kubernetes fork published, as its README lists them. */
export const SEED_DATABASE_NAMES = [
  'harbor_repositories_pull_total',
  'harbor_repositories_push_total',
  'harbor_repositories_tags_total',
  'harbor_image_pull_count',
  'harbor_project_size',
  'harbor_database_health',
  'harbor_database_connections',
  'harbor_project_count_total',
  'harbor_repo_count_total',
  'harbor_quotas_size_bytes',
] as const;

/** The names of Harbor's built-in exporter whose values the database gives. */
export const HARBOR_DATABASE_NAMES = [
  'harbor_project_total',
  'harbor_project_repo_total',
  'harbor_project_member_total',
  'harbor_project_quota_byte',
  'harbor_project_quota_usage_byte',
  'harbor_project_artifact_total',
  'harbor_artifact_pulled',
  'harbor_statistics_total_project_amount',
  'harbor_statistics_public_project_amount',
  'harbor_statistics_private_project_amount',
  'harbor_statistics_total_repo_amount',
  'harbor_statistics_public_repo_amount',
  'harbor_statistics_private_repo_amount',
  'harbor_statistics_total_storage_consumption',
] as const;
