import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createSecureContext, type SecureContextOptions, type SecureVersion } from 'node:tls';
import { parse as parseYaml } from 'yaml';

/**
 * The web configuration file of Prometheus exporters (`--web.config.file`, the exporter-toolkit format): TLS,
 * basic auth and response headers. Read whole at start-up and again whenever one of its files changes.
 */

export const CLIENT_AUTH_TYPES = [
  'NoClientCert',
  'RequestClientCert',
  'RequireAnyClientCert',
  'VerifyClientCertIfGiven',
  'RequireAndVerifyClientCert',
] as const;
export type ClientAuthType = (typeof CLIENT_AUTH_TYPES)[number];

export interface WebTlsConfig {
  /** Certificate, key, client CA and versions, as Node's TLS server takes them; checked when read. */
  options: SecureContextOptions;
  clientAuthType: ClientAuthType;
  /** A client certificate must name one of these (DNS, IP, e-mail or URI), when set. */
  clientAllowedSans: readonly string[];
}

export interface WebConfig {
  tls?: WebTlsConfig;
  /** User name to bcrypt hash; empty when no basic auth is asked for. */
  basicAuthUsers: ReadonlyMap<string, string>;
  /** Response headers from `http_server_config.headers`. */
  headers: Readonly<Record<string, string>>;
  /** The configuration file and every file it names, for watching. */
  files: readonly string[];
}

/** A web configuration that cannot be used; the message says which field and why. */
export class WebConfigError extends Error {
  override name = 'WebConfigError';
}

const TLS_VERSIONS: Record<string, SecureVersion> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
};

/** Go's curve names as OpenSSL knows them. */
const CURVES: Record<string, string> = {
  CurveP256: 'P-256',
  CurveP384: 'P-384',
  CurveP521: 'P-521',
  X25519: 'X25519',
};

/** The headers the format allows, with the values it allows (undefined: any). */
const ALLOWED_HEADERS: Record<string, readonly string[] | undefined> = {
  'Content-Security-Policy': undefined,
  'X-Frame-Options': ['deny', 'sameorigin'],
  'X-Content-Type-Options': ['nosniff'],
  'X-XSS-Protection': undefined,
  'Strict-Transport-Security': undefined,
};

const BCRYPT_HASH = /^\$2[aby]?\$\d{2}\$[./A-Za-z0-9]{53}$/;

const TOP_LEVEL = ['tls_server_config', 'http_server_config', 'basic_auth_users'];
const TLS_FIELDS = [
  'cert',
  'key',
  'client_ca',
  'cert_file',
  'key_file',
  'client_ca_file',
  'client_auth_type',
  'client_allowed_sans',
  'min_version',
  'max_version',
  'prefer_server_cipher_suites',
  'curve_preferences',
];
const HTTP_FIELDS = ['http2', 'headers'];
/** Fields of the format this exporter does not implement: refused, never silently ignored. */
const UNSUPPORTED: Record<string, string> = {
  'tls_server_config.cipher_suites': "Node's OpenSSL defaults are used; remove the field",
  rate_limit: 'limit scrapes with --web.max-connections instead',
};

/** Reads and checks the file; relative paths in it are relative to its own folder, as in the toolkit. */
export function readWebConfig(path: string): WebConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new WebConfigError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    const [firstLine] = (error as Error).message.split('\n');
    throw new WebConfigError(`${path} is not valid YAML: ${firstLine}`);
  }
  const root = mapping(document ?? {}, 'the file');
  checkFields(root, TOP_LEVEL, '');
  const base = dirname(path);
  const files = [path];
  const tlsSection = root.tls_server_config;
  const tls = tlsSection === undefined || tlsSection === null ? undefined : readTls(tlsSection, base, files);
  const http = mapping(root.http_server_config ?? {}, 'http_server_config');
  checkFields(http, HTTP_FIELDS, 'http_server_config.');
  if (http.http2 !== undefined && typeof http.http2 !== 'boolean')
    throw new WebConfigError('http_server_config.http2 must be true or false');
  return {
    tls,
    basicAuthUsers: readUsers(root.basic_auth_users),
    headers: readHeaders(http.headers),
    files,
  };
}

function readTls(section: unknown, base: string, files: string[]): WebTlsConfig {
  const tls = mapping(section, 'tls_server_config');
  checkFields(tls, TLS_FIELDS, 'tls_server_config.');
  const pem = (inline: string, file: string, required: boolean): string | undefined => {
    const text = optionalString(tls[inline], `tls_server_config.${inline}`);
    const path = optionalString(tls[file], `tls_server_config.${file}`);
    if (text && path) throw new WebConfigError(`tls_server_config: give ${inline} or ${file}, not both`);
    if (text) return text;
    if (!path) {
      if (required) throw new WebConfigError(`tls_server_config.${file} is missing`);
      return undefined;
    }
    const full = resolve(base, path);
    files.push(full);
    try {
      return readFileSync(full, 'utf8');
    } catch (error) {
      throw new WebConfigError(
        `tls_server_config.${file}: cannot read ${full}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
  };
  const cert = pem('cert', 'cert_file', true)!;
  const key = pem('key', 'key_file', true)!;
  const clientCa = pem('client_ca', 'client_ca_file', false);

  const clientAuthType = (optionalString(tls.client_auth_type, 'tls_server_config.client_auth_type') ??
    'NoClientCert') as ClientAuthType;
  if (!CLIENT_AUTH_TYPES.includes(clientAuthType)) {
    throw new WebConfigError(
      `tls_server_config.client_auth_type "${clientAuthType}" is not one of ${CLIENT_AUTH_TYPES.join(', ')}`,
    );
  }
  const verifies =
    clientAuthType === 'VerifyClientCertIfGiven' || clientAuthType === 'RequireAndVerifyClientCert';
  if (verifies && !clientCa) {
    throw new WebConfigError(`tls_server_config: client_auth_type ${clientAuthType} needs client_ca_file`);
  }
  if (clientCa && clientAuthType === 'NoClientCert') {
    throw new WebConfigError('tls_server_config: client_ca_file is set but client_auth_type is NoClientCert');
  }
  const clientAllowedSans = stringList(tls.client_allowed_sans, 'tls_server_config.client_allowed_sans');
  if (
    clientAllowedSans.length > 0 &&
    clientAuthType !== 'RequireAnyClientCert' &&
    clientAuthType !== 'RequireAndVerifyClientCert'
  ) {
    throw new WebConfigError(
      'tls_server_config.client_allowed_sans needs client_auth_type RequireAnyClientCert or RequireAndVerifyClientCert',
    );
  }
  const version = (field: string, fallback: string): SecureVersion => {
    const name = optionalString(tls[field], `tls_server_config.${field}`) ?? fallback;
    const version = TLS_VERSIONS[name];
    if (!version) {
      throw new WebConfigError(
        `tls_server_config.${field} "${name}" is not one of ${Object.keys(TLS_VERSIONS).join(', ')}`,
      );
    }
    return version;
  };
  const minVersion = version('min_version', 'TLS12');
  const maxVersion = version('max_version', 'TLS13');
  const curves = stringList(tls.curve_preferences, 'tls_server_config.curve_preferences').map((curve) => {
    const known = CURVES[curve];
    if (!known) {
      throw new WebConfigError(
        `tls_server_config.curve_preferences: "${curve}" is not one of ${Object.keys(CURVES).join(', ')}`,
      );
    }
    return known;
  });
  const preferServer = tls.prefer_server_cipher_suites ?? true;
  if (typeof preferServer !== 'boolean')
    throw new WebConfigError('tls_server_config.prefer_server_cipher_suites must be true or false');

  const options: SecureContextOptions = {
    cert,
    key,
    ca: clientCa,
    minVersion,
    maxVersion,
    honorCipherOrder: preferServer,
    ...(curves.length > 0 ? { ecdhCurve: curves.join(':') } : {}),
  };
  try {
    createSecureContext(options);
  } catch (error) {
    throw new WebConfigError(
      `tls_server_config: the certificate, key or client CA cannot be used: ${(error as Error).message}`,
    );
  }
  return { options, clientAuthType, clientAllowedSans };
}

function readUsers(section: unknown): Map<string, string> {
  const users = new Map<string, string>();
  if (section === undefined || section === null) return users;
  for (const [user, hash] of Object.entries(mapping(section, 'basic_auth_users'))) {
    if (typeof hash !== 'string' || !BCRYPT_HASH.test(hash)) {
      throw new WebConfigError(
        `basic_auth_users.${user} is not a bcrypt hash (e.g. from htpasswd -nBC 10 "")`,
      );
    }
    if (user.includes(':')) throw new WebConfigError(`basic_auth_users: "${user}" contains ":"`);
    users.set(user, hash);
  }
  return users;
}

function readHeaders(section: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  if (section === undefined || section === null) return headers;
  for (const [name, value] of Object.entries(mapping(section, 'http_server_config.headers'))) {
    const canonical = Object.keys(ALLOWED_HEADERS).find(
      (allowed) => allowed.toLowerCase() === name.toLowerCase(),
    );
    if (!canonical) {
      throw new WebConfigError(
        `http_server_config.headers: ${name} cannot be set; allowed are ${Object.keys(ALLOWED_HEADERS).join(', ')}`,
      );
    }
    const text = optionalString(value, `http_server_config.headers.${name}`) ?? '';
    const allowedValues = ALLOWED_HEADERS[canonical];
    if (text !== '' && allowedValues && !allowedValues.includes(text.toLowerCase())) {
      throw new WebConfigError(
        `http_server_config.headers.${canonical} "${text}" is not one of ${allowedValues.join(', ')}`,
      );
    }
    if (text !== '') headers[canonical] = text;
  }
  return headers;
}

function mapping(node: unknown, what: string): Record<string, unknown> {
  if (typeof node !== 'object' || node === null || Array.isArray(node))
    throw new WebConfigError(`${what} must be a mapping`);
  return node as Record<string, unknown>;
}

function checkFields(node: Record<string, unknown>, known: readonly string[], prefix: string): void {
  for (const field of Object.keys(node)) {
    const unsupported = UNSUPPORTED[prefix + field];
    if (unsupported) throw new WebConfigError(`${prefix}${field} is not supported: ${unsupported}`);
    if (!known.includes(field)) throw new WebConfigError(`${prefix}${field} is not a known field`);
  }
}

function optionalString(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new WebConfigError(`${what} must be a string`);
  return value === '' ? undefined : value;
}

function stringList(value: unknown, what: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string'))
    throw new WebConfigError(`${what} must be a list of strings`);
  return value as string[];
}
