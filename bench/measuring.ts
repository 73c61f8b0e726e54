import { spawnSync } from 'node:child_process';
import pg from 'pg';
import type { PostgresServer } from '../src/demo/postgres-server.js';
import { seedSyntheticHarbor } from '../src/demo/synthetic-harbor.js';
import type { MeasureInput, MeasureResult } from './measure.js';

export interface SeededDatabase {
  input: MeasureInput;
  rows: Awaited<ReturnType<typeof seedSyntheticHarbor>>;
  seedSeconds: number;
  drop(): Promise<void>;
}

/**
 * A new database on `server` holding a synthetic registry of `repositories` (seed 1, Harbor 2.15), analyzed, and
 * the measuring program's input for it; `seedApproachRuns` runs of the fork's approach (0: none).
 */
export async function seedForMeasuring(
  server: PostgresServer,
  database: string,
  repositories: number,
  seedApproachRuns: number,
): Promise<SeededDatabase> {
  const root = new pg.Client(server.clientConfig());
  await root.connect();
  await root.query(`DROP DATABASE IF EXISTS ${database}`);
  await root.query(`CREATE DATABASE ${database}`);
  const drop = async () => {
    await root.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await root.end();
  };
  try {
    const client = new pg.Client(server.clientConfig(database));
    await client.connect();
    const seeding = performance.now();
    const rows = await seedSyntheticHarbor(client, { repositories, seed: 1, release: '2.15' });
    const seedSeconds = (performance.now() - seeding) / 1000;
    await client.query('VACUUM ANALYZE');
    await client.end();
    const input: MeasureInput = {
      repositories,
      databaseUrl: server.url(database),
      clientConfig: {
        host: server.host,
        port: server.port,
        user: server.user,
        password: server.password,
        database,
      },
      // Small registries refresh in tens of ms, where the machine's noise shows most: more runs of both sides,
      // steadier medians.
      steadyRefreshes: repositories <= 5000 ? 25 : 5,
      seedApproachRuns,
    };
    return { input, rows, seedSeconds, drop };
  } catch (error) {
    await drop();
    throw error;
  }
}

/** Runs the measuring program (`args`: Node flags and the program) in a process of its own. */
export function runMeasure(
  args: readonly string[],
  input: MeasureInput,
  env: NodeJS.ProcessEnv = process.env,
): MeasureResult {
  const child = spawnSync(process.execPath, [...args, JSON.stringify(input)], {
    env,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.status !== 0) {
    throw new Error(
      `measuring ${input.repositories} repositories with ${args.at(-1)} failed (exit ${child.status})`,
    );
  }
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as MeasureResult;
}
