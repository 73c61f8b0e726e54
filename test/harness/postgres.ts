import { after } from 'node:test';
import pg from 'pg';
import type { DatabaseSettings } from '../../src/config/config.js';
import type { HarborRelease } from '../../src/demo/harbor-schema.js';
import { PostgresServer } from '../../src/demo/postgres-server.js';
import {
  seedSyntheticHarbor,
  type SyntheticHarborOptions,
  type SyntheticHarborSummary,
} from '../../src/demo/synthetic-harbor.js';

let shared: Promise<PostgresServer> | undefined;
let counter = 0;

// Registered when the harness is imported, so it runs after every test of the importing file.
after(async () => {
  if (shared) await (await shared).destroy();
});

/** One real PostgreSQL 15 per test file, started on first use and stopped when the file's tests end. */
export function testPostgres(): Promise<PostgresServer> {
  shared ??= PostgresServer.start();
  return shared;
}

export interface HarborTestDatabase {
  server: PostgresServer;
  name: string;
  settings: DatabaseSettings;
  /** A superuser connection to the database, for independent counts and for changing data. */
  admin: pg.Client;
  summary: SyntheticHarborSummary;
  drop(): Promise<void>;
}

/** Exporter settings for a test database, with short timeouts. */
export function testDatabaseSettings(server: PostgresServer, database: string): DatabaseSettings {
  return {
    host: server.host,
    port: server.port,
    user: server.user,
    password: server.password,
    database,
    sslmode: 'disable',
    maxConnections: 2,
    statementTimeoutMs: 5000,
    idleSessionTimeoutMs: 60_000,
    connectTimeoutMs: 3000,
    preparedStatements: true,
  };
}

/** A fresh database holding Harbor's schema for `release`, seeded with a synthetic registry. */
export async function createHarborDatabase(
  options: SyntheticHarborOptions & { release?: HarborRelease } = {},
): Promise<HarborTestDatabase> {
  const server = await testPostgres();
  const name = `harbor_${process.pid}_${++counter}`;
  const root = new pg.Client(server.clientConfig());
  await root.connect();
  await root.query(`CREATE DATABASE ${name}`);
  await root.end();
  const admin = new pg.Client(server.clientConfig(name));
  await admin.connect();
  const summary = await seedSyntheticHarbor(admin, options);
  return {
    server,
    name,
    settings: testDatabaseSettings(server, name),
    admin,
    summary,
    async drop() {
      await admin.end().catch(() => {});
      const client = new pg.Client(server.clientConfig());
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
