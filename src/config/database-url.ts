import { ConfigError } from './errors.js';
import type { ResolvedSetting, SettingValue } from './load.js';

/** The application_name of every exporter session, by which Harbor's operators tell them apart. */
export const APPLICATION_NAME = 'harbor-exporter';

/**
 * The libpq parameters database.url may carry, each standing for a discrete setting. Others are refused rather
 * than ignored: `options` could undo the read-only session, client certificates are not supported, and an
 * operator who wrote one expects it to work.
 */
const parameterSettings: Readonly<
  Record<string, { key: string; text: (value: string) => string | undefined }>
> = {
  sslmode: { key: 'database.sslmode', text: (value) => value },
  sslrootcert: { key: 'database.ca-file', text: (value) => value },
  // libpq counts whole seconds.
  connect_timeout: {
    key: 'database.connect-timeout',
    text: (value) => (/^\d+$/.test(value) ? `${value}s` : undefined),
  },
};
const accepted = [...Object.keys(parameterSettings), `application_name=${APPLICATION_NAME}`].join(', ');

/**
 * Replaces the discrete database settings with what database.url holds (host, port, user, password, database
 * name, parameters), each with the URL's origin, so that the configuration and --print-config show the values in
 * effect. `parse` checks a parameter's text as its setting would be checked.
 */
export function expandDatabaseUrl(
  values: Map<string, ResolvedSetting>,
  parse: (key: string, text: string, origin: string) => SettingValue,
): void {
  const given = values.get('database.url');
  if (given?.value === undefined) return;
  const { origin } = given;
  // Checked to parse as a postgres:// URL when it was read.
  const url = new URL(String(given.value));
  if (!url.hostname) throw new ConfigError('database.url', origin, 'has no host');
  const set = (key: string, value: SettingValue) => values.set(key, { value, origin });
  set('database.host', decodeURIComponent(url.hostname.replace(/^\[|\]$/g, '')));
  if (url.port) set('database.port', Number(url.port));
  if (url.username) set('database.user', decodeURIComponent(url.username));
  if (url.password) set('database.password', decodeURIComponent(url.password));
  if (url.pathname.length > 1) set('database.name', decodeURIComponent(url.pathname.slice(1)));

  for (const [name, text] of url.searchParams) {
    if (name === 'application_name') {
      if (text === APPLICATION_NAME) continue;
      throw new ConfigError(
        'database.url',
        origin,
        `application_name must be ${APPLICATION_NAME} (or left out): Harbor's operators find the exporter's sessions by it`,
      );
    }
    const target = parameterSettings[name];
    if (!target) {
      throw new ConfigError(
        'database.url',
        origin,
        `parameter ${name} is not supported; allowed: ${accepted}`,
      );
    }
    const settingText = target.text(text);
    if (settingText === undefined) {
      throw new ConfigError('database.url', origin, `${name} "${text}" is not a whole number of seconds`);
    }
    try {
      set(target.key, parse(target.key, settingText, origin));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      throw new ConfigError('database.url', origin, `${name} (${target.key}): ${error.problem}`);
    }
  }
}
