import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectorSwitches } from '../../src/wiring.js';
import { buildConfig, type ExporterConfig } from '../../src/config/config.js';
import { ConfigError } from '../../src/config/errors.js';
import { loadSettings, type ParsedInvocation } from '../../src/config/load.js';

/** A folder for the files a configuration test writes; `remove` deletes it. */
export function scratchFolder(name: string) {
  const dir = mkdtempSync(join(tmpdir(), `harbor-exporter-${name}-`));
  let files = 0;
  return {
    dir,
    write(text: string, fileName = `file-${++files}`): string {
      const path = join(dir, fileName);
      writeFileSync(path, text);
      return path;
    },
    /** A self-signed PEM certificate made with openssl, as an operator's CA bundle would be. */
    certificate(): string {
      const path = join(dir, `ca-${++files}.pem`);
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=harbor-exporter-test-ca',
          '-keyout',
          join(dir, `ca-${files}.key`),
          '-out',
          path,
        ],
        { stdio: 'ignore' },
      );
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function parse(argv: readonly string[], env: NodeJS.ProcessEnv = {}): ParsedInvocation {
  return loadSettings(argv, env, collectorSwitches());
}

export function config(argv: readonly string[], env: NodeJS.ProcessEnv = {}): ExporterConfig {
  return buildConfig(parse(argv, env));
}

/** The ConfigError that `run` throws; fails the test when it throws nothing or something else. */
export function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
