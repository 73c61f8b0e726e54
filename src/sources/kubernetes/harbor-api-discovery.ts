import type { ExporterConfig, HarborApiSettings } from '../../config/config.js';
import type { Logger } from '../../log.js';
import type { HarborApiSettingsProvider } from '../harbor-api/harbor-api-source.js';
import type { HarborCoreObjects } from './core-objects.js';
import { DiscoveredValue } from './discovered-value.js';

/**
 * Harbor's URL and, when allowed, the admin credentials, found in the release. harbor.url wins. Inside the
 * cluster the exporter talks to the core service (CORE_URL, `http://<fullname>-core` or https with internal
 * TLS): no ingress, load balancer or public certificate in the way, and the requests stay in the cluster. Outside
 * (a kubeconfig on a workstation) service names do not resolve, so it uses EXT_ENDPOINT, Harbor's public URL.
 */
export class DiscoveredHarborApiSettings implements HarborApiSettingsProvider {
  private readonly discovered = new DiscoveredValue('Harbor API discovery', () => this.discover());

  constructor(
    private readonly core: HarborCoreObjects,
    private readonly config: ExporterConfig,
    private readonly inCluster: boolean,
    private readonly log: Logger,
  ) {}

  current(): Promise<HarborApiSettings> {
    return this.discovered.current();
  }

  rejected(): void {
    this.discovered.forget();
  }

  private async discover(): Promise<HarborApiSettings> {
    const signal = AbortSignal.timeout(this.config.refreshTimeoutMs);
    const defaults = this.config.harborDefaults;
    const url = this.config.harbor?.url ?? (await this.discoverUrl(signal));
    const settings: HarborApiSettings = { ...defaults, ...this.config.harbor, url };
    const readAdmin = this.config.kubernetes?.readAdminPassword === true;
    // The admin password is read only when asked for, and never when credentials were given.
    if (readAdmin && settings.username === undefined && settings.password === undefined) {
      const password = (await this.core.secret(signal)).HARBOR_ADMIN_PASSWORD;
      if (!password) throw new Error(`Secret ${this.core.fullname}-core has no HARBOR_ADMIN_PASSWORD`);
      settings.username = 'admin';
      settings.password = password;
    }
    this.log.info("found Harbor's URL in Kubernetes", { url: settings.url, user: settings.username });
    return settings;
  }

  private async discoverUrl(signal: AbortSignal): Promise<string> {
    const configMap = await this.core.configMap(signal);
    if (this.inCluster) {
      const core = new URL(configMap.CORE_URL || `http://${this.core.fullname}-core:80`);
      core.hostname = this.core.qualifiedHost(core.hostname);
      return core.origin;
    }
    const external = configMap.EXT_ENDPOINT;
    if (!external) throw new Error(`ConfigMap ${this.core.fullname}-core has no EXT_ENDPOINT`);
    return new URL(external).origin;
  }
}
