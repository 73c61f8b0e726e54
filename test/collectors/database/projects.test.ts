import assert from 'node:assert/strict';
import { it } from 'node:test';
import { FOREIGN_LAYER_TYPE, projectsCollector } from '../../../src/collectors/database/projects.js';
import { pointValue } from '../../harness/exporter.js';
import { countBy, forEachRelease, sumBy, valuesBy } from './releases.js';

interface ProjectRow {
  project_id: number;
  name: string;
  deleted: boolean;
  public: string | null;
}

forEachRelease('projects collector', { repositories: 45, seed: 3 }, (context) => {
  const liveProjects = async () => {
    const rows = await context.rows<ProjectRow>(
      `SELECT p.project_id, p.name, p.deleted, m.value AS public
       FROM project p LEFT JOIN project_metadata m ON m.project_id = p.project_id AND m.name = 'public'`,
    );
    assert.ok(
      rows.some((row) => row.deleted),
      'the fixture holds a deleted project',
    );
    return rows.filter((row) => !row.deleted);
  };

  it('counts live projects and their repositories by visibility', async () => {
    const points = await context.collect(projectsCollector);
    const live = await liveProjects();
    const repositories = await context.rows<{ project_id: number }>('SELECT project_id FROM repository');
    const isPublic = new Map(live.map((project) => [project.project_id, project.public === 'true']));
    const publicProjects = live.filter((project) => project.public === 'true').length;
    const publicRepositories = repositories.filter((row) => isPublic.get(row.project_id) === true).length;
    const privateRepositories = repositories.filter((row) => isPublic.get(row.project_id) === false).length;
    assert.equal(pointValue(points, 'harbor_projects', { visibility: 'public' }), publicProjects);
    assert.equal(
      pointValue(points, 'harbor_projects', { visibility: 'private' }),
      live.length - publicProjects,
    );
    assert.equal(pointValue(points, 'harbor_repositories', { visibility: 'public' }), publicRepositories);
    assert.equal(pointValue(points, 'harbor_repositories', { visibility: 'private' }), privateRepositories);
  });

  it('counts repositories and members per project, deleted projects left out', async () => {
    await context.db.admin.query(
      `INSERT INTO project (owner_id, name) VALUES (1, 'empty-${context.release}') ON CONFLICT DO NOTHING`,
    );
    const points = await context.collect(projectsCollector);
    const live = await liveProjects();
    const repositories = countBy(
      await context.rows<{ project_id: number }>('SELECT project_id FROM repository'),
      (row) => String(row.project_id),
    );
    const members = countBy(
      await context.rows<{ project_id: number }>('SELECT project_id FROM project_member'),
      (row) => String(row.project_id),
    );
    const published = valuesBy(points, 'harbor_project_repositories', 'project');
    assert.equal(published.size, live.length);
    for (const project of live) {
      const id = String(project.project_id);
      assert.equal(published.get(project.name), repositories.get(id) ?? 0, project.name);
      assert.equal(
        pointValue(points, 'harbor_project_members', { project: project.name }),
        members.get(id) ?? 0,
      );
    }
    assert.equal(
      pointValue(points, 'harbor_project_repositories', { project: `empty-${context.release}` }),
      0,
    );
  });

  it('counts artifacts per project and type', async () => {
    const points = await context.collect(projectsCollector);
    const live = new Map((await liveProjects()).map((project) => [project.project_id, project.name]));
    const artifacts = await context.rows<{ project_id: number; type: string }>(
      'SELECT project_id, type FROM artifact',
    );
    const expected = countBy(
      artifacts.filter((row) => live.has(row.project_id)),
      (row) => `${live.get(row.project_id)}|${row.type}`,
    );
    assert.ok(expected.size > live.size, 'projects hold artifacts of several types');
    assert.deepEqual(valuesBy(points, 'harbor_project_artifacts', 'project', 'type'), expected);
  });

  it('sums each project blob once, foreign layers left out, as the quota counts storage', async () => {
    const points = await context.collect(projectsCollector);
    const live = await liveProjects();
    const blobs = new Map(
      (
        await context.rows<{ id: number; size: string; content_type: string }>(
          'SELECT id, size, content_type FROM blob',
        )
      ).map((blob) => [blob.id, blob]),
    );
    const projectBlobs = await context.rows<{ project_id: number; blob_id: number }>(
      'SELECT project_id, blob_id FROM project_blob',
    );
    assert.ok(
      [...blobs.values()].some((blob) => blob.content_type === FOREIGN_LAYER_TYPE),
      'the fixture holds foreign layers',
    );
    const storage = sumBy(
      projectBlobs.filter((row) => blobs.get(row.blob_id)!.content_type !== FOREIGN_LAYER_TYPE),
      (row) => String(row.project_id),
      (row) => Number(blobs.get(row.blob_id)!.size),
    );
    for (const project of live) {
      assert.equal(
        pointValue(points, 'harbor_project_storage_bytes', { project: project.name }),
        storage.get(String(project.project_id)) ?? 0,
        project.name,
      );
    }
  });

  it('publishes quota limits and usage, and no limit as unlimited rather than -1', async () => {
    const points = await context.collect(projectsCollector);
    const live = await liveProjects();
    const hard = new Map(
      (
        await context.rows<{ reference_id: string; hard: { storage: number } }>(
          `SELECT reference_id, hard FROM quota WHERE reference = 'project'`,
        )
      ).map((row) => [row.reference_id, row.hard.storage]),
    );
    const used = new Map(
      (
        await context.rows<{ reference_id: string; used: { storage: number } }>(
          `SELECT reference_id, used FROM quota_usage WHERE reference = 'project'`,
        )
      ).map((row) => [row.reference_id, row.used.storage]),
    );
    let unlimited = 0;
    for (const project of live) {
      const limit = hard.get(String(project.project_id));
      const attributes = { project: project.name };
      if (limit === undefined) {
        assert.equal(pointValue(points, 'harbor_project_quota_unlimited', attributes), undefined);
        continue;
      }
      assert.equal(pointValue(points, 'harbor_project_quota_unlimited', attributes), limit === -1 ? 1 : 0);
      assert.equal(
        pointValue(points, 'harbor_project_quota_limit_bytes', attributes),
        limit === -1 ? undefined : limit,
      );
      assert.equal(
        pointValue(points, 'harbor_project_quota_used_bytes', attributes),
        used.get(String(project.project_id)),
      );
      if (limit === -1) unlimited++;
    }
    assert.ok(unlimited > 0, 'the fixture holds a project without limit');
    assert.ok(
      (points.get('harbor_project_quota_limit_bytes') ?? []).every((point) => point.value >= 0),
      'no negative limit is published',
    );
  });
});
