import type { V1Pod } from '@kubernetes/client-node';
import type { HarborPods } from '../../sources/kubernetes/kubernetes-source.js';
import { collector } from '../types.js';

/** Components of goharbor/harbor-helm (label `component`); others the release runs are reported too. */
export const HARBOR_COMPONENTS = [
  'core',
  'jobservice',
  'registry',
  'portal',
  'database',
  'redis',
  'trivy',
  'exporter',
] as const;

interface ComponentPods {
  pods: number;
  ready: number;
  restarts: number;
}

export const podsCollector = collector<HarborPods>({
  name: 'pods',
  source: 'kubernetes',
  defaultEnabled: true,
  help: "Harbor's pods per component (core, jobservice, registry, portal, database, redis, trivy, exporter): running, ready, restarts.",
  async collect({ client, out }) {
    const seenComponents = client.componentsSeen;
    const byComponent = new Map<string, ComponentPods>();
    for (const pod of client.releasePods()) {
      const component = pod.metadata?.labels?.component;
      if (!component || pod.metadata?.deletionTimestamp || isFinished(pod)) continue;
      seenComponents.add(component);
      const figures = byComponent.get(component) ?? { pods: 0, ready: 0, restarts: 0 };
      figures.pods++;
      if (
        pod.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True')
      )
        figures.ready++;
      for (const container of pod.status?.containerStatuses ?? []) figures.restarts += container.restartCount;
      byComponent.set(component, figures);
    }
    for (const component of [...seenComponents].sort(byKnownOrder)) {
      const figures = byComponent.get(component) ?? { pods: 0, ready: 0, restarts: 0 };
      out.add('harbor_kubernetes_pods', figures.pods, { component });
      out.add('harbor_kubernetes_pods_ready', figures.ready, { component });
      out.add('harbor_kubernetes_container_restarts', figures.restarts, { component });
    }
  },
});

function isFinished(pod: V1Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

function byKnownOrder(a: string, b: string): number {
  const rank = (component: string) => {
    const index = (HARBOR_COMPONENTS as readonly string[]).indexOf(component);
    return index === -1 ? HARBOR_COMPONENTS.length : index;
  };
  return rank(a) - rank(b) || a.localeCompare(b);
}
