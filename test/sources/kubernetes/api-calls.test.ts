import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import {
  kubernetesApiCalls,
  roleRules,
  type HarborRelease,
} from '../../../src/sources/kubernetes/api-calls.js';
import { unlistedRequests } from '../../harness/fake-kubernetes/listed-calls.js';
import { FakeKubernetes } from '../../harness/fake-kubernetes/server.js';
import { ChartRenderer } from '../../deploy/helm-chart.js';
import { readRepoFile } from '../../deploy/repo-files.js';

const ROLE = 'charts/harbor-exporter/templates/role.yaml';
const BINDING = 'charts/harbor-exporter/templates/rolebinding.yaml';

describe("the Kubernetes API calls and the chart's Role", () => {
  const release: HarborRelease = { namespace: 'harbor', release: 'hub', fullname: 'hub-harbor' };

  it('grants exactly the listed calls, in the namespace of Harbor, for the Harbor chart it names', (t) => {
    // Rendered by the Go template engine of test/deploy/helm-chart.ts (checked further in chart-render.test.ts).
    const renderer = ChartRenderer.build();
    if (typeof renderer === 'string') {
      if (process.env.CI) assert.fail(renderer);
      t.skip(renderer.split('\n')[0]);
      return;
    }
    try {
      const { objects } = renderer.render(
        { kubernetes: { release: release.release } },
        'exporter',
        'monitoring',
      );
      const role = objects.find((object) => object.kind === 'Role')!;
      assert.equal(role.metadata.namespace, 'monitoring');
      const inHarbor = renderer.render({
        kubernetes: { release: release.release, namespace: release.namespace },
      });
      const harborRole = inHarbor.objects.find((object) => object.kind === 'Role')!;
      assert.equal(harborRole.metadata.namespace, 'harbor');
      assert.deepEqual(harborRole.rules, roleRules(release));
    } finally {
      renderer.remove();
    }
  });

  it('names the external database Secret only when known, and nothing cluster-wide', () => {
    const secrets = roleRules(release, 'pg-credentials').find((rule) => rule.resources[0] === 'secrets')!;
    assert.deepEqual(secrets.resourceNames, ['hub-harbor-core', 'hub-harbor-database', 'pg-credentials']);
    for (const call of Object.values(kubernetesApiCalls)) {
      assert.ok(
        !call.verbs.some((verb: string) => ['watch', 'update', 'patch', 'delete', '*'].includes(verb)),
      );
    }
    assert.doesNotMatch(readRepoFile(ROLE), /ClusterRole/);
  });

  it("binds the Role to the exporter's service account", () => {
    const binding = readRepoFile(BINDING);
    assert.match(binding, /kind: Role\n\s+name: \{\{ include "harbor-exporter\.fullname" \. \}\}/);
    assert.match(
      binding,
      /kind: ServiceAccount\n\s+name: \{\{ include "harbor-exporter\.serviceAccountName" \. \}\}/,
    );
    assert.match(
      readRepoFile(ROLE),
      /kind: Role\nmetadata:\n\s+name: \{\{ include "harbor-exporter\.fullname" \. \}\}/,
    );
  });
});

describe('the check that the exporter made only listed calls', () => {
  let fake: FakeKubernetes;
  const release: HarborRelease = { namespace: 'harbor', release: 'harbor', fullname: 'harbor' };

  before(async () => {
    fake = await FakeKubernetes.start();
  });
  after(() => fake.close());

  it('catches a call that is not on the list: another resource, another object, another namespace', async () => {
    const core = fake.kubeConfig().makeApiClient(CoreV1Api);
    const attempts = [
      core.readNamespacedService({ name: 'harbor-core', namespace: 'harbor' }),
      core.readNamespacedSecret({ name: 'harbor-jobservice', namespace: 'harbor' }),
      core.listNamespacedPod({ namespace: 'kube-system' }),
      core.listNamespacedSecret({ namespace: 'harbor' }),
    ];
    await Promise.allSettled(attempts);
    const unlisted = unlistedRequests(fake, release).map((request) => [
      request.verb,
      request.resource,
      request.name ?? '',
    ]);
    assert.deepEqual(unlisted, [
      ['get', 'services', 'harbor-core'],
      ['get', 'secrets', 'harbor-jobservice'],
      ['list', 'pods', ''],
      ['list', 'secrets', ''],
    ]);
  });
});
