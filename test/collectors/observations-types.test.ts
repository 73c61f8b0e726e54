import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Observations } from '../../src/collectors/observations.js';

// The catalog types what a collector adds: each @ts-expect-error below fails `npm run typecheck` if the line
// it marks compiles, and at run time the same calls throw, the catalog checked again.

it('refuses a name that is not in the catalog, at compile time and at run time', () => {
  const out = new Observations('projects');
  // @ts-expect-error: not a catalog metric
  assert.throws(() => out.add('harbor_project_repository', 1, { project: 'library' }), /not in the catalog/);
  // @ts-expect-error: not a catalog metric
  assert.throws(() => out.series('harbor_projectz'), /not in the catalog/);
});

it('refuses a missing, an extra or a misnamed attribute, at compile time and at run time', () => {
  const out = new Observations('projects');
  // @ts-expect-error: harbor_project_repositories takes a project
  assert.throws(() => out.add('harbor_project_repositories', 1), /takes attributes \[project\]/);
  // @ts-expect-error: harbor_project_repositories takes a project, not a repository
  assert.throws(() => out.add('harbor_project_repositories', 1, { repository: 'a' }), /takes attributes/);
  assert.throws(
    // @ts-expect-error: harbor_project_artifacts takes a type as well
    () => out.series('harbor_project_artifacts')(1, { project: 'library' }),
    /takes attributes \[project, type\]/,
  );
  const extra = { project: 'library', visibility: 'public' };
  // An object that is not a literal may carry more properties than the type names; the run-time check sees them.
  assert.throws(() => out.add('harbor_project_repositories', 1, extra), /takes attributes/);
  // @ts-expect-error: harbor_healthy has no attributes
  assert.throws(() => new Observations('health').add('harbor_healthy', 1, { component: 'core' }), /takes/);
});

it('accepts the catalog name with exactly its attributes', () => {
  const out = new Observations('projects');
  out.add('harbor_project_repositories', 3, { project: 'library' });
  out.series('harbor_project_artifacts')(2, { project: 'library', type: 'IMAGE' });
  new Observations('health').add('harbor_healthy', 1);
  assert.equal(out.size, 2);
});
