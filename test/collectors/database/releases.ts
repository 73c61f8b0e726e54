import { after, before, describe } from 'node:test';
import type { HarborRelease } from '../../../src/demo/harbor-schema.js';
import type { SyntheticHarborOptions } from '../../../src/demo/synthetic-harbor.js';
import { silentLogger } from '../../../src/log.js';
import type { ExporterConfig } from '../../../src/config/config.js';
import { Observations, type Point } from '../../../src/collectors/observations.js';
import {
  DatabaseSource,
  fixedDatabaseSettings,
  type HarborDatabase,
} from '../../../src/sources/postgres/database-source.js';
import {
  collectOnce,
  instanceOf,
  pointArrays,
  testConfig,
  type TestCollector,
} from '../../harness/exporter.js';
import { createHarborDatabase, type HarborTestDatabase } from '../../harness/postgres.js';

/** The Harbor releases whose schema the fixture reproduces; every collector is tested on each. */
export const RELEASES: readonly HarborRelease[] = ['2.10', '2.13', '2.15', '2.16'];

export interface ReleaseContext {
  release: HarborRelease;
  db: HarborTestDatabase;
  source: DatabaseSource;
  /** Runs the collector once through a real refresh session. */
  collect(
    collector: TestCollector<HarborDatabase>,
    flags?: readonly string[],
  ): Promise<ReadonlyMap<string, readonly Point[]>>;
  /** Runs the collector once and also returns the names of the statements it ran, in order. */
  trace(
    collector: TestCollector<HarborDatabase>,
    flags?: readonly string[],
  ): Promise<{ points: ReadonlyMap<string, readonly Point[]>; statements: string[] }>;
  /** Rows of a plain SELECT on the admin connection, for counting independently in the test. */
  rows<Row extends object>(sql: string): Promise<Row[]>;
}

/**
 * One describe block per Harbor release, each on a fresh synthetic database. `body` declares the tests; it
 * receives a context whose fields are set once the database is ready (inside the tests).
 */
export function forEachRelease(
  title: string,
  options: SyntheticHarborOptions,
  body: (context: ReleaseContext) => void,
): void {
  for (const release of RELEASES) {
    describe(`${title} on Harbor ${release}`, () => {
      const context = { release } as ReleaseContext;
      before(async () => {
        context.db = await createHarborDatabase({ ...options, release });
        context.source = new DatabaseSource(fixedDatabaseSettings(context.db.settings), silentLogger);
        context.collect = (collector, flags = []) =>
          collectOnce(context.source, collector, testConfig(flags));
        context.trace = (collector, flags = []) => traceCollect(context.source, collector, testConfig(flags));
        context.rows = async <Row extends object>(sql: string) =>
          (await context.db.admin.query<Row>(sql)).rows;
      });
      after(async () => {
        await context.source?.close();
        await context.db?.drop();
      });
      body(context);
    });
  }
}

/** One collection through a real refresh session, recording the statements' names. */
export async function traceCollect(
  source: DatabaseSource,
  collector: TestCollector<HarborDatabase>,
  config: ExporterConfig,
): Promise<{ points: ReadonlyMap<string, readonly Point[]>; statements: string[] }> {
  const session = await source.beginRefresh();
  const statements: string[] = [];
  const client: HarborDatabase = {
    schema: session.client.schema,
    query: (name, sql, params) => {
      statements.push(name);
      return session.client.query(name, sql, params);
    },
    each: (name, sql, columns, onRow, params) => {
      statements.push(name);
      return session.client.each(name, sql, columns, onRow, params);
    },
  };
  try {
    const out = new Observations(collector.name);
    await instanceOf(collector, config).collect({
      client,
      out,
      signal: new AbortController().signal,
      log: silentLogger,
    });
    return { points: pointArrays(out.points), statements };
  } finally {
    await session.release?.();
  }
}

/** The points of a metric as a map from one attribute's value (or several joined by '|') to the value. */
export function valuesBy(
  points: ReadonlyMap<string, readonly Point[]>,
  metric: string,
  ...attributes: string[]
): Map<string, number> {
  const out = new Map<string, number>();
  for (const point of points.get(metric) ?? []) {
    const key = attributes.map((name) => point.attributes[name]).join('|');
    if (out.has(key)) throw new Error(`${metric}: two points for ${key}`);
    out.set(key, point.value);
  }
  return out;
}

/** Counts items by a key. */
export function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + 1);
  return out;
}

/** Sums a number over items by a key. */
export function sumBy<T>(
  items: readonly T[],
  key: (item: T) => string,
  value: (item: T) => number,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + value(item));
  return out;
}

/** Unix seconds of a PostgreSQL `timestamp` read as text: Harbor stores UTC without a zone. */
export function utcSeconds(text: string): number {
  const [whole, fraction = ''] = text.split('.');
  return Date.parse(whole!.replace(' ', 'T') + 'Z') / 1000 + (fraction ? Number(`0.${fraction}`) : 0);
}
