import pg from 'pg';
import type { ExporterConfig } from '../config/config.js';
import type { Logger } from '../log.js';
import { PostgresServer } from './postgres-server.js';
import { seedSyntheticHarbor } from './synthetic-harbor.js';

export interface DemoEnvironment {
  config: ExporterConfig;
  stop(): Promise<void>;
}

/**
 * Starts an embedded PostgreSQL holding a synthetic Harbor and points the configuration at it.
 * Settings given explicitly (listen address, collectors, ...) are kept.
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
  const summary = await seedSyntheticHarbor(client, { repositories: 120, seed: 7 });
  await client.end();
  log.info('demo: synthetic Harbor ready', {
    ...summary,
    database: `${server.host}:${server.port}/registry`,
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
    },
    stop: () => server.destroy(),
  };
}
