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

/**
 * Starts an embedded PostgreSQL holding a synthetic Harbor, and a Harbor API simulator answering from the same
 * data, and points the configuration at both. Settings given explicitly (listen address, collectors, a real
 * Harbor's URL, ...) are kept.
 */
export async function startDemoEnvironment(config: ExporterConfig, log: Logger): Promise<DemoEnvironment> {
  log.info('demo: starting an embedded PostgreSQL with a synthetic Harbor');
  const server = await PostgresServer.start();
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
    },
  };
}
