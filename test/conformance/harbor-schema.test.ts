import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { databaseCollectors } from '../../src/wiring.js';
import type { Collector } from '../../src/collectors/types.js';
import { schemaVersionOf, type HarborRelease } from '../../src/demo/harbor-schema.js';
import { seedSyntheticHarbor } from '../../src/demo/synthetic-harbor.js';
import { silentLogger } from '../../src/log.js';
import { SourceRunner, type SourceState } from '../../src/refresh/source-runner.js';
import {
  DatabaseSource,
  fixedDatabaseSettings,
  type HarborDatabase,
} from '../../src/sources/postgres/database-source.js';
import { testConfig } from '../harness/exporter.js';
import { testDatabaseSettings, testPostgres } from '../harness/postgres.js';

/** Harbor's own schema after all migrations of a release, read back from PostgreSQL's catalog. */
interface HarborCatalog {
  harbor_ref: string;
  schema_migrations_version: number;
  tables: Record<string, { columns: Array<{ name: string; type: string }> }>;
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const schemaDir = resolve(repoRoot, '..', 'shared', 'harbor', 'schema');
const releases: Array<[HarborRelease, string]> = [
  ['2.10', 'harbor-v2.10.3.json'],
  ['2.13', 'harbor-v2.13.5.json'],
  ['2.15', 'harbor-v2.15.2.json'],
  ['2.16', 'harbor-main-2.16-dev.json'],
];
const skip = existsSync(schemaDir)
  ? false
  : `Harbor's schema catalogs are not at ${schemaDir}: the conformance check against Harbor releases was NOT run`;
if (skip) console.log(`# ${skip}`);

const COLUMNS_SQL = `
SELECT c.relname AS "table", a.attname AS "column", format_type(a.atttypid, a.atttypmod) AS type
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY 1, 2`;

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/** Runs every database collector, enabled by default or not, in one refresh through the real source. */
async function refreshAllDatabaseCollectors(database: string): Promise<SourceState> {
  const server = await testPostgres();
  const source = new DatabaseSource(
    fixedDatabaseSettings(testDatabaseSettings(server, database)),
    silentLogger,
  );
  const config = testConfig();
  const collectors = databaseCollectors.map((collector) =>
    collector.create(config),
  ) as Collector<HarborDatabase>[];
  const runner = new SourceRunner(source, collectors, {
    intervalMs: 3_600_000,
    timeoutMs: 120_000,
    keepStaleForMs: 0,
    log: silentLogger,
    onRefreshed: () => {},
  });
  try {
    return await runner.refresh();
  } finally {
    await source.close();
  }
}

function failures(state: SourceState): string[] {
  return [
    ...(state.success ? [] : [`source: ${state.lastError}`]),
    ...state.collectors.filter((collector) => !collector.success).map((c) => `${c.name}: ${c.lastError}`),
  ];
}

describe('conformance with Harbor’s real schema', { skip }, () => {
  for (const [release, file] of releases) {
    describe(`Harbor ${release} (${file})`, () => {
      let harbor: HarborCatalog;
      let client: pg.Client;
      const database = `conformance_${release.replace('.', '_')}_${process.pid}`;

      before(async () => {
        harbor = JSON.parse(readFileSync(resolve(schemaDir, file), 'utf8')) as HarborCatalog;
        const server = await testPostgres();
        const root = new pg.Client(server.clientConfig());
        await root.connect();
        await root.query(`CREATE DATABASE ${database}`);
        await root.end();
        client = new pg.Client(server.clientConfig(database));
        await client.connect();
        // The project's fixture, filled with a synthetic registry, in schema public.
        await seedSyntheticHarbor(client, { release, repositories: 40, seed: 17 });
      });
      after(async () => {
        await client?.end();
        const server = await testPostgres();
        const root = new pg.Client(server.clientConfig());
        await root.connect();
        await root.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        await root.end();
      });

      it('has every table and column of the fixture, with the same type, in Harbor’s schema', async () => {
        assert.equal(schemaVersionOf[release], harbor.schema_migrations_version);
        const { rows } = await client.query<{ table: string; column: string; type: string }>(COLUMNS_SQL, [
          'public',
        ]);
        assert.ok(rows.length > 50, 'the fixture was not created');
        const mismatches: string[] = [];
        for (const { table, column, type } of rows) {
          const harborTable = harbor.tables[table];
          const harborColumn = harborTable?.columns.find((candidate) => candidate.name === column);
          if (!harborTable) mismatches.push(`table ${table} does not exist in Harbor ${harbor.harbor_ref}`);
          else if (!harborColumn)
            mismatches.push(`${table}.${column} does not exist in Harbor ${harbor.harbor_ref}`);
          else if (harborColumn.type !== type) {
            mismatches.push(
              `${table}.${column} is ${type} here, ${harborColumn.type} in Harbor ${harbor.harbor_ref}`,
            );
          }
        }
        assert.deepEqual([...new Set(mismatches)], []);
      });

      it('runs every database collector on a database built from Harbor’s schema: empty, then filled', async () => {
        // Harbor's tables (columns and types as Harbor has them) take the place of the fixture's.
        await client.query('ALTER SCHEMA public RENAME TO fixture');
        await client.query('CREATE SCHEMA public');
        for (const [table, { columns }] of Object.entries(harbor.tables)) {
          const definitions = columns.map((column) => `${quote(column.name)} ${column.type}`).join(', ');
          await client.query(`CREATE TABLE public.${quote(table)} (${definitions})`);
        }
        await client.query('INSERT INTO public.schema_migrations (version, dirty) VALUES ($1, false)', [
          harbor.schema_migrations_version,
        ]);

        const empty = await refreshAllDatabaseCollectors(database);
        assert.deepEqual(failures(empty), [], 'on empty tables');
        assert.equal(empty.collectors.length, databaseCollectors.length);
        assert.deepEqual(empty.own.get('harbor_exporter_harbor_schema_version')?.toArray(), [
          { attributes: {}, value: harbor.schema_migrations_version },
        ]);

        // The synthetic registry, copied column by column into Harbor's types.
        const { rows: fixtureColumns } = await client.query<{ table: string; column: string }>(COLUMNS_SQL, [
          'fixture',
        ]);
        const byTable = new Map<string, string[]>();
        for (const { table, column } of fixtureColumns) {
          if (table === 'schema_migrations') continue;
          const harborColumn = harbor.tables[table]?.columns.find((candidate) => candidate.name === column);
          if (harborColumn) byTable.set(table, [...(byTable.get(table) ?? []), column]);
        }
        let copied = 0;
        for (const [table, columns] of byTable) {
          const types = new Map(harbor.tables[table]!.columns.map((column) => [column.name, column.type]));
          const list = columns.map(quote).join(', ');
          const casts = columns.map((column) => `${quote(column)}::${types.get(column)}`).join(', ');
          const result = await client.query(
            `INSERT INTO public.${quote(table)} (${list}) SELECT ${casts} FROM fixture.${quote(table)}`,
          );
          copied += result.rowCount ?? 0;
        }
        assert.ok(copied > 100, `only ${copied} rows copied`);

        const filled = await refreshAllDatabaseCollectors(database);
        assert.deepEqual(failures(filled), [], 'on a filled registry');
        const series = filled.collectors.reduce(
          (sum, collector) =>
            sum + [...collector.points.values()].reduce((count, points) => count + points.length, 0),
          0,
        );
        assert.ok(series > 0, 'the collectors saw nothing in the filled registry');
      });
    });
  }
});
