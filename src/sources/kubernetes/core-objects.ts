import { isIP } from 'node:net';
import type { KubernetesApi } from './kubernetes-api.js';
import { releasePodSelector } from './release.js';

/**
 * Harbor core's configuration as the chart writes it: ConfigMap and Secret `<fullname>-core`, and the
 * secretKeyRef env entries of the core pod, which override the Secret's keys (explicit env wins over envFrom).
 */
export class HarborCoreObjects {
  constructor(private readonly api: KubernetesApi) {}

  get fullname(): string {
    return this.api.release.fullname;
  }

  configMap(signal: AbortSignal): Promise<Record<string, string>> {
    return this.api.readConfigMap(`${this.fullname}-core`, signal);
  }

  secret(signal: AbortSignal): Promise<Record<string, string>> {
    return this.api.readSecret(`${this.fullname}-core`, signal);
  }

  /** The Secret and key the core container's variable comes from, when the chart sets it by secretKeyRef. */
  async secretReference(
    variable: string,
    signal: AbortSignal,
  ): Promise<{ name: string; key: string } | undefined> {
    const pods = await this.api.listPods(releasePodSelector(this.api.release, 'core'), signal);
    for (const pod of pods) {
      const core = pod.spec?.containers.find((container) => container.name === 'core');
      const reference = core?.env?.find((entry) => entry.name === variable)?.valueFrom?.secretKeyRef;
      if (reference?.name) return { name: reference.name, key: reference.key };
    }
    return undefined;
  }

  /** A host as Harbor's core resolves it: a bare service name lives in Harbor's namespace. */
  qualifiedHost(host: string): string {
    if (host.includes('.') || isIP(host) !== 0 || host === 'localhost') return host;
    return `${host}.${this.api.release.namespace}.svc`;
  }
}
