import assert from 'node:assert/strict';
import { it } from 'node:test';
import pg from 'pg';
import { RepositoriesCollector } from '../../../src/collectors/database/repositories.js';
import type { AuditTable } from '../../../src/collectors/database/audit-events.js';
import { silentLogger } from '../../../src/log.js';
import { DatabaseSource, fixedDatabaseSettings } from '../../../src/sources/postgres/database-source.js';
import { testConfig } from '../../harness/exporter.js';
import { createHarborDatabase } from '../../harness/postgres.js';
import {
  countBy,
  forEachRelease,
  sumBy,
  traceCollect,
  utcSeconds,
  valuesBy,
  type ReleaseContext,
} from './releases.js';

interface AuditRow {
  operation: string;
  resource_type: string;
  resource: string;
}

/** The repository an artifact event names: 'project/repo:tag' or 'project/repo@sha256:...'. */
function repositoryOf(resource: string): string {
  return resource.split(/[:@]/)[0]!;
}

/** Pushes per repository counted in JS from every audit table of the release. */
async function pushesInTables(context: ReleaseContext): Promise<Map<string, number>> {
  const tables = context.release === '2.10' ? ['audit_log'] : ['audit_log', 'audit_log_ext'];
  const rows: AuditRow[] = [];
  for (const table of tables)
    rows.push(...(await context.rows<AuditRow>(`SELECT operation, resource_type, resource FROM ${table}`)));
  return countBy(
    rows.filter((row) => row.operation === 'create' && row.resource_type === 'artifact'),
    (row) => repositoryOf(row.resource),
  );
}

/** The audit table Harbor writes new events to. */
function currentAuditTable(context: ReleaseContext): AuditTable {
  return context.release === '2.10' ? 'audit_log' : 'audit_log_ext';
}

async function insertPushes(client: pg.ClientBase, table: AuditTable, repository: string, count: number) {
  for (let index = 0; index < count; index++) {
    await client.query(
      `INSERT INTO ${table} (project_id, operation, resource_type, resource, username) VALUES (1, 'create', 'artifact', $1, 'ci')`,
      [`${repository}:build-${index}`],
    );
  }
}

forEachRelease('repositories collector', { repositories: 50, seed: 8 }, (context) => {
  const collector = new RepositoriesCollector();

  it('publishes pulls, tags, artifacts, untagged artifacts, size and timestamps of every repository', async () => {
    const points = await context.collect(collector);
    const repositories = await context.rows<{
      repository_id: number;
      name: string;
      pull_count: number;
      project: string;
    }>(
      `SELECT r.repository_id, r.name, r.pull_count, p.name AS project FROM repository r JOIN project p ON p.project_id = r.project_id`,
    );
    const artifacts = await context.rows<{
      id: number;
      repository_id: number;
      size: string;
      push_time: string;
      pull_time: string | null;
    }>('SELECT id, repository_id, size, push_time::text, pull_time::text FROM artifact');
    const tags = await context.rows<{ repository_id: number; artifact_id: number }>(
      'SELECT repository_id, artifact_id FROM tag',
    );
    const children = new Set(
      (await context.rows<{ child_id: number }>('SELECT child_id FROM artifact_reference')).map(
        (row) => row.child_id,
      ),
    );
    const accessories = new Set(
      (await context.rows<{ artifact_id: string }>('SELECT artifact_id FROM artifact_accessory')).map((row) =>
        Number(row.artifact_id),
      ),
    );
    const taggedArtifacts = new Set(tags.map((tag) => tag.artifact_id));
    const byRepository = (row: { repository_id: number }) => String(row.repository_id);
    const tagCount = countBy(tags, byRepository);
    const artifactCount = countBy(artifacts, byRepository);
    // What GC's "delete untagged" removes: no tag, not an index's child, not an accessory of another artifact.
    const untagged = countBy(
      artifacts.filter(
        (artifact) =>
          !taggedArtifacts.has(artifact.id) && !children.has(artifact.id) && !accessories.has(artifact.id),
      ),
      byRepository,
    );
    // An index's size already holds its children's: they count through it.
    const size = sumBy(
      artifacts.filter((artifact) => !children.has(artifact.id)),
      byRepository,
      (artifact) => Number(artifact.size),
    );
    const latest = (pick: (artifact: (typeof artifacts)[number]) => string | null) => {
      const out = new Map<string, number>();
      for (const artifact of artifacts) {
        const time = pick(artifact);
        if (time === null) continue;
        const key = byRepository(artifact);
        out.set(key, Math.max(out.get(key) ?? 0, utcSeconds(time)));
      }
      return out;
    };
    const lastPush = latest((artifact) => artifact.push_time);
    const lastPull = latest((artifact) => artifact.pull_time);
    assert.ok(untagged.size > 0, 'the fixture holds untagged artifacts');
    assert.ok(children.size > 0, 'the fixture holds image indexes');
    assert.ok(
      [...accessories].some((id) => !taggedArtifacts.has(id)),
      'the fixture holds untagged accessories',
    );
    // Stored as Harbor stores them: an index's size includes its children's.
    const { rows: indexes } = await context.db.admin.query<{ own: string; children: string }>(
      `SELECT a.size AS own, sum(c.size) AS children FROM artifact_reference r
       JOIN artifact a ON a.id = r.parent_id JOIN artifact c ON c.id = r.child_id GROUP BY a.id, a.size`,
    );
    assert.ok(indexes.every((index) => Number(index.own) > Number(index.children)));

    const value = (metric: string) => valuesBy(points, metric, 'project', 'repository');
    const published = {
      pulls: value('harbor_repository_pulls'),
      tags: value('harbor_repository_tags'),
      artifacts: value('harbor_repository_artifacts'),
      untagged: value('harbor_repository_untagged_artifacts'),
      size: value('harbor_repository_size_bytes'),
      lastPush: value('harbor_repository_last_push_timestamp_seconds'),
      lastPull: value('harbor_repository_last_pull_timestamp_seconds'),
    };
    assert.equal(published.pulls.size, repositories.length);
    for (const repository of repositories) {
      const key = `${repository.project}|${repository.name}`;
      const id = String(repository.repository_id);
      assert.equal(published.pulls.get(key), repository.pull_count, key);
      assert.equal(published.tags.get(key), tagCount.get(id) ?? 0, key);
      assert.equal(published.artifacts.get(key), artifactCount.get(id) ?? 0, key);
      assert.equal(published.untagged.get(key), untagged.get(id) ?? 0, key);
      assert.equal(published.size.get(key), size.get(id) ?? 0, key);
      assert.equal(published.lastPush.get(key), lastPush.get(id), key);
      assert.equal(published.lastPull.get(key), lastPull.get(id), key);
    }
  });

  it('counts pushes from the audit tables of the release', async () => {
    const points = await context.collect(collector);
    const expected = await pushesInTables(context);
    const published = valuesBy(points, 'harbor_repository_pushes', 'repository');
    const repositories = await context.rows<{ name: string }>('SELECT name FROM repository');
    assert.ok(
      [...expected.values()].some((count) => count > 0),
      'the fixture holds pushes',
    );
    for (const { name } of repositories) assert.equal(published.get(name), expected.get(name) ?? 0, name);
  });

  it('reads only new audit rows on later refreshes, and counts exactly the rows added', async () => {
    const repository = (
      await context.rows<{ name: string }>('SELECT name FROM repository ORDER BY name LIMIT 1')
    )[0]!.name;
    const before = valuesBy(await context.collect(collector), 'harbor_repository_pushes', 'repository');
    await insertPushes(context.db.admin, currentAuditTable(context), repository, 3);
    // Older rows of an upgraded Harbor stay in audit_log; a late write there is counted too.
    if (context.release !== '2.10') await insertPushes(context.db.admin, 'audit_log', repository, 1);
    const { points, statements } = await context.trace(collector);
    const after = valuesBy(points, 'harbor_repository_pushes', 'repository');
    const added = context.release === '2.10' ? 3 : 4;
    assert.equal(after.get(repository), before.get(repository)! + added);
    for (const [name, count] of before) if (name !== repository) assert.equal(after.get(name), count, name);
    // One statement for the audit tables and one for the repositories: no recount.
    assert.equal(statements.length, 2, statements.join(', '));
    assert.deepEqual(after, await filtered(await pushesInTables(context), after));
  });

  it('keeps every count when old audit rows are purged, and the next push adds exactly 1', async () => {
    const before = valuesBy(await context.collect(collector), 'harbor_repository_pushes', 'repository');
    const tables: AuditTable[] = context.release === '2.10' ? ['audit_log'] : ['audit_log', 'audit_log_ext'];
    let purged = 0;
    for (const table of tables) {
      // As Harbor's purge job does: the oldest rows go.
      const result = await context.db.admin.query(
        `DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} ORDER BY id LIMIT (SELECT count(*) / 3 FROM ${table}))`,
      );
      purged += result.rowCount ?? 0;
    }
    assert.ok(purged > 0, 'rows were purged');
    const { points, statements } = await context.trace(collector);
    const published = valuesBy(points, 'harbor_repository_pushes', 'repository');
    assert.deepEqual(published, before);
    // No recount: one statement for the audit tables and one for the repositories.
    assert.equal(statements.length, 2, statements.join(', '));

    const repository = [...published.keys()].find((name) => published.get(name)! > 0)!;
    await insertPushes(context.db.admin, currentAuditTable(context), repository, 1);
    const next = valuesBy(await context.collect(collector), 'harbor_repository_pushes', 'repository');
    assert.equal(next.get(repository), published.get(repository)! + 1);
    for (const [name, count] of published) if (name !== repository) assert.equal(next.get(name), count, name);
  });

  it('keeps every count when the audit table is emptied, and counts the events after it', async () => {
    const table = currentAuditTable(context);
    const before = valuesBy(await context.collect(collector), 'harbor_repository_pushes', 'repository');
    await context.db.admin.query(`DELETE FROM ${table}`);
    assert.deepEqual(
      valuesBy(await context.collect(collector), 'harbor_repository_pushes', 'repository'),
      before,
    );
    const repository = [...before.keys()][0]!;
    await insertPushes(context.db.admin, table, repository, 2);
    const next = valuesBy(await context.collect(collector), 'harbor_repository_pushes', 'repository');
    assert.equal(next.get(repository), before.get(repository)! + 2);
  });

  it('counts a row whose transaction commits after a newer row was counted', async () => {
    const table = currentAuditTable(context);
    const repository = (
      await context.rows<{ name: string }>('SELECT name FROM repository ORDER BY name DESC LIMIT 1')
    )[0]!.name;
    const before = valuesBy(await context.collect(collector), 'harbor_repository_pushes', 'repository');
    const slow = new pg.Client(context.db.server.clientConfig(context.db.name));
    await slow.connect();
    try {
      await slow.query('BEGIN');
      await insertPushes(slow, table, repository, 1);
      await insertPushes(context.db.admin, table, repository, 1);
      const during = valuesBy(await context.collect(collector), 'harbor_repository_pushes', 'repository');
      assert.equal(during.get(repository), before.get(repository)! + 1);
      await slow.query('COMMIT');
    } finally {
      await slow.end();
    }
    const after = valuesBy(await context.collect(collector), 'harbor_repository_pushes', 'repository');
    assert.equal(after.get(repository), before.get(repository)! + 2);
  });

  it('starts from a full count of the rows left after a restart (a reset), never above the running count', async () => {
    const running = valuesBy(await context.collect(collector), 'harbor_repository_pushes', 'repository');
    const restarted = valuesBy(
      await context.collect(new RepositoriesCollector()),
      'harbor_repository_pushes',
      'repository',
    );
    assert.deepEqual(restarted, await filtered(await pushesInTables(context), restarted));
    for (const [name, count] of restarted) assert.ok(count <= running.get(name)!, name);
  });

  it('counts each database it reads from that database alone', async () => {
    const other = await createHarborDatabase({ repositories: 12, seed: 99, release: context.release });
    const otherSource = new DatabaseSource(fixedDatabaseSettings(other.settings), silentLogger);
    try {
      const config = testConfig();
      const pushesOf = async (source: DatabaseSource) =>
        valuesBy(
          (await traceCollect(source, collector, config)).points,
          'harbor_repository_pushes',
          'repository',
        );
      const first = await pushesOf(context.source);
      const otherCounts = await pushesOf(otherSource);
      const otherRepository = (
        await other.admin.query<{ name: string }>('SELECT name FROM repository LIMIT 1')
      ).rows[0]!.name;
      await insertPushes(other.admin, currentAuditTable(context), otherRepository, 1);
      assert.deepEqual(await pushesOf(context.source), first);
      const otherAfter = await pushesOf(otherSource);
      assert.equal(otherAfter.get(otherRepository), otherCounts.get(otherRepository)! + 1);
    } finally {
      await otherSource.close();
      await other.drop();
    }
  });
});

/** The expected counts for the repositories that were published (audit rows may name deleted repositories). */
async function filtered(
  expected: Map<string, number>,
  published: Map<string, number>,
): Promise<Map<string, number>> {
  return new Map([...published.keys()].map((name) => [name, expected.get(name) ?? 0]));
}
