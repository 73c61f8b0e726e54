import { constants } from 'node:os';
import pg from 'pg';
import type { ExporterConfig } from '../config/config.js';
import type { Logger } from '../log.js';
import { DEFAULT_ACCOUNT, HarborApiSimulator } from './harbor-api-simulator/simulator.js';
import { PostgresServer } from './postgres-server.js';
import { seedSyntheticHarbor } from './synthetic-harbor.js';

export interface DemoEnvironment {
  config: ExporterConfig;
  stop(): Promise<void>;
}

/** The demo answers on loopback only, unless a listen address is given: it runs with nothing configured. */
export const DEMO_LISTEN_HOST = '127.0.0.1';

/** How the demo serves: marked as the demo, on loopback and with the detailed status page unless given. */
export function demoServerSettings(
  config: ExporterConfig,
  given: ReadonlySet<string>,
): Pick<ExporterConfig, 'demo' | 'listenHost' | 'statusPage'> {
  return {
    demo: true,
    listenHost: given.has('web.listen-address') ? config.listenHost : DEMO_LISTEN_HOST,
    statusPage: given.has('web.status-page') ? config.statusPage : 'detailed',
  };
}

/**
 * Starts an embedded PostgreSQL holding a synthetic Harbor, and a Harbor API simulator answering from the same
 * data, and points the configuration at both. Settings given explicitly (listen address, collectors, a real
 * Harbor's URL, ...) are kept; `given` names them. Without them the demo listens on loopback and shows the
 * detailed status page (what it would reveal is its own synthetic setup).
 */
export async function startDemoEnvironment(
  config: ExporterConfig,
  log: Logger,
  given: ReadonlySet<string> = new Set(),
): Promise<DemoEnvironment> {
  log.info('demo: starting an embedded PostgreSQL with a synthetic Harbor');
  // Ctrl-C while the demo starts, before the command listens for signals, ends the process through process.exit
  // (rather than Node's default of dying at once) so that the temporary database is removed on exit.
  const endIfUnhandled = (signal: NodeJS.Signals) => {
    if (process.listenerCount(signal) === 1) process.exit(128 + constants.signals[signal]);
  };
  process.on('SIGINT', endIfUnhandled);
  process.on('SIGTERM', endIfUnhandled);
  const server = await PostgresServer.start({ removeOnExit: true });
  const admin = new pg.Client(server.clientConfig());
  await admin.connect();
  await admin.query('CREATE DATABASE registry');
  await admin.end();
  const client = new pg.Client(server.clientConfig('registry'));
  await client.connect();
  // Ages (last pull, last push) count from today, so the not-pulled buckets show what they mean.
  const summary = await seedSyntheticHarbor(client, { repositories: 120, seed: 7, now: new Date() });
  await client.end();
  const simulator = await HarborApiSimulator.start({ database: server.clientConfig('registry') });
  log.info('demo: synthetic Harbor ready', {
    ...summary,
    database: `${server.host}:${server.port}/registry`,
    api: simulator.url,
  });
  return {
    config: {
      ...config,
      ...demoServerSettings(config, given),
      database: {
        ...config.databaseDefaults,
        host: server.host,
        port: server.port,
        user: server.user,
        password: server.password,
        database: 'registry',
        sslmode: 'disable',
      },
      harbor: config.harbor ?? {
        ...config.harborDefaults,
        url: simulator.url,
        username: DEFAULT_ACCOUNT.username,
        password: DEFAULT_ACCOUNT.password,
      },
    },
    stop: async () => {
      await simulator.close();
      await server.destroy();
      process.off('SIGINT', endIfUnhandled);
      process.off('SIGTERM', endIfUnhandled);
    },
  };
}
