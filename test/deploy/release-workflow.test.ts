import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isRecord, readRepoFile, readYaml, repoRoot } from './repo-files.js';

/** The release workflow cannot run here: it is checked by reading it, for what a release must do. */
interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  permissions?: Record<string, string>;
  steps: Step[];
}

const workflow = readYaml('.github/workflows/release.yaml') as {
  on: { push: { tags: string[] } };
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
};
const jobs = workflow.jobs;
const steps = (job: string) => jobs[job]?.steps ?? [];
const uses = (job: string, action: string) => steps(job).find((step) => step.uses?.startsWith(`${action}@`));
const script = (job: string) =>
  steps(job)
    .flatMap((step) => step.run ?? [])
    .join('\n');

describe('release workflow', () => {
  it('runs on version tags only, read-only unless a job asks for more, every job reachable', () => {
    assert.deepEqual(workflow.on.push.tags, ['v[0-9]+.[0-9]+.[0-9]+', 'v[0-9]+.[0-9]+.[0-9]+-*']);
    assert.deepEqual(workflow.permissions, { contents: 'read' });
    for (const [name, job] of Object.entries(jobs)) {
      for (const need of [job.needs ?? []].flat()) assert.ok(jobs[need], `${name} needs unknown job ${need}`);
      for (const step of job.steps) {
        if (step.uses)
          assert.match(step.uses, /^[\w.-]+\/[\w./-]+@v\d+$/, `${name}: ${step.uses} is not pinned`);
      }
      if (name !== 'verify')
        assert.ok([job.needs ?? []].flat().includes('verify'), `${name} runs before verify`);
    }
  });

  it('checks that the tag, package.json, the chart and CHANGELOG.md agree, and runs the tests', () => {
    const verify = script('verify');
    assert.match(verify, /GITHUB_REF_NAME#v/);
    assert.match(verify, /require\("\.\/package\.json"\)\.version/);
    assert.match(verify, /appVersion: '\$version'/);
    assert.match(verify, /CHANGELOG\.md/);
    assert.match(verify, /bash \.ci\/run/);
    const chart = readRepoFile('charts/harbor-exporter/Chart.yaml');
    const version = (JSON.parse(readRepoFile('package.json')) as { version: string }).version;
    assert.match(chart, new RegExp(`^appVersion: '${version.replaceAll('.', '\\.')}'$`, 'm'));
  });

  it('builds the image for amd64 and arm64 with OCI labels, the version and revision, and pushes it', () => {
    const build = uses('image', 'docker/build-push-action');
    assert.ok(build, 'no docker/build-push-action step');
    assert.ok(uses('image', 'docker/setup-qemu-action') && uses('image', 'docker/setup-buildx-action'));
    assert.deepEqual(String(build.with!.platforms).split(','), ['linux/amd64', 'linux/arm64']);
    assert.equal(build.with!.push, true);
    assert.equal(build.with!.labels, '${{ steps.meta.outputs.labels }}');
    assert.match(String(build.with!['build-args']), /VERSION=\$\{\{ needs\.verify\.outputs\.version \}\}/);
    assert.match(String(build.with!['build-args']), /REVISION=\$\{\{ github\.sha \}\}/);
    assert.ok(uses('image', 'docker/metadata-action'));
    assert.equal(jobs.image!.permissions?.packages, 'write');
    // The build arguments are ones the Dockerfile declares and turns into OCI labels.
    const dockerfile = readRepoFile('Dockerfile');
    for (const [arg, label] of [
      ['VERSION', 'version'],
      ['REVISION', 'revision'],
    ]) {
      assert.match(dockerfile, new RegExp(`^ARG ${arg}=`, 'm'));
      assert.match(dockerfile, new RegExp(`org\\.opencontainers\\.image\\.${label}="\\$\\{${arg}\\}"`));
    }
  });

  it('lints, packages and pushes the chart as an OCI artifact', () => {
    const chart = script('chart');
    assert.match(chart, /helm lint --strict charts\/harbor-exporter/);
    assert.match(chart, /helm package charts\/harbor-exporter/);
    assert.match(chart, /helm push .*"\$CHART_REPOSITORY"/);
    assert.ok([jobs.chart!.needs].flat().includes('image'), 'the chart is published before its image');
  });

  it('publishes the npm package with provenance through trusted publishing', () => {
    assert.match(script('npm'), /npm publish --provenance --access public/);
    assert.equal(jobs.npm!.permissions?.['id-token'], 'write');
    const pkg = JSON.parse(readRepoFile('package.json')) as Record<string, unknown>;
    // Provenance is refused unless package.json names the repository the workflow runs in.
    assert.ok(
      isRecord(pkg.repository) && typeof pkg.repository.url === 'string',
      'package.json has no repository',
    );
    assert.equal(pkg.license, 'Apache-2.0');
    assert.equal(pkg.private, undefined);
  });

  it('ships a LICENSE with the Apache 2.0 text and a CHANGELOG with a section for this version', () => {
    assert.ok(existsSync(join(repoRoot, 'LICENSE')));
    assert.match(readRepoFile('LICENSE'), /Apache License\s+Version 2\.0, January 2004/);
    const changelog = readRepoFile('CHANGELOG.md');
    const version = (JSON.parse(readRepoFile('package.json')) as { version: string }).version;
    assert.match(changelog, new RegExp(`^## \\[${version.replaceAll('.', '\\.')}\\]`, 'm'));
    assert.match(changelog, /^## Versioning rules$/m);
    assert.match(changelog, /^## Upgrade notes$/m);
  });
});
