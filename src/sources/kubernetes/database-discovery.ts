import type { DatabaseSettings, ExporterConfig } from '../../config/config.js';
import { settings as settingSpecs } from '../../config/settings.js';
import type { Logger } from '../../log.js';
import type { DatabaseSettingsProvider } from '../postgres/database-source.js';
import type { HarborCoreObjects } from './core-objects.js';
import { DiscoveredValue } from './discovered-value.js';
import type { KubernetesApi } from './kubernetes-api.js';

const SSL_MODES: readonly string[] = ['disable', 'require', 'verify-ca', 'verify-full'];

/**
 * Database settings found in Harbor's Helm release, re-read after the server rejected the password. What was
 * set explicitly wins: a host or URL fixes the whole connection (only a missing password is looked up), and
 * without one every discrete setting given a value other than its default wins over the ConfigMap.
 */
export class DiscoveredDatabaseSettings implements DatabaseSettingsProvider {
  private readonly discovered = new DiscoveredValue('database discovery', () => this.discover());

  constructor(
    private readonly core: HarborCoreObjects,
    private readonly api: KubernetesApi,
    private readonly config: ExporterConfig,
    private readonly log: Logger,
  ) {}

  current(): Promise<DatabaseSettings> {
    return this.discovered.current();
  }

  rejected(): void {
    if (this.discovered.held) this.log.info('database rejected the password; reading the Secrets again');
    this.discovered.forget();
  }

  private async discover(): Promise<DatabaseSettings> {
    // Discovery happens outside any one refresh: it may be abandoned only by its own timeout.
    const signal = AbortSignal.timeout(this.config.refreshTimeoutMs);
    const explicit = this.config.database;
    const defaults = this.config.databaseDefaults;
    const configMap = explicit ? {} : await this.core.configMap(signal);
    const pick = (key: string, field: keyof DatabaseSettings, found: string | undefined) =>
      isDefault(key, defaults[field]) && found ? found : defaults[field];

    const fromChart = configMap.POSTGRESQL_HOST;
    if (!explicit && !fromChart) {
      throw new Error(`ConfigMap ${this.core.fullname}-core has no POSTGRESQL_HOST`);
    }
    const sslmode =
      explicit?.sslmode ?? String(pick('database.sslmode', 'sslmode', configMap.POSTGRESQL_SSLMODE));
    if (!SSL_MODES.includes(sslmode)) {
      throw new Error(`POSTGRESQL_SSLMODE "${sslmode}" is not one of ${SSL_MODES.join(', ')}`);
    }
    const settings: DatabaseSettings = explicit
      ? { ...explicit }
      : {
          ...defaults,
          host: this.core.qualifiedHost(fromChart!),
          port: Number(pick('database.port', 'port', configMap.POSTGRESQL_PORT)),
          user: String(pick('database.user', 'user', configMap.POSTGRESQL_USERNAME)),
          database: String(pick('database.name', 'database', configMap.POSTGRESQL_DATABASE)),
          sslmode: sslmode as DatabaseSettings['sslmode'],
        };
    if (!Number.isInteger(settings.port) || settings.port < 1 || settings.port > 65535) {
      throw new Error(`POSTGRESQL_PORT "${configMap.POSTGRESQL_PORT}" is not a port`);
    }
    if (settings.password === undefined) {
      const chart = explicit ? await this.core.configMap(signal) : configMap;
      const harborUser = chart.POSTGRESQL_USERNAME ?? defaults.user;
      if (settings.user !== harborUser) {
        throw new Error(`no password for database user ${settings.user}: set database.password`);
      }
      settings.password = await this.harborPassword(fromChart ?? settings.host, signal);
    }
    this.log.info('found the database in Kubernetes', {
      host: settings.host,
      port: settings.port,
      database: settings.database,
      user: settings.user,
    });
    return settings;
  }

  /** Harbor's own database password, from where the chart puts it. */
  private async harborPassword(host: string, signal: AbortSignal): Promise<string> {
    const fullname = this.core.fullname;
    // An external database's existingSecret reaches core through a secretKeyRef that overrides the Secret.
    const reference = await this.core.secretReference('POSTGRESQL_PASSWORD', signal);
    if (reference) {
      const password = (await this.api.readSecret(reference.name, signal))[reference.key];
      if (password) return password;
      throw new Error(`Secret ${reference.name} has no key ${reference.key}`);
    }
    const fromCore = (await this.core.secret(signal)).POSTGRESQL_PASSWORD;
    if (fromCore) return fromCore;
    if (host === `${fullname}-database`) {
      const internal = (await this.api.readSecret(`${fullname}-database`, signal)).POSTGRES_PASSWORD;
      if (internal) return internal;
    }
    throw new Error(`no database password in Secret ${fullname}-core nor in the core pod's environment`);
  }
}

/** Whether a discrete setting still has its default value, so that a discovered value may replace it. */
function isDefault(key: string, value: unknown): boolean {
  const spec = settingSpecs.find((candidate) => candidate.key === key);
  return spec?.default === undefined ? value === undefined || value === '' : String(value) === spec.default;
}
