import assert from 'node:assert/strict';
import { it } from 'node:test';
import { OTHER_TAGS, tagsCollector } from '../../../src/collectors/database/tags.js';
import type { Point } from '../../../src/collectors/observations.js';
import { forEachRelease, type ReleaseContext } from './releases.js';

interface PullRow {
  resource: string;
}

/** Pulls per repository and tag ('' for a pull by digest), counted in JS from every audit table. */
async function pullsInTables(context: ReleaseContext): Promise<Map<string, Map<string, number>>> {
  const tables = context.release === '2.10' ? ['audit_log'] : ['audit_log', 'audit_log_ext'];
  const out = new Map<string, Map<string, number>>();
  for (const table of tables) {
    const rows = await context.rows<PullRow>(
      `SELECT resource FROM ${table} WHERE operation = 'pull' AND resource_type = 'artifact'`,
    );
    for (const { resource } of rows) {
      const digest = resource.includes('@');
      const [repository, tag] = digest ? [resource.split('@')[0]!, ''] : resource.split(':');
      let tags = out.get(repository!);
      if (!tags) out.set(repository!, (tags = new Map()));
      tags.set(tag!, (tags.get(tag!) ?? 0) + 1);
    }
  }
  return out;
}

function seriesOf(points: ReadonlyMap<string, readonly Point[]>, repository: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const point of points.get('harbor_tag_pulls') ?? []) {
    if (point.attributes.repository === repository) out.set(point.attributes.tag!, point.value);
  }
  return out;
}

forEachRelease('tags collector', { repositories: 40, seed: 21, auditEventsPerRepository: 12 }, (context) => {
  // A factory: each run below makes a new instance from its flags, except where counting goes on.
  const collector = tagsCollector;

  it('is off by default', () => {
    assert.equal(collector.defaultEnabled, false);
  });

  it('publishes the top N existing tags of each repository and sums the rest, so totals stay true', async () => {
    const top = 2;
    const points = await context.collect(collector, [`--tags.top=${top}`]);
    const pulls = await pullsInTables(context);
    const existing = new Map<string, Set<string>>();
    for (const row of await context.rows<{ name: string }>('SELECT name FROM repository')) {
      existing.set(row.name, new Set());
    }
    for (const row of await context.rows<{ repository: string; tag: string }>(
      'SELECT r.name AS repository, t.name AS tag FROM tag t JOIN repository r ON r.repository_id = t.repository_id',
    )) {
      existing.get(row.repository)!.add(row.tag);
    }
    let capped = 0;
    for (const [repository, tags] of pulls) {
      const series = seriesOf(points, repository);
      if (!existing.has(repository)) {
        assert.equal(series.size, 0, `${repository} no longer exists`);
        continue;
      }
      const total = [...tags.values()].reduce((sum, count) => sum + count, 0);
      const published = [...series.values()].reduce((sum, count) => sum + count, 0);
      assert.equal(published, total, `${repository}: the series add up to its pulls`);
      // Independent ranking: existing tags by pulls, then by name.
      const ranked = [...tags.entries()]
        .filter(([tag]) => tag !== '' && existing.get(repository)!.has(tag))
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, top);
      for (const [tag, count] of ranked) assert.equal(series.get(tag), count, `${repository}:${tag}`);
      assert.equal(series.size - (series.has(OTHER_TAGS) ? 1 : 0), ranked.length, repository);
      if (series.has(OTHER_TAGS)) capped++;
    }
    assert.ok(capped > 0, 'some repositories have more pulled tags than the cap, or pulls by digest');
  });

  it('puts every pull in the catch-all series with --tags.top=0', async () => {
    const points = await context.collect(collector, ['--tags.top=0']);
    for (const point of points.get('harbor_tag_pulls') ?? []) assert.equal(point.attributes.tag, OTHER_TAGS);
  });

  it('counts new pulls incrementally, by tag', async () => {
    const { repository, tag } = (
      await context.rows<{ repository: string; tag: string }>(
        `SELECT r.name AS repository, t.name AS tag FROM tag t JOIN repository r ON r.repository_id = t.repository_id
         ORDER BY r.name, t.name LIMIT 1`,
      )
    )[0]!;
    const counting = tagsCollector.create({ tagsTop: 1000 });
    const before = seriesOf(await context.collect(counting), repository);
    const table = context.release === '2.10' ? 'audit_log' : 'audit_log_ext';
    for (let index = 0; index < 5; index++) {
      await context.db.admin.query(
        `INSERT INTO ${table} (project_id, operation, resource_type, resource, username) VALUES (1, 'pull', 'artifact', $1, 'ci')`,
        [`${repository}:${tag}`],
      );
    }
    const { points, statements } = await context.trace(counting);
    const after = seriesOf(points, repository);
    assert.equal(after.get(tag), (before.get(tag) ?? 0) + 5);
    for (const [other, count] of before) if (other !== tag) assert.equal(after.get(other), count, other);
    // One statement for the audit tables and one for the tags: no recount.
    assert.equal(statements.length, 2, statements.join(', '));
  });

  it('keeps every count when old audit rows are purged, and the next pull adds exactly 1', async () => {
    const flags = ['--tags.top=1000'];
    // One instance throughout: its count is what must survive the purge.
    const counter = collector.create({ tagsTop: 1000 });
    const before = await context.collect(counter, flags);
    const tables = context.release === '2.10' ? ['audit_log'] : ['audit_log', 'audit_log_ext'];
    for (const table of tables) {
      await context.db.admin.query(
        `DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} ORDER BY id LIMIT (SELECT count(*) / 2 FROM ${table}))`,
      );
    }
    const { points, statements } = await context.trace(counter, flags);
    const series = (all: ReadonlyMap<string, readonly Point[]>) =>
      new Map(
        (all.get('harbor_tag_pulls') ?? []).map((point) => [
          `${point.attributes.repository}:${point.attributes.tag}`,
          point.value,
        ]),
      );
    assert.deepEqual(series(points), series(before));
    assert.equal(statements.length, 2, statements.join(', '));

    const pulled = (points.get('harbor_tag_pulls') ?? []).find(
      (point) => point.attributes.tag !== OTHER_TAGS,
    )!;
    const { repository, tag } = pulled.attributes as { repository: string; tag: string };
    const table = tables.at(-1)!;
    await context.db.admin.query(
      `INSERT INTO ${table} (project_id, operation, resource_type, resource, username) VALUES (1, 'pull', 'artifact', $1, 'ci')`,
      [`${repository}:${tag}`],
    );
    const after = series(await context.collect(counter, flags));
    const expected = series(points);
    expected.set(`${repository}:${tag}`, pulled.value + 1);
    assert.deepEqual(after, expected);
  });

  it('moves the pulls of a deleted tag into the catch-all series', async () => {
    const flags = ['--tags.top=1000'];
    const points = await context.collect(collector, flags);
    const victim = (points.get('harbor_tag_pulls') ?? []).find(
      (point) => point.attributes.tag !== OTHER_TAGS,
    )!;
    const { repository, tag } = victim.attributes as { repository: string; tag: string };
    const before = seriesOf(points, repository);
    await context.db.admin.query(
      `DELETE FROM tag WHERE name = $1 AND repository_id = (SELECT repository_id FROM repository WHERE name = $2)`,
      [tag, repository],
    );
    const after = seriesOf(await context.collect(collector, flags), repository);
    assert.equal(after.has(tag), false);
    assert.equal(after.get(OTHER_TAGS), (before.get(OTHER_TAGS) ?? 0) + victim.value);
  });
});
