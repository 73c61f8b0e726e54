import assert from 'node:assert/strict';
import { it } from 'node:test';
import { reclaimableCollector } from '../../../src/collectors/database/reclaimable.js';
import { FOREIGN_LAYER_TYPE } from '../../../src/collectors/database/projects.js';
import { testConfig } from '../../harness/exporter.js';
import { forEachRelease, utcSeconds, valuesBy, type ReleaseContext } from './releases.js';

interface Expected {
  untagged: Map<string, { artifacts: number; bytes: number }>;
  unpulled: Map<string, { artifacts: number; bytes: number }>;
  unreferenced: { blobs: number; bytes: number };
}

/**
 * What GC's "delete untagged" and an age limit would remove, computed in JS from the rows: an artifact that is
 * not an index's child nor an accessory, with its children and accessories; bytes of the blobs that only such
 * artifacts of the project refer to.
 */
async function expected(context: ReleaseContext, days: readonly number[]): Promise<Expected> {
  const artifacts = await context.rows<{
    id: number;
    project_id: number;
    digest: string;
    push_time: string | null;
    pull_time: string | null;
  }>('SELECT id, project_id, digest, push_time::text, pull_time::text FROM artifact');
  const projects = await context.rows<{ project_id: number; name: string; deleted: boolean }>(
    'SELECT project_id, name, deleted FROM project',
  );
  const tagged = new Set(
    (await context.rows<{ artifact_id: number }>('SELECT artifact_id FROM tag')).map(
      (row) => row.artifact_id,
    ),
  );
  const references = await context.rows<{ parent_id: number; child_id: number }>(
    'SELECT parent_id, child_id FROM artifact_reference',
  );
  const accessories = (
    await context.rows<{ artifact_id: string; subject_artifact_id: string }>(
      'SELECT artifact_id, subject_artifact_id FROM artifact_accessory',
    )
  ).map((row) => ({ artifact: Number(row.artifact_id), subject: Number(row.subject_artifact_id) }));
  const links = await context.rows<{ digest_af: string; digest_blob: string }>(
    'SELECT digest_af, digest_blob FROM artifact_blob',
  );
  const blobs = await context.rows<{ digest: string; size: string; content_type: string }>(
    'SELECT digest, size, content_type FROM blob',
  );
  const now = Date.now() / 1000;

  const byId = new Map(artifacts.map((artifact) => [artifact.id, artifact]));
  const blobSize = new Map(
    blobs
      .filter((blob) => blob.content_type !== FOREIGN_LAYER_TYPE)
      .map((blob) => [blob.digest, Number(blob.size)]),
  );
  const blobsOf = new Map<string, string[]>();
  for (const link of links)
    blobsOf.set(link.digest_af, [...(blobsOf.get(link.digest_af) ?? []), link.digest_blob]);
  const children = new Set(references.map((row) => row.child_id));
  const accessoryIds = new Set(accessories.map((row) => row.artifact));
  const roots = artifacts.filter((artifact) => !children.has(artifact.id) && !accessoryIds.has(artifact.id));

  const live = new Map(projects.filter((p) => !p.deleted).map((p) => [p.project_id, p.name]));
  const key = (project: string, bucket: number) => `${project}|${bucket}`;
  const untagged = new Map<string, { artifacts: number; bytes: number }>();
  const unpulled = new Map<string, { artifacts: number; bytes: number }>();
  for (const name of live.values()) {
    untagged.set(name, { artifacts: 0, bytes: 0 });
    for (const age of days) unpulled.set(key(name, age), { artifacts: 0, bytes: 0 });
  }
  // Per project and blob: whether every root referring to it is untagged, and the least idle of them.
  const blobUse = new Map<string, { size: number; untagged: boolean; idle: number; project: number }>();
  for (const root of roots) {
    const members = [
      root,
      ...references.filter((row) => row.parent_id === root.id).map((row) => byId.get(row.child_id)!),
      ...accessories.filter((row) => row.subject === root.id).map((row) => byId.get(row.artifact)!),
    ];
    // Accessories of the children (a signature of one platform's image) go with the index too.
    const childIds = new Set(members.slice(1).map((member) => member.id));
    members.push(
      ...accessories
        .filter((row) => childIds.has(row.subject) && !members.some((member) => member.id === row.artifact))
        .map((row) => byId.get(row.artifact)!),
    );
    const used = Math.max(
      ...members.flatMap((member) =>
        [member.push_time, member.pull_time].filter((time) => time !== null).map((time) => utcSeconds(time!)),
      ),
    );
    const idle = (now - used) / 86_400;
    const isUntagged = !tagged.has(root.id);
    const project = live.get(root.project_id);
    if (project !== undefined) {
      if (isUntagged) untagged.get(project)!.artifacts++;
      for (const age of days) if (idle >= age) unpulled.get(key(project, age))!.artifacts++;
    }
    for (const member of members) {
      for (const digest of blobsOf.get(member.digest) ?? []) {
        const size = blobSize.get(digest);
        if (size === undefined) continue;
        const useKey = `${root.project_id}|${digest}`;
        const use = blobUse.get(useKey);
        if (!use) blobUse.set(useKey, { size, untagged: isUntagged, idle, project: root.project_id });
        else {
          use.untagged &&= isUntagged;
          use.idle = Math.min(use.idle, idle);
        }
      }
    }
  }
  for (const use of blobUse.values()) {
    const project = live.get(use.project);
    if (project === undefined) continue;
    if (use.untagged) untagged.get(project)!.bytes += use.size;
    for (const age of days) if (use.idle >= age) unpulled.get(key(project, age))!.bytes += use.size;
  }

  const existing = new Set(artifacts.map((artifact) => artifact.digest));
  const referenced = new Set(
    links.filter((link) => existing.has(link.digest_af)).map((link) => link.digest_blob),
  );
  const unreferenced = { blobs: 0, bytes: 0 };
  for (const [digest, size] of blobSize) {
    if (referenced.has(digest)) continue;
    unreferenced.blobs++;
    unreferenced.bytes += size;
  }
  return { untagged, unpulled, unreferenced };
}

forEachRelease('reclaimable collector', { repositories: 80, seed: 31, now: new Date() }, (context) => {
  it('publishes what GC and age limits would reclaim, per project, equal to an independent count', async () => {
    const days = [7, 30, 90];
    const points = await context.collect(reclaimableCollector, ['--reclaimable.unpulled-days=90,7,30']);
    const want = await expected(context, days);

    const untaggedArtifacts = valuesBy(points, 'harbor_project_untagged_artifacts', 'project');
    const untaggedBytes = valuesBy(points, 'harbor_project_untagged_bytes', 'project');
    assert.equal(untaggedArtifacts.size, want.untagged.size);
    for (const [project, { artifacts, bytes }] of want.untagged) {
      assert.equal(untaggedArtifacts.get(project), artifacts, project);
      assert.equal(untaggedBytes.get(project), bytes, project);
    }
    const unpulledArtifacts = valuesBy(points, 'harbor_project_unpulled_artifacts', 'project', 'days');
    const unpulledBytes = valuesBy(points, 'harbor_project_unpulled_bytes', 'project', 'days');
    assert.equal(unpulledArtifacts.size, want.unpulled.size);
    for (const [key, { artifacts, bytes }] of want.unpulled) {
      assert.equal(unpulledArtifacts.get(key), artifacts, key);
      assert.equal(unpulledBytes.get(key), bytes, key);
    }
    assert.equal(valuesBy(points, 'harbor_storage_unreferenced_blobs').get(''), want.unreferenced.blobs);
    assert.equal(valuesBy(points, 'harbor_storage_unreferenced_blob_bytes').get(''), want.unreferenced.bytes);

    // The fixture exercises every case.
    const total = (values: Iterable<{ artifacts: number; bytes: number }>) =>
      [...values].reduce(
        (sum, value) => ({ artifacts: sum.artifacts + value.artifacts, bytes: sum.bytes + value.bytes }),
        {
          artifacts: 0,
          bytes: 0,
        },
      );
    assert.ok(total(want.untagged.values()).bytes > 0, 'untagged artifacts hold bytes of their own');
    assert.ok(want.unreferenced.blobs > 0, 'some blobs are unreferenced');
    const byAge = days.map((age) =>
      total([...want.unpulled].filter(([key]) => key.endsWith(`|${age}`)).map(([, value]) => value)),
    );
    assert.ok(byAge[0]!.artifacts > byAge[1]!.artifacts && byAge[1]!.artifacts > byAge[2]!.artifacts);
    assert.ok(byAge[2]!.artifacts > 0);
  });

  it('leaves accessories and index children out of the untagged count', async () => {
    const { rows } = await context.db.admin.query<{
      untagged_accessories: string;
      untagged_children: string;
    }>(
      `SELECT (SELECT count(*) FROM artifact_accessory aa WHERE NOT EXISTS (SELECT 1 FROM tag WHERE tag.artifact_id = aa.artifact_id)) AS untagged_accessories,
              (SELECT count(DISTINCT child_id) FROM artifact_reference r WHERE NOT EXISTS (SELECT 1 FROM tag WHERE tag.artifact_id = r.child_id)) AS untagged_children`,
    );
    assert.ok(Number(rows[0]!.untagged_accessories) > 0 && Number(rows[0]!.untagged_children) > 0);
    const points = await context.collect(reclaimableCollector);
    const published = [...valuesBy(points, 'harbor_project_untagged_artifacts', 'project').values()].reduce(
      (sum, value) => sum + value,
      0,
    );
    const { rows: all } = await context.db.admin.query<{ untagged: string }>(
      `SELECT count(*) AS untagged FROM artifact a JOIN project p ON p.project_id = a.project_id AND NOT p.deleted
       WHERE NOT EXISTS (SELECT 1 FROM tag WHERE tag.artifact_id = a.id)`,
    );
    assert.equal(
      published,
      Number(all[0]!.untagged) - Number(rows[0]!.untagged_accessories) - Number(rows[0]!.untagged_children),
    );
  });
});

it('refuses more than 5 ages, or one that is not a whole number of days, naming the setting', () => {
  assert.throws(
    () => testConfig(['--reclaimable.unpulled-days=1,2,3,4,5,6']),
    /reclaimable\.unpulled-days.*at most 5/,
  );
  assert.throws(
    () => testConfig(['--reclaimable.unpulled-days=30d']),
    /reclaimable\.unpulled-days.*whole number/,
  );
  assert.deepEqual(testConfig(['--reclaimable.unpulled-days=90,30,30']).unpulledDays, [30, 90]);
});
