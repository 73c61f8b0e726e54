import pg from 'pg';
import type { Page } from './paging.js';

/** One page of a list, and how many items the whole list holds. */
export interface PageOf<T> {
  items: T[];
  total: number;
}

type Row = Record<string, unknown>;

/** Harbor writes UTC into `timestamp` columns; the API shows RFC 3339 with milliseconds. */
const ts = (column: string) => `to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const FOREIGN_LAYER = 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip';
const RELEASES: Record<number, string> = { 130: 'v2.10.3', 140: 'v2.11.2', 150: 'v2.12.4', 160: 'v2.13.5' };
const RELEASE_BUILD = '-9ac5e8f1';

/** The execution status words Harbor's replication API uses instead of the job service's. */
const REPLICATION_STATUS: Record<string, string> = {
  Running: 'InProgress',
  Pending: 'InProgress',
  Scheduled: 'InProgress',
  Success: 'Succeed',
  Error: 'Failed',
  Stopped: 'Stopped',
};

const TASK_COUNTS = `
  count(t.id)::int AS total,
  count(*) FILTER (WHERE t.status = 'Success')::int AS success,
  count(*) FILTER (WHERE t.status = 'Error')::int AS error,
  count(*) FILTER (WHERE t.status = 'Stopped')::int AS stopped,
  count(*) FILTER (WHERE t.status = 'Running')::int AS running,
  count(*) FILTER (WHERE t.status = 'Pending')::int AS pending,
  count(*) FILTER (WHERE t.status = 'Scheduled')::int AS scheduled`;

/**
 * Harbor's objects read from a (synthetic) Harbor database and shaped as Harbor's API answers them, so the
 * simulator and the database collectors see the same registry.
 */
export class HarborObjects {
  private readonly pool: pg.Pool;
  /** Whether the schema has artifact_accessory (Harbor's has since 2.8; a trimmed fixture may not). */
  private hasAccessories?: Promise<boolean>;

  constructor(
    database: pg.PoolConfig,
    private readonly harborUrl: () => string,
  ) {
    this.pool = new pg.Pool({ ...database, max: 2, application_name: 'harbor-api-simulator' });
    this.pool.on('error', () => {});
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** The release matching the database's schema version, as /systeminfo writes it. */
  async harborVersion(): Promise<string> {
    const { rows } = await this.pool.query<{ version: number }>(
      'SELECT max(version)::int AS version FROM schema_migrations',
    );
    const version = rows[0]?.version ?? 180;
    return (RELEASES[version] ?? 'v2.15.2') + RELEASE_BUILD;
  }

  async projects(page: Page, publicOnly: boolean): Promise<PageOf<Row>> {
    const from = `
      FROM project p LEFT JOIN project_metadata pm ON pm.project_id = p.project_id AND pm.name = 'public'
      WHERE NOT p.deleted AND (NOT $1::boolean OR pm.value = 'true')`;
    return this.paged(
      `SELECT p.project_id, p.owner_id, p.name, p.registry_id, ${ts('p.creation_time')} AS creation_time,
              ${ts('p.update_time')} AS update_time, coalesce(pm.value, 'false') AS public,
              (SELECT count(*) FROM repository r WHERE r.project_id = p.project_id)::int AS repo_count
       ${from} ORDER BY p.project_id`,
      `SELECT count(*)::int AS total ${from}`,
      [publicOnly],
      page,
      (row) => ({
        project_id: row.project_id,
        owner_id: row.owner_id,
        name: row.name,
        ...(row.registry_id ? { registry_id: row.registry_id } : {}),
        creation_time: row.creation_time,
        update_time: row.update_time,
        deleted: false,
        owner_name: 'admin',
        togglable: true,
        current_user_role_id: 1,
        current_user_role_ids: [1],
        repo_count: row.repo_count,
        metadata: { public: row.public },
        cve_allowlist: {
          id: row.project_id,
          project_id: row.project_id,
          items: [],
          creation_time: row.creation_time,
          update_time: row.update_time,
        },
      }),
    );
  }

  /**
   * Harbor 2.10-2.15 count a repository's artifacts (artifact_count; the artifact DAO's default filters) as
   * those that are tagged or that no index refers to, accessories (signatures, SBOMs) left out.
   */
  async repositories(page: Page): Promise<PageOf<Row>> {
    this.hasAccessories ??= this.pool
      .query<{ found: boolean }>(`SELECT to_regclass('artifact_accessory') IS NOT NULL AS found`)
      .then(({ rows }) => rows[0]!.found);
    const notAccessory = (await this.hasAccessories)
      ? 'AND NOT EXISTS (SELECT 1 FROM artifact_accessory aa WHERE aa.artifact_id = a.id)'
      : '';
    return this.paged(
      `SELECT r.repository_id AS id, r.project_id, r.name, coalesce(r.description, '') AS description,
              (SELECT count(*) FROM artifact a
               WHERE a.repository_id = r.repository_id
                 AND (EXISTS (SELECT 1 FROM tag t WHERE t.artifact_id = a.id)
                      OR NOT EXISTS (SELECT 1 FROM artifact_reference ref WHERE ref.child_id = a.id))
                 ${notAccessory})::int AS artifact_count,
              r.pull_count, ${ts('r.creation_time')} AS creation_time, ${ts('r.update_time')} AS update_time
       FROM repository r ORDER BY r.repository_id`,
      'SELECT count(*)::int AS total FROM repository',
      [],
      page,
    );
  }

  async quotas(page: Page): Promise<PageOf<Row>> {
    const from = `
      FROM quota q JOIN project p ON p.project_id::text = q.reference_id AND NOT p.deleted
      LEFT JOIN quota_usage u ON u.reference = q.reference AND u.reference_id = q.reference_id
      WHERE q.reference = 'project'`;
    return this.paged(
      `SELECT q.id, p.project_id, p.name, q.hard, coalesce(u.used, '{"storage": 0}'::jsonb) AS used,
              ${ts('q.creation_time')} AS creation_time, ${ts('q.update_time')} AS update_time
       ${from} ORDER BY q.id`,
      `SELECT count(*)::int AS total ${from}`,
      [],
      page,
      (row) => ({
        id: row.id,
        ref: { id: row.project_id, name: row.name, owner_name: 'admin' },
        hard: row.hard,
        used: row.used,
        creation_time: row.creation_time,
        update_time: row.update_time,
      }),
    );
  }

  async registries(page: Page): Promise<PageOf<Row>> {
    return this.paged(
      `SELECT ${REGISTRY_COLUMNS} FROM registry ORDER BY id`,
      'SELECT count(*)::int AS total FROM registry',
      [],
      page,
      registryObject,
    );
  }

  async replicationPolicies(page: Page): Promise<PageOf<Row>> {
    const registries = new Map(
      (await this.pool.query<Row>(`SELECT ${REGISTRY_COLUMNS} FROM registry`)).rows.map((row) => [
        row.id,
        registryObject(row),
      ]),
    );
    const local = {
      id: 0,
      name: 'Local',
      type: 'harbor',
      url: this.harborUrl(),
      insecure: true,
      status: 'healthy',
      credential: { type: 'secret', access_secret: '*****' },
    };
    return this.paged(
      `SELECT id, name, coalesce(description, '') AS description, enabled, replicate_deletion, src_registry_id,
              dest_registry_id, coalesce(dest_namespace, '') AS dest_namespace, coalesce(override, false) AS override,
              trigger,
              ${ts('creation_time')} AS creation_time, ${ts('update_time')} AS update_time
       FROM replication_policy WHERE NOT coalesce(deleted, false) ORDER BY id`,
      'SELECT count(*)::int AS total FROM replication_policy WHERE NOT coalesce(deleted, false)',
      [],
      page,
      (row) => ({
        id: row.id,
        name: row.name,
        description: row.description,
        src_registry: registries.get(row.src_registry_id) ?? local,
        dest_registry: registries.get(row.dest_registry_id) ?? local,
        dest_namespace: row.dest_namespace,
        dest_namespace_replace_count: -1,
        trigger: policyTrigger(row.trigger),
        filters: [],
        replicate_deletion: row.replicate_deletion,
        deletion: row.replicate_deletion,
        override: row.override,
        enabled: row.enabled,
        creation_time: row.creation_time,
        update_time: row.update_time,
        speed: -1,
        copy_by_chunk: false,
        single_active_replication: false,
      }),
    );
  }

  /** Newest first unless `oldestFirst`; `policyId` narrows to one policy. */
  async replicationExecutions(page: Page, policyId: number | undefined, oldestFirst: boolean) {
    const where = `WHERE e.vendor_type = 'REPLICATION' AND ($1::int IS NULL OR e.vendor_id = $1)`;
    const order = oldestFirst ? 'e.start_time, e.id' : 'e.start_time DESC, e.id DESC';
    return this.paged(
      `SELECT e.id, e.vendor_id AS policy_id, e.status, e.trigger, coalesce(e.status_message, '') AS status_text,
              ${ts('e.start_time')} AS start_time, ${ts('e.end_time')} AS end_time, ${TASK_COUNTS}
       FROM execution e LEFT JOIN task t ON t.execution_id = e.id ${where}
       GROUP BY e.id ORDER BY ${order}`,
      `SELECT count(*)::int AS total FROM execution e ${where}`,
      [policyId ?? null],
      page,
      (row) => ({
        id: row.id,
        policy_id: row.policy_id,
        status: REPLICATION_STATUS[row.status as string] ?? row.status,
        trigger: String(row.trigger).toLowerCase(),
        start_time: row.start_time,
        ...(row.end_time ? { end_time: row.end_time } : {}),
        status_text: row.status_text,
        total: row.total,
        failed: row.error,
        succeed: row.success,
        in_progress: (row.running as number) + (row.pending as number) + (row.scheduled as number),
        stopped: row.stopped,
      }),
    );
  }

  /** Garbage collection runs, newest first, as /system/gc lists them. */
  async gcHistory(page: Page): Promise<PageOf<Row>> {
    const where = `WHERE vendor_type = 'GARBAGE_COLLECTION'`;
    return this.paged(
      `SELECT id, trigger, status, coalesce(extra_attrs::text, '{}') AS parameters,
              ${ts('start_time')} AS creation_time, ${ts('coalesce(update_time, end_time, start_time)')} AS update_time
       FROM execution ${where} ORDER BY start_time DESC, id DESC`,
      `SELECT count(*)::int AS total FROM execution ${where}`,
      [],
      page,
      (row) => ({
        id: row.id,
        job_name: 'GARBAGE_COLLECTION',
        job_kind: row.trigger,
        job_parameters: row.parameters,
        schedule: { type: row.trigger === 'SCHEDULE' ? 'Schedule' : 'Manual' },
        job_status: row.status,
        deleted: false,
        creation_time: row.creation_time,
        update_time: row.update_time,
      }),
    );
  }

  /** The latest "scan all" as /scans/all/metrics reports it; zeros when there has been none. */
  async scanAllMetrics(): Promise<Row> {
    const { rows } = await this.pool.query<Row>(
      `SELECT e.status, e.trigger, ${TASK_COUNTS}
       FROM execution e LEFT JOIN task t ON t.execution_id = e.id
       WHERE e.id = (SELECT id FROM execution WHERE vendor_type = 'SCAN_ALL' ORDER BY start_time DESC, id DESC LIMIT 1)
       GROUP BY e.id`,
    );
    const row = rows[0];
    if (!row) return { total: 0, completed: 0, ongoing: false };
    const final = ['Success', 'Error', 'Stopped'].includes(row.status as string);
    const trigger = String(row.trigger);
    return {
      total: row.total,
      completed: (row.success as number) + (row.error as number) + (row.stopped as number),
      metrics: {
        Pending: row.pending,
        Running: row.running,
        Stopped: row.stopped,
        Error: row.error,
        Success: row.success,
        Scheduled: row.scheduled,
      },
      ongoing: !final,
      trigger: trigger.charAt(0) + trigger.slice(1).toLowerCase(),
    };
  }

  /** /statistics; totals and private counts only for a system administrator, as Harbor does. */
  async statistics(sysadmin: boolean): Promise<Row> {
    const { rows } = await this.pool.query<Row>(
      `WITH live AS (
         SELECT p.project_id, coalesce(pm.value = 'true', false) AS public
         FROM project p LEFT JOIN project_metadata pm ON pm.project_id = p.project_id AND pm.name = 'public'
         WHERE NOT p.deleted)
       SELECT count(*) FILTER (WHERE live.public)::int AS public_projects,
              count(*) FILTER (WHERE NOT live.public)::int AS private_projects,
              (SELECT count(*) FROM repository r JOIN live l ON l.project_id = r.project_id WHERE l.public)::int AS public_repos,
              (SELECT count(*) FROM repository r JOIN live l ON l.project_id = r.project_id WHERE NOT l.public)::int AS private_repos,
              ((SELECT coalesce(sum(size), 0) FROM blob WHERE content_type <> '${FOREIGN_LAYER}')
                + (SELECT coalesce(sum(size), 0) FROM system_artifact))::float8 AS storage
       FROM live`,
    );
    const row = rows[0]!;
    const privateProjects = sysadmin ? (row.private_projects as number) : 0;
    const privateRepos = sysadmin ? (row.private_repos as number) : 0;
    return {
      private_project_count: privateProjects,
      private_repo_count: privateRepos,
      public_project_count: row.public_projects,
      public_repo_count: row.public_repos,
      total_project_count: sysadmin ? (row.public_projects as number) + privateProjects : 0,
      total_repo_count: sysadmin ? (row.public_repos as number) + privateRepos : 0,
      total_storage_consumption: sysadmin ? row.storage : 0,
    };
  }

  private async paged(
    sql: string,
    countSql: string,
    params: unknown[],
    page: Page,
    shape: (row: Row) => Row = (row) => row,
  ): Promise<PageOf<Row>> {
    const n = params.length;
    const [items, count] = await Promise.all([
      this.pool.query<Row>(`${sql} LIMIT $${n + 1} OFFSET $${n + 2}`, [
        ...params,
        page.pageSize,
        page.offset,
      ]),
      this.pool.query<{ total: number }>(countSql, params),
    ]);
    return { items: items.rows.map(shape), total: count.rows[0]?.total ?? 0 };
  }
}

const REGISTRY_COLUMNS = `id, name, url, coalesce(type, 'harbor') AS type, coalesce(health, '') AS health, insecure,
  coalesce(description, '') AS description, coalesce(credential_type, 'basic') AS credential_type,
  coalesce(access_key, '') AS access_key, ${ts('creation_time')} AS creation_time, ${ts('update_time')} AS update_time`;

function registryObject(row: Row): Row {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    type: row.type,
    status: row.health,
    insecure: row.insecure,
    description: row.description,
    credential: { type: row.credential_type, access_key: row.access_key, access_secret: '*****' },
    creation_time: row.creation_time,
    update_time: row.update_time,
  };
}

/** The trigger Harbor keeps as JSON text in replication_policy.trigger; none stored means manual. */
function policyTrigger(stored: unknown): { type: string; trigger_settings: { cron: string } } {
  const parsed: unknown = typeof stored === 'string' && stored ? JSON.parse(stored) : {};
  const fields = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as {
    type?: unknown;
    trigger_settings?: { cron?: unknown };
  };
  return {
    type: typeof fields.type === 'string' ? fields.type : 'manual',
    trigger_settings: {
      cron: typeof fields.trigger_settings?.cron === 'string' ? fields.trigger_settings.cron : '',
    },
  };
}
