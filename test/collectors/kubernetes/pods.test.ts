import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { podsCollector } from '../../../src/collectors/kubernetes/pods.js';
import { KubernetesApi } from '../../../src/sources/kubernetes/kubernetes-api.js';
import { KubernetesSource } from '../../../src/sources/kubernetes/kubernetes-source.js';
import { collectOnce, pointValue } from '../../harness/exporter.js';
import { harborPod, type PodOptions } from '../../harness/fake-kubernetes/harbor-chart.js';
import { FakeKubernetes } from '../../harness/fake-kubernetes/server.js';

const namespace = 'harbor';
const release = { namespace, release: 'hub', fullname: 'hub-harbor' };

describe('pods collector', () => {
  let fake: FakeKubernetes;
  let source: KubernetesSource;
  const pod = (component: string, name: string, extra: Partial<PodOptions> = {}) =>
    harborPod({ namespace, release: 'hub', component, name, ...extra });

  before(async () => {
    fake = await FakeKubernetes.start();
    source = new KubernetesSource(new KubernetesApi(fake.kubeConfig(), release));
  });
  after(() => fake.close());

  const figures = (points: Awaited<ReturnType<typeof collectOnce>>, component: string) => ({
    pods: pointValue(points, 'harbor_kubernetes_pods', { component }),
    ready: pointValue(points, 'harbor_kubernetes_pods_ready', { component }),
    restarts: pointValue(points, 'harbor_kubernetes_container_restarts', { component }),
  });

  it("counts only this release's pods, per component, from one list call with its selector", async () => {
    fake.pods = [
      pod('trivy', 'hub-harbor-trivy-0', { restarts: { trivy: 4 } }),
      pod('trivy', 'hub-harbor-trivy-1', { phase: 'Pending', ready: false }),
      pod('redis', 'hub-harbor-redis-0'),
      pod('exporter', 'hub-harbor-exporter-1', { ready: false, restarts: { exporter: 12 } }),
      harborPod({ namespace, release: 'other', component: 'trivy', name: 'other-trivy-0' }),
      harborPod({ namespace: 'elsewhere', release: 'hub', component: 'trivy', name: 'hub-trivy-x' }),
    ];
    fake.requests.length = 0;
    const points = await collectOnce(source, podsCollector);
    assert.deepEqual(figures(points, 'trivy'), { pods: 2, ready: 1, restarts: 4 });
    assert.deepEqual(figures(points, 'redis'), { pods: 1, ready: 1, restarts: 0 });
    assert.deepEqual(figures(points, 'exporter'), { pods: 1, ready: 0, restarts: 12 });
    assert.equal(points.get('harbor_kubernetes_pods')!.length, 3);
    assert.deepEqual(
      fake.requests.map((request) => [request.verb, request.resource, request.labelSelector]),
      [['list', 'pods', 'app=harbor,release=hub']],
    );
  });

  it('keeps a component whose pods all went away at zero, and never invents one it never saw', async () => {
    fake.pods = [pod('redis', 'hub-harbor-redis-0')];
    const points = await collectOnce(source, podsCollector);
    assert.deepEqual(figures(points, 'trivy'), { pods: 0, ready: 0, restarts: 0 });
    assert.deepEqual(figures(points, 'redis'), { pods: 1, ready: 1, restarts: 0 });
    assert.equal(pointValue(points, 'harbor_kubernetes_pods', { component: 'database' }), undefined);
  });

  it('fails with the refusal when the list is refused', async () => {
    fake.refusals = [{ status: 403, resource: 'pods' }];
    try {
      await assert.rejects(
        collectOnce(source, podsCollector),
        /answered 403 to list pods -l app=harbor,release=hub/,
      );
    } finally {
      fake.refusals = [];
    }
  });
});
