import type { HarborDatabase } from '../../sources/postgres/database-source.js';
import { collector } from '../types.js';

/** Windows base layers the registry does not store; Harbor's quota and statistics leave them out. */
export const FOREIGN_LAYER_TYPE = 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip';

/**
 * One row per live project. A deleted project keeps its row with deleted = true; visibility is the
 * project_metadata row named 'public'; storage is SUM(blob.size) over project_blob, what Harbor's quota counts;
 * quota.reference_id holds the project id as text and hard.storage is -1 for no limit; project_member.entity_type is 'u' for a
 * user, 'g' for a group.
 * Checked against Harbor 2.10.3, 2.13.5, 2.15.2, 2.16 (main).
 */
export const PROJECTS_SQL = `
WITH repositories AS (SELECT project_id, count(*)::float8 AS repositories FROM repository GROUP BY project_id),
     members AS (SELECT project_id, count(*)::float8 AS members,
                        count(*) FILTER (WHERE entity_type = 'u')::float8 AS user_members
                 FROM project_member GROUP BY project_id),
     storage AS (
       SELECT pb.project_id, sum(b.size)::float8 AS bytes
       FROM project_blob pb JOIN blob b ON b.id = pb.blob_id
       WHERE b.content_type <> '${FOREIGN_LAYER_TYPE}'
       GROUP BY pb.project_id)
SELECT p.name AS project, p.project_id, coalesce(pm.value = 'true', false) AS public,
       coalesce(repositories.repositories, 0) AS repositories, coalesce(members.members, 0) AS members,
       coalesce(members.user_members, 0) AS user_members,
       coalesce(storage.bytes, 0) AS storage_bytes,
       (q.hard ->> 'storage')::float8 AS quota_limit, (u.used ->> 'storage')::float8 AS quota_used
FROM project p
LEFT JOIN project_metadata pm ON pm.project_id = p.project_id AND pm.name = 'public'
LEFT JOIN repositories ON repositories.project_id = p.project_id
LEFT JOIN members ON members.project_id = p.project_id
LEFT JOIN storage ON storage.project_id = p.project_id
LEFT JOIN quota q ON q.reference = 'project' AND q.reference_id = p.project_id::text
LEFT JOIN quota_usage u ON u.reference = 'project' AND u.reference_id = p.project_id::text
WHERE NOT p.deleted`;

/** Counted per project id first, named after: project names are unique, and the join then meets few rows. */
export const ARTIFACTS_BY_TYPE_SQL = `
SELECT p.name AS project, a.type, a.artifacts
FROM (SELECT project_id, type, count(*)::float8 AS artifacts FROM artifact GROUP BY project_id, type) a
JOIN project p ON p.project_id = a.project_id AND NOT p.deleted`;

interface ProjectRow {
  project: string;
  project_id: number;
  public: boolean;
  repositories: number;
  members: number;
  user_members: number;
  storage_bytes: number;
  quota_limit: number | null;
  quota_used: number | null;
}

export const projectsCollector = collector<HarborDatabase>({
  name: 'projects',
  source: 'database',
  defaultEnabled: true,
  help: 'Projects and repositories by visibility; per project: repositories, artifacts by type, storage, quota, members.',
  async collect({ client, out }) {
    // Asked for together: neither needs the other's answer, so they run side by side when two connections are free.
    const [projects, artifacts] = await Promise.all([
      client.query<ProjectRow>('projects', PROJECTS_SQL),
      client.query<{ project: string; type: string; artifacts: number }>(
        'artifacts by type',
        ARTIFACTS_BY_TYPE_SQL,
      ),
    ]);
    const byVisibility = {
      public: { projects: 0, repositories: 0 },
      private: { projects: 0, repositories: 0 },
    };
    for (const row of projects) {
      const visibility = row.public ? 'public' : 'private';
      const totals = byVisibility[visibility];
      totals.projects++;
      totals.repositories += row.repositories;
      const project = { project: row.project };
      out.add('harbor_project_info', 1, { ...project, project_id: String(row.project_id), visibility });
      out.add('harbor_project_repositories', row.repositories, project);
      out.add('harbor_project_members', row.members, project);
      out.add('harbor_project_user_members', row.user_members, project);
      out.add('harbor_project_storage_bytes', row.storage_bytes, project);
      if (row.quota_limit !== null) {
        // Harbor writes -1 for "no limit": published as such, never as a limit of -1 bytes.
        const unlimited = row.quota_limit < 0;
        out.add('harbor_project_quota_unlimited', unlimited ? 1 : 0, project);
        if (!unlimited) out.add('harbor_project_quota_limit_bytes', row.quota_limit, project);
      }
      if (row.quota_used !== null) out.add('harbor_project_quota_used_bytes', row.quota_used, project);
    }
    for (const [visibility, totals] of Object.entries(byVisibility)) {
      out.add('harbor_projects', totals.projects, { visibility });
      out.add('harbor_repositories', totals.repositories, { visibility });
    }

    for (const row of artifacts) {
      out.add('harbor_project_artifacts', row.artifacts, { project: row.project, type: row.type });
    }
  },
});
