import type { KubeConfig } from '@kubernetes/client-node';
import type { KubernetesSettings } from '../../config/config.js';
import type { HarborRelease } from './api-calls.js';

/**
 * The Harbor release to read: the namespace set, else the kubeconfig context's (in a pod: the service account's
 * namespace file), else `default`; the chart's full name as goharbor/harbor-helm derives it from the release name.
 */
export function harborRelease(settings: KubernetesSettings, kubeConfig: KubeConfig): HarborRelease {
  const context = kubeConfig.getContextObject(kubeConfig.getCurrentContext());
  const namespace = settings.namespace || context?.namespace?.trim() || 'default';
  const release = settings.release;
  const fullname = settings.fullname || (release.includes('harbor') ? release : `${release}-harbor`);
  return { namespace, release, fullname };
}

/** The label selector of the release's pods, optionally of one component. */
export function releasePodSelector(release: HarborRelease, component?: string): string {
  const selector = `app=harbor,release=${release.release}`;
  return component ? `${selector},component=${component}` : selector;
}
