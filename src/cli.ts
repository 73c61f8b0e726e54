#!/usr/bin/env node
import { collectorSwitches } from './wiring.js';
import { buildConfig, type ExporterConfig } from './config/config.js';
import { helpText, printableConfig } from './config/describe.js';
import { ConfigError } from './config/errors.js';
import { loadSettings } from './config/load.js';
import { settings } from './config/settings.js';
import { Exporter } from './exporter.js';
import { readWebConfig, WebConfigError } from './server/web-config.js';
import { createLogger, errorMessage } from './log.js';
import { buildSources } from './wiring.js';
import { VERSION } from './version.js';

/**
 * Exit codes: 0 clean stop, 1 failure after start-up, 2 a bad setting or any other failure to start (the port in
 * use, a web configuration file that cannot be used, a demo that cannot start).
 */
const EXIT_RUNTIME = 1;
const EXIT_CONFIG = 2;

const switches = collectorSwitches();

/** A web configuration file that cannot be used is a bad setting. */
function asSettingError(error: unknown, origin: string): unknown {
  return error instanceof WebConfigError ? new ConfigError('web.config.file', origin, error.message) : error;
}

/** Why the listen address cannot be bound, as a bad setting; undefined for other failures. */
function listenFailure(error: unknown, config: ExporterConfig, origin: string): ConfigError | undefined {
  const problems: Record<string, string> = {
    EADDRINUSE: 'is in use',
    EADDRNOTAVAIL: 'is not an address of this host',
    EACCES: 'may not be bound by this user',
  };
  const problem = problems[(error as NodeJS.ErrnoException).code ?? ''];
  const address = `${config.listenHost || '*'}:${config.listenPort}`;
  return problem ? new ConfigError('web.listen-address', origin, `${address} ${problem}`) : undefined;
}

function hasSource(config: ExporterConfig): boolean {
  return Boolean(config.database || config.harbor || config.kubernetes || config.storageLocalPath);
}

async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let config: ExporterConfig;
  let command: 'run' | 'demo';
  let origin: (key: string) => string;
  try {
    const parsed = loadSettings(argv, env, switches);
    if (parsed.help) {
      process.stdout.write(helpText(switches, VERSION));
      return 0;
    }
    if (parsed.version) {
      process.stdout.write(`harbor-exporter ${VERSION}\n`);
      return 0;
    }
    config = buildConfig(parsed);
    origin = (key) => parsed.values.get(key)?.origin ?? 'default';
    // Checked here too, so that a bad file stops the command before a demo is started for nothing.
    try {
      if (config.webConfigFile) readWebConfig(config.webConfigFile);
    } catch (error) {
      throw asSettingError(error, origin('web.config.file'));
    }
    if (parsed.printConfig) {
      process.stdout.write(printableConfig(parsed));
      return 0;
    }
    command = parsed.command;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`harbor-exporter: ${error.message}\n`);
      return EXIT_CONFIG;
    }
    throw error;
  }

  const log = createLogger({ level: config.logLevel, format: config.logFormat });
  // `npm start` with nothing configured runs the demo; the installed command never does so silently.
  if (command === 'run' && !hasSource(config) && env.HARBOR_EXPORTER_DEMO_WHEN_UNCONFIGURED === 'true')
    command = 'demo';
  if (command === 'run' && !hasSource(config)) {
    process.stderr.write(
      'harbor-exporter: no source configured: set --database.url (or --database.host), --harbor.url, ' +
        '--kubernetes.enabled or --storage.local-path; or run `harbor-exporter demo`\n',
    );
    return EXIT_CONFIG;
  }

  let stopDemo: (() => Promise<void>) | undefined;
  if (command === 'demo') {
    const { startDemoEnvironment } = await import('./demo/demo.js');
    const given = new Set(settings.map((spec) => spec.key).filter((key) => origin(key) !== 'default'));
    try {
      const demo = await startDemoEnvironment(config, log, given);
      config = demo.config;
      stopDemo = demo.stop;
    } catch (error) {
      log.error('cannot start the demo', { err: errorMessage(error) });
      return EXIT_CONFIG;
    }
  }

  let exporter: Exporter;
  try {
    exporter = new Exporter(config, buildSources(config, log), log);
  } catch (error) {
    await stopDemo?.();
    const failure = asSettingError(error, origin('web.config.file'));
    if (!(failure instanceof ConfigError)) throw failure;
    process.stderr.write(`harbor-exporter: ${failure.message}\n`);
    return EXIT_CONFIG;
  }
  try {
    const address = await exporter.start();
    if (command === 'demo') {
      const host = address.address === '::' || address.address === '0.0.0.0' ? 'localhost' : address.address;
      process.stderr.write(
        `\nharbor-exporter demo: metrics at http://${host}:${address.port}${config.telemetryPath}, status page at http://${host}:${address.port}/ (Ctrl-C stops)\n\n`,
      );
    }
  } catch (error) {
    const badAddress = listenFailure(error, config, origin('web.listen-address'));
    log.error('cannot start', { err: badAddress?.message ?? errorMessage(error) });
    await exporter.stop().catch(() => {});
    await stopDemo?.();
    return EXIT_CONFIG;
  }

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) process.exit(EXIT_RUNTIME);
      stopping = true;
      log.info('stopping', { signal });
      void exporter
        .stop()
        .then(() => stopDemo?.())
        .then(
          () => resolve(0),
          (error: unknown) => {
            log.error('stop failed', { err: errorMessage(error) });
            resolve(EXIT_RUNTIME);
          },
        );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
}

main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`harbor-exporter: ${errorMessage(error)}\n`);
    process.exit(EXIT_RUNTIME);
  },
);
