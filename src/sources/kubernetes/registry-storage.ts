import type { V1Pod } from '@kubernetes/client-node';
import type { RegistryStorage, RegistryStorageProbe } from '../storage/registry-storage.js';
import { dfCommand, parseDfOutput } from './df-output.js';
import type { KubernetesApi } from './kubernetes-api.js';
import { registryStorageConfig } from './registry-config.js';
import { releasePodSelector } from './release.js';

const REGISTRY_CONTAINER = 'registry';

/**
 * Registry storage of a Helm-installed Harbor: the driver from ConfigMap `<fullname>-registry`, and for
 * filesystem storage `df` run in the `registry` container of a ready registry pod, where the volume is mounted.
 */
export class KubernetesRegistryStorage implements RegistryStorageProbe {
  constructor(private readonly api: KubernetesApi) {}

  async measure(signal: AbortSignal): Promise<RegistryStorage> {
    const name = `${this.api.release.fullname}-registry`;
    const text = (await this.api.readConfigMap(name, signal))['config.yml'];
    if (!text) throw new Error(`ConfigMap ${name} has no config.yml`);
    const { driver, rootDirectory } = registryStorageConfig(text);
    if (!rootDirectory) return { driver, directory: '' };

    const pods = await this.api.listPods(releasePodSelector(this.api.release, 'registry'), signal);
    const pod = readyRegistryPod(pods);
    if (!pod) throw new Error(`no ready registry pod (of ${pods.length}) to run df in`);
    const result = await this.api.exec(pod, REGISTRY_CONTAINER, dfCommand(rootDirectory), signal);
    const stderr = result.stderr.trim();
    if (result.status.status !== 'Success') {
      const reason = result.status.message || result.status.reason || 'failed';
      throw new Error(`df in pod ${pod}: ${reason}${stderr ? `: ${stderr}` : ''}`);
    }
    try {
      return { driver, directory: rootDirectory, volume: parseDfOutput(result.stdout) };
    } catch (error) {
      throw new Error(
        `df in pod ${pod}: ${(error as Error).message}${stderr ? ` (stderr: ${stderr})` : ''}`,
        {
          cause: error,
        },
      );
    }
  }
}

/** The first (by name) running, ready, not terminating pod whose registry container is ready. */
export function readyRegistryPod(pods: readonly V1Pod[]): string | undefined {
  return pods
    .filter(
      (pod) =>
        !pod.metadata?.deletionTimestamp &&
        pod.status?.phase === 'Running' &&
        pod.status.conditions?.some(
          (condition) => condition.type === 'Ready' && condition.status === 'True',
        ) &&
        pod.status.containerStatuses?.some((status) => status.name === REGISTRY_CONTAINER && status.ready),
    )
    .map((pod) => pod.metadata!.name!)
    .sort()[0];
}
