import type { V1Pod } from '@kubernetes/client-node';
import type { Source, SourceSession } from '../source.js';
import type { KubernetesApi } from './kubernetes-api.js';
import { releasePodSelector } from './release.js';

/** What Kubernetes collectors get: the release's pods from this refresh's single list call. */
export interface HarborPods {
  /** Throws the list call's error (status, what to check) when the API refused it. */
  releasePods(): readonly V1Pod[];
  /**
   * Components seen since start, so that one whose pods all vanished reports 0 instead of disappearing, while
   * components this release never had (an external database or Redis) stay absent.
   */
  componentsSeen: Set<string>;
}

/**
 * Kubernetes as a source: one list call per refresh for the pods of Harbor's release. A refusal does not fail
 * the session: the source still publishes harbor_kubernetes_up = 0 and the API error counter by status code
 * (which also counts the refusals met by discovery and the storage probe), and the collectors fail with the
 * error's message.
 */
export class KubernetesSource implements Source<HarborPods> {
  readonly name = 'kubernetes' as const;
  readonly concurrency = 1;
  private readonly componentsSeen = new Set<string>();

  constructor(private readonly api: KubernetesApi) {}

  async beginRefresh(signal: AbortSignal): Promise<SourceSession<HarborPods>> {
    let pods: readonly V1Pod[] = [];
    let failure: unknown;
    try {
      pods = await this.api.listPods(releasePodSelector(this.api.release), signal);
    } catch (error) {
      if (signal.aborted) throw error;
      failure = error;
    }
    return {
      client: {
        releasePods: () => {
          if (failure) throw failure;
          return pods;
        },
        componentsSeen: this.componentsSeen,
      },
      finish: (out) => {
        out.add('harbor_kubernetes_up', failure ? 0 : 1);
        for (const { verb, resource, code, count } of this.api.errors) {
          out.add('harbor_kubernetes_api_errors', count, { verb, resource, code });
        }
      },
    };
  }

  async close(): Promise<void> {}
}
