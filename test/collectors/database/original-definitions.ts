import type { ClientBase } from 'pg';
import type { Sample } from '../../harness/prometheus-text.js';

/**
 * What the original exporters publish, computed here from Harbor's tables as each of them defined it (Harbor's
 * built-in exporter reads the database; c4po/harbor_exporter reads the API, whose answers these tables back),
 * independently of the exporter's SQL. A family is its series, keyed by their labels.
 */
export type Family = Map<string, number>;

export function labelKey(labels: Record<string, string>): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((name) => [name, labels[name]]),
  );
}

/** A family as /metrics shows it. */
export function publishedFamily(samples: readonly Sample[], name: string): Family {
  const out: Family = new Map();
  for (const sample of samples) if (sample.name === name) out.set(labelKey(sample.labels), sample.value);
  return out;
}

function family(rows: readonly { labels: Record<string, string>; value: number }[]): Family {
  return new Map(rows.map((row) => [labelKey(row.labels), row.value]));
}

/**
 * Harbor's exporter (src/pkg/exporter/project_collector.go): projects are the live ones having a `public`
 * metadata row, a quota and a quota usage; quota values are the stored storage numbers, -1 included; members are
 * users only (entity_type 'u'); repositories, pulls and artifacts by type are counted per project.
 */
export async function harborProjectFamilies(db: ClientBase): Promise<Record<string, Family>> {
  const projects = await db.query<{
    name: string;
    public: string;
    hard: string;
    used: string;
    users: string;
    repositories: string;
    pulls: string;
  }>(
    `SELECT p.name, pm.value AS public, q.hard ->> 'storage' AS hard, u.used ->> 'storage' AS used,
            (SELECT count(*) FROM project_member m WHERE m.project_id = p.project_id AND m.entity_type = 'u') AS users,
            (SELECT count(*) FROM repository r WHERE r.project_id = p.project_id) AS repositories,
            (SELECT coalesce(sum(r.pull_count), 0) FROM repository r WHERE r.project_id = p.project_id) AS pulls
     FROM project p
     JOIN project_metadata pm ON pm.project_id = p.project_id AND pm.name = 'public'
     JOIN quota q ON q.reference = 'project' AND q.reference_id::int = p.project_id
     JOIN quota_usage u ON u.reference = 'project' AND u.reference_id::int = p.project_id
     WHERE NOT p.deleted`,
  );
  const artifacts = await db.query<{ name: string; public: string; type: string; artifacts: string }>(
    `SELECT p.name, pm.value AS public, a.type, count(*) AS artifacts
     FROM artifact a
     JOIN project p ON p.project_id = a.project_id AND NOT p.deleted
     JOIN project_metadata pm ON pm.project_id = p.project_id AND pm.name = 'public'
     GROUP BY p.name, pm.value, a.type`,
  );
  const totals = await db.query<{ public: string; projects: string }>(
    `SELECT pm.value AS public, count(*) AS projects
     FROM project p JOIN project_metadata pm ON pm.project_id = p.project_id AND pm.name = 'public'
     WHERE NOT p.deleted GROUP BY pm.value`,
  );
  const perProject = (value: (row: (typeof projects.rows)[number]) => number) =>
    family(projects.rows.map((row) => ({ labels: { project_name: row.name }, value: value(row) })));
  return {
    harbor_project_total: family(
      totals.rows.map((row) => ({ labels: { public: row.public }, value: Number(row.projects) })),
    ),
    harbor_project_quota_byte: perProject((row) => Number(row.hard)),
    harbor_project_quota_usage_byte: perProject((row) => Number(row.used)),
    harbor_project_member_total: perProject((row) => Number(row.users)),
    harbor_artifact_pulled: perProject((row) => Number(row.pulls)),
    harbor_project_repo_total: family(
      projects.rows.map((row) => ({
        labels: { project_name: row.name, public: row.public },
        value: Number(row.repositories),
      })),
    ),
    harbor_project_artifact_total: family(
      artifacts.rows.map((row) => ({
        labels: { project_name: row.name, public: row.public, artifact_type: row.type },
        value: Number(row.artifacts),
      })),
    ),
  };
}

/**
 * c4po/harbor_exporter: /statistics totals (type total/public/private), and /quotas, one hard and one used
 * storage series per project quota, labelled with the project's name and id as repo_name and repo_id (-1 for
 * no limit, as Harbor stores it).
 */
export async function c4poFamilies(db: ClientBase): Promise<Record<string, Family>> {
  const { rows } = await db.query<{ name: string; id: number; public: boolean; repositories: string }>(
    `SELECT p.name, p.project_id AS id, coalesce(pm.value = 'true', false) AS public,
            (SELECT count(*) FROM repository r WHERE r.project_id = p.project_id) AS repositories
     FROM project p LEFT JOIN project_metadata pm ON pm.project_id = p.project_id AND pm.name = 'public'
     WHERE NOT p.deleted`,
  );
  const quotas = await db.query<{ name: string; id: number; hard: string; used: string }>(
    `SELECT p.name, p.project_id AS id, q.hard ->> 'storage' AS hard, u.used ->> 'storage' AS used
     FROM project p
     JOIN quota q ON q.reference = 'project' AND q.reference_id::int = p.project_id
     JOIN quota_usage u ON u.reference = 'project' AND u.reference_id::int = p.project_id
     WHERE NOT p.deleted`,
  );
  const sum = (selected: typeof rows, value: (row: (typeof rows)[number]) => number) =>
    selected.reduce((total, row) => total + value(row), 0);
  const publicOnes = rows.filter((row) => row.public);
  const privateOnes = rows.filter((row) => !row.public);
  const repositories = (row: (typeof rows)[number]) => Number(row.repositories);
  return {
    harbor_project_count_total: family([
      { labels: { type: 'total_project' }, value: rows.length },
      { labels: { type: 'public_project' }, value: publicOnes.length },
      { labels: { type: 'private_project' }, value: privateOnes.length },
    ]),
    harbor_repo_count_total: family([
      { labels: { type: 'total_repo' }, value: sum(rows, repositories) },
      { labels: { type: 'public_repo' }, value: sum(publicOnes, repositories) },
      { labels: { type: 'private_repo' }, value: sum(privateOnes, repositories) },
    ]),
    harbor_quotas_size_bytes: family(
      quotas.rows.flatMap((row) =>
        (['hard', 'used'] as const).map((type) => ({
          labels: { type, repo_name: row.name, repo_id: String(row.id) },
          value: Number(row[type]),
        })),
      ),
    ),
  };
}

/**
 * c4po's harbor_repositories_tags_total on Harbor 2.x: each repository's artifact_count from the API, which
 * counts the artifacts that have a tag or that no image index refers to, labelled repo_name and repo_id. Also
 * returned: the untagged children of an index, which the exporter's artifact count includes.
 */
export async function c4poArtifactCounts(
  db: ClientBase,
): Promise<Map<string, { id: number; listed: number; untaggedChildren: number }>> {
  const { rows } = await db.query<{ name: string; id: number; listed: string; untagged_children: string }>(
    `SELECT r.name, r.repository_id AS id,
            count(a.id) FILTER (WHERE EXISTS (SELECT 1 FROM tag t WHERE t.artifact_id = a.id)
                                 OR NOT EXISTS (SELECT 1 FROM artifact_reference x WHERE x.child_id = a.id)) AS listed,
            count(a.id) FILTER (WHERE NOT EXISTS (SELECT 1 FROM tag t WHERE t.artifact_id = a.id)
                                 AND EXISTS (SELECT 1 FROM artifact_reference x WHERE x.child_id = a.id)) AS untagged_children
     FROM repository r
     JOIN project p ON p.project_id = r.project_id AND NOT p.deleted
     LEFT JOIN artifact a ON a.repository_id = r.repository_id
     GROUP BY r.name, r.repository_id`,
  );
  return new Map(
    rows.map((row) => [
      row.name,
      { id: row.id, listed: Number(row.listed), untaggedChildren: Number(row.untagged_children) },
    ]),
  );
}
