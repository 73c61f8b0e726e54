import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { kubernetesApiCalls, type HarborRelease, type KubernetesApiCallName } from './api-calls.js';
import { describeFailure, KubernetesApiError } from './api-error.js';
import { execInContainer, type ExecResult } from './pod-exec.js';

/** Failed calls by verb, resource and code since start, for the error counter. */
export interface KubernetesApiErrorCount {
  verb: string;
  resource: string;
  code: string;
  count: number;
}

/**
 * The Kubernetes API as the exporter uses it: only the calls of api-calls.ts, only in Harbor's namespace.
 * Failures become KubernetesApiError (status, what was tried, what to check) and are counted.
 */
export class KubernetesApi {
  private readonly core: CoreV1Api;
  private readonly errorCounts = new Map<string, KubernetesApiErrorCount>();

  constructor(
    readonly kubeConfig: KubeConfig,
    readonly release: HarborRelease,
  ) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
  }

  /** A ConfigMap's data. */
  async readConfigMap(name: string, signal: AbortSignal): Promise<Record<string, string>> {
    const configMap = await this.call('readConfigMap', name, signal, () =>
      this.core.readNamespacedConfigMap({ name, namespace: this.release.namespace }),
    );
    return configMap.data ?? {};
  }

  /** A Secret's data, decoded from base64. */
  async readSecret(name: string, signal: AbortSignal): Promise<Record<string, string>> {
    const secret = await this.call('readSecret', name, signal, () =>
      this.core.readNamespacedSecret({ name, namespace: this.release.namespace }),
    );
    return Object.fromEntries(
      Object.entries(secret.data ?? {}).map(([key, value]) => [
        key,
        Buffer.from(value, 'base64').toString('utf8'),
      ]),
    );
  }

  /** Pods of Harbor's namespace matching a label selector. */
  async listPods(labelSelector: string, signal: AbortSignal): Promise<V1Pod[]> {
    const list = await this.call('listPods', `-l ${labelSelector}`, signal, () =>
      this.core.listNamespacedPod({ namespace: this.release.namespace, labelSelector }),
    );
    return list.items;
  }

  /** Runs a command in a container of a pod of Harbor's namespace. */
  exec(pod: string, container: string, command: readonly string[], signal: AbortSignal): Promise<ExecResult> {
    return this.call('execInPod', `${pod} -c ${container}`, signal, () =>
      execInContainer(
        this.kubeConfig,
        { namespace: this.release.namespace, pod, container },
        command,
        signal,
      ),
    );
  }

  get errors(): readonly KubernetesApiErrorCount[] {
    return [...this.errorCounts.values()];
  }

  private async call<Result>(
    name: KubernetesApiCallName,
    target: string,
    signal: AbortSignal,
    send: () => Promise<Result>,
  ): Promise<Result> {
    signal.throwIfAborted();
    const { verbs, resource } = kubernetesApiCalls[name];
    const verb = verbs[0];
    let aborted: (() => void) | undefined;
    // client-node takes no AbortSignal: stop waiting when the refresh is abandoned.
    const abandoned = new Promise<never>((_, reject) => {
      aborted = () => reject(signal.reason);
      signal.addEventListener('abort', aborted, { once: true });
    });
    try {
      return await Promise.race([send(), abandoned]);
    } catch (error) {
      if (signal.aborted) throw error;
      const { status, detail } = describeFailure(error);
      const failure = new KubernetesApiError(
        verb,
        resource,
        `${target} in namespace ${this.release.namespace}`,
        status,
        detail,
      );
      this.count(verb, resource, failure.code);
      throw failure;
    } finally {
      signal.removeEventListener('abort', aborted!);
    }
  }

  private count(verb: string, resource: string, code: string): void {
    const key = `${verb} ${resource} ${code}`;
    const entry = this.errorCounts.get(key) ?? { verb, resource, code, count: 0 };
    entry.count++;
    this.errorCounts.set(key, entry);
  }
}
