#!/usr/bin/env node
import { collectorSwitches } from './wiring.js';
import { buildConfig, type ExporterConfig } from './config/config.js';
import { helpText, printableConfig } from './config/describe.js';
import { ConfigError } from './config/errors.js';
import { loadSettings } from './config/load.js';
import { Exporter } from './exporter.js';
import { createLogger, errorMessage } from './log.js';
import { tuneHeapForSnapshots } from './runtime/heap.js';
import { buildSources } from './wiring.js';
import { VERSION } from './version.js';

/** Exit codes: 0 clean stop, 1 runtime failure (e.g. port in use), 2 bad configuration. */
const EXIT_RUNTIME = 1;
const EXIT_CONFIG = 2;

const switches = collectorSwitches();

function hasSource(config: ExporterConfig): boolean {
  return Boolean(config.database || config.harbor || config.kubernetes || config.storageLocalPath);
}

async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let config: ExporterConfig;
  let command: 'run' | 'demo';
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
    const demo = await startDemoEnvironment(config, log);
    config = demo.config;
    stopDemo = demo.stop;
  }

  tuneHeapForSnapshots();
  const exporter = new Exporter(config, buildSources(config, log), log);
  try {
    const address = await exporter.start();
    if (command === 'demo') {
      const host = address.address === '::' || address.address === '0.0.0.0' ? 'localhost' : address.address;
      process.stderr.write(
        `\nharbor-exporter demo: metrics at http://${host}:${address.port}${config.telemetryPath}, status page at http://${host}:${address.port}/ (Ctrl-C stops)\n\n`,
      );
    }
  } catch (error) {
    log.error('cannot start', { err: errorMessage(error) });
    await exporter.stop().catch(() => {});
    await stopDemo?.();
    return EXIT_RUNTIME;
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
