import pg from 'pg';

/**
 * The Kubernetes fork's way of reading Harbor's database, on Harbor 2.x tables: whole-table aggregates for pulls,
 * pushes, image pulls and project size, and one tag-count query per repository. Its SQL targeted Harbor 1.x
 * (access_log with repo_name and repo_tag); here the audit log's resource 'project/repo:tag' stands in for them.
 */
export const SEED_PULLS_AND_PUSHES_SQL = (auditTables: readonly string[]) => `
SELECT r.repository_id AS repo_id, r.name AS repo_name, r.pull_count AS pull_count, count(al.id) AS push_count
FROM repository AS r
JOIN (${auditTables.map((table) => `SELECT id, operation, resource FROM ${table}`).join(' UNION ALL ')}) AS al
  ON split_part(split_part(al.resource, '@', 1), ':', 1) = r.name
WHERE al.operation = 'create'
GROUP BY r.repository_id`;

export const SEED_TAG_COUNT_SQL = `
SELECT count(t.id) AS tag_count
FROM tag AS t
JOIN repository AS r ON t.repository_id = r.repository_id
WHERE r.repository_id = $1`;

export const SEED_IMAGE_PULLS_SQL = (auditTables: readonly string[]) => `
SELECT r.name AS repo_name, t.name AS tag_name, count(al.id) AS pull_count
FROM (${auditTables.map((table) => `SELECT id, operation, resource FROM ${table}`).join(' UNION ALL ')}) AS al
JOIN repository AS r ON split_part(al.resource, ':', 1) = r.name
JOIN tag AS t ON t.repository_id = r.repository_id AND al.resource = r.name || ':' || t.name
WHERE al.operation = 'pull'
GROUP BY r.name, t.name`;

export const SEED_PROJECT_SIZE_SQL = `
SELECT p.name AS project_name, sum(b.size) AS size
FROM blob AS b
JOIN artifact_blob AS ab ON ab.digest_blob = b.digest
JOIN artifact AS a ON a.digest = ab.digest_af
JOIN repository AS r ON a.repository_id = r.repository_id
JOIN project AS p ON r.project_id = p.project_id
GROUP BY p.name`;

export const SEED_CONNECTIONS_SQL = 'SELECT count(1) FROM pg_stat_activity';

export interface SeedApproachResult {
  seconds: number;
  statements: number;
  /** Seconds of the per-repository tag counts alone. */
  tagCountSeconds: number;
}

/** Runs the fork's statements one after another on one connection, as its collector did on every scrape. */
export async function runSeedApproach(
  config: pg.ClientConfig,
  hasAuditLogExt: boolean,
): Promise<SeedApproachResult> {
  const client = new pg.Client(config);
  await client.connect();
  const auditTables = hasAuditLogExt ? ['audit_log', 'audit_log_ext'] : ['audit_log'];
  let statements = 0;
  const run = async (sql: string, params?: unknown[]) => {
    statements++;
    return (await client.query(sql, params)).rows;
  };
  try {
    const started = performance.now();
    await run(SEED_PULLS_AND_PUSHES_SQL(auditTables));
    const repositories = await run('SELECT repository_id FROM repository');
    const tagsStarted = performance.now();
    for (const { repository_id } of repositories) await run(SEED_TAG_COUNT_SQL, [repository_id]);
    const tagCountSeconds = (performance.now() - tagsStarted) / 1000;
    await run(SEED_IMAGE_PULLS_SQL(auditTables));
    await run(SEED_PROJECT_SIZE_SQL);
    await run(SEED_CONNECTIONS_SQL);
    return { seconds: (performance.now() - started) / 1000, statements, tagCountSeconds };
  } finally {
    await client.end();
  }
}
