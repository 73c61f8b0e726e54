import type { HarborDatabase } from '../../sources/postgres/database-source.js';

/** Harbor < 2.13 writes audit events to audit_log; from 2.13 new events go to audit_log_ext. */
export type AuditTable = 'audit_log' | 'audit_log_ext';

export interface AuditEventQuery {
  /** Names the statements in errors and tests. */
  name: string;
  /** `create` is a push, `pull` a pull (resource_type 'artifact' for both). */
  operation: 'create' | 'pull';
  /** Count per tag as well as per repository; a pull by digest has the tag ''. */
  byTag: boolean;
}

/**
 * Events per repository and tag, keyed by `auditKey(repository, tag)`, or per repository keyed by its name when
 * not counted by tag; summed over the audit tables: a view of
 * the counter's state, read at once by the collector (the next count changes it).
 */
export interface AuditCounts {
  get(key: string): number | undefined;
  keys(): Iterable<string>;
}

export function auditKey(repository: string, tag = ''): string {
  return `${repository}\u0000${tag}`;
}

export function splitAuditKey(key: string): { repository: string; tag: string } {
  const at = key.indexOf('\u0000');
  return { repository: key.slice(0, at), tag: key.slice(at + 1) };
}

/**
 * How far below the newest id we look for ids that are not visible yet: a row whose transaction commits after a
 * later row's would otherwise be skipped for good. Such ids are asked for again until they appear or expire.
 */
const PENDING_WINDOW = 1000;
const PENDING_TTL_MS = 10 * 60_000;
const PENDING_MAX = 10_000;

/**
 * One statement per refresh for all the tables read. For each table (numbered by `part`), a first row with
 * repository NULL describes it: its id range, which ids in the newest window are missing, which previously
 * missing ids are now there, and which database this is. Its other rows are the events with an id above the last
 * one counted (or among the missing ones), by repository and tag; for table i those two are parameters 2i+1 and
 * 2i+2, the operation the last parameter. Artifact events name their resource 'project/repo:tag' or
 * 'project/repo@sha256:...'. Checked against Harbor 2.10.3, 2.13.5, 2.15.2.
 */
export function auditEventsSql(tables: readonly AuditTable[], byTag: boolean): string {
  const tag = byTag
    ? `CASE WHEN strpos(resource, '@') > 0 THEN '' ELSE split_part(resource, ':', 2) END`
    : `''`;
  const operation = `$${tables.length * 2 + 1}`;
  const bounds = tables.map(
    (table, part) => `bounds${part} AS (SELECT min(id) AS min_id, max(id) AS max_id FROM ${table})`,
  );
  const parts = tables.map((table, part) => {
    const lastId = `$${part * 2 + 1}::bigint`;
    const pending = `$${part * 2 + 2}::bigint[]`;
    return `
SELECT ${part} AS part, NULL::text AS repository, NULL::text AS tag, NULL::float8 AS events,
       b.min_id::float8 AS min_id, b.max_id::float8 AS max_id,
       concat_ws(':', inet_server_addr(), inet_server_port(), current_database(), '${table}'::regclass::oid) AS identity,
       ARRAY(SELECT g FROM generate_series(greatest(${lastId}, b.max_id - ${PENDING_WINDOW}) + 1, b.max_id) AS g
             WHERE NOT EXISTS (SELECT 1 FROM ${table} a WHERE a.id = g))::float8[] AS missing,
       ARRAY(SELECT id FROM ${table} WHERE id = ANY(${pending}))::float8[] AS found
FROM bounds${part} b
UNION ALL
SELECT ${part}, split_part(split_part(resource, '@', 1), ':', 1), ${tag}, count(*)::float8, NULL, NULL, NULL, NULL, NULL
FROM ${table}
WHERE (id > ${lastId} OR id = ANY(${pending})) AND operation = ${operation} AND resource_type = 'artifact'
GROUP BY 2, 3`;
  });
  return `
WITH ${bounds.join(',\n     ')}${parts.join('\nUNION ALL')}`;
}

interface AuditRow {
  part: number;
  repository: string | null;
  tag: string | null;
  events: number | null;
  min_id: number | null;
  max_id: number | null;
  identity: string | null;
  missing: number[] | null;
  found: number[] | null;
}

interface TableAnswer {
  identity: string;
  minId: number | null;
  maxId: number | null;
  missing: number[];
  found: number[];
  events: { key: string; events: number }[];
}

interface TableState {
  identity: string;
  /** Highest id counted. */
  lastId: number;
  /** Lowest id at the last full count: when it rises, old rows were purged. */
  minId: number | null;
  counts: Map<string, number>;
  /** Ids below lastId not visible yet, with when they were first missed. */
  pending: Map<number, number>;
}

/**
 * Counts audit events incrementally: all rows once, then on each refresh only rows with a higher id than the last
 * one counted, separately for each audit table. When old rows disappear (Harbor's audit log purge, a restored or
 * truncated table) the table is counted again in full, so the values follow the table: a drop is a counter reset,
 * never a negative or a double count. Ids whose rows were not yet committed when passed are read again later.
 */
export class AuditEventCounter {
  /** Per table, of the database read last: each exporter has its own counter, so one database at a time. */
  private readonly states = new Map<AuditTable, TableState>();
  /** The count in progress, if any. */
  private running?: Promise<unknown>;

  constructor(
    private readonly query: AuditEventQuery,
    private readonly now: () => number = Date.now,
  ) {}

  /** Events in the tables this Harbor release writes, summed; one statement (two after a purge). */
  count(client: HarborDatabase): Promise<AuditCounts> {
    const tables: AuditTable[] = client.schema.hasAuditLogExt
      ? ['audit_log', 'audit_log_ext']
      : ['audit_log'];
    // Counts run one after another (a refresh past its deadline may still be counting). When none is running,
    // the statement is asked for at once: a refresh hands out connections in the order asked.
    const counting = async () => {
      const remembered = tables.map((table) => this.states.get(table));
      const answers = await this.read(client, tables, remembered);
      const states: TableState[] = [];
      for (const [index, table] of tables.entries()) {
        states.push(await this.settle(client, table, remembered[index], answers[index]!));
      }
      return summed(states.map((state) => state.counts));
    };
    const run = this.running ? this.running.then(counting, counting) : counting();
    const settled = run.then(
      () => {},
      () => {},
    );
    this.running = settled;
    void settled.then(() => {
      if (this.running === settled) this.running = undefined;
    });
    return run;
  }

  /** The table's next state from its answer, read again alone if it is another database or shrank. */
  private async settle(
    client: HarborDatabase,
    table: AuditTable,
    remembered: TableState | undefined,
    first: TableAnswer,
  ): Promise<TableState> {
    let state = remembered;
    let answer = first;
    if (state && (answer.identity !== state.identity || shrank(state, answer))) {
      // Another database than last time (rediscovered elsewhere), or rows purged: counted again in full.
      state = undefined;
      answer = (await this.read(client, [table], [undefined]))[0]!;
    }
    const next = state ? this.advance(state, answer) : this.fullCount(answer);
    this.states.set(table, next);
    return next;
  }

  private async read(
    client: HarborDatabase,
    tables: readonly AuditTable[],
    states: readonly (TableState | undefined)[],
  ): Promise<TableAnswer[]> {
    const name = `${this.query.name} (${tables.join(', ')})`;
    const params = tables.flatMap((_, index) => {
      const state = states[index];
      return [state?.lastId ?? 0, state ? [...state.pending.keys()] : []];
    });
    const rows = await client.query<AuditRow>(name, auditEventsSql(tables, this.query.byTag), [
      ...params,
      this.query.operation,
    ]);
    return tables.map((table, part) => {
      const mine = rows.filter((row) => row.part === part);
      const head = mine.find((row) => row.identity !== null);
      if (!head) throw new Error(`${this.query.name} (${table}): no summary row`);
      return {
        identity: head.identity!,
        minId: head.min_id,
        maxId: head.max_id,
        missing: head.missing ?? [],
        found: head.found ?? [],
        events: mine
          .filter((row) => row.identity === null && row.repository !== null)
          .map((row) => ({
            key: this.query.byTag ? auditKey(row.repository!, row.tag ?? '') : row.repository!,
            events: row.events ?? 0,
          })),
      };
    });
  }

  private fullCount(answer: TableAnswer): TableState {
    const state: TableState = {
      identity: answer.identity,
      lastId: answer.maxId ?? 0,
      minId: answer.minId,
      counts: new Map(),
      pending: new Map(),
    };
    return this.advance(state, { ...answer, found: [] }, true);
  }

  private advance(state: TableState, answer: TableAnswer, full = false): TableState {
    for (const { key, events } of answer.events) state.counts.set(key, (state.counts.get(key) ?? 0) + events);
    const now = this.now();
    for (const id of answer.found) state.pending.delete(id);
    for (const id of answer.missing) if (!state.pending.has(id)) state.pending.set(id, now);
    for (const [id, since] of state.pending) {
      if (now - since > PENDING_TTL_MS || state.pending.size > PENDING_MAX) state.pending.delete(id);
    }
    if (!full && answer.maxId !== null) state.lastId = Math.max(state.lastId, answer.maxId);
    state.minId ??= answer.minId;
    return state;
  }
}

/** Counts of several tables as one, without building a map of their sums at every refresh. */
function summed(counts: readonly ReadonlyMap<string, number>[]): AuditCounts {
  if (counts.length === 1) return counts[0]!;
  return {
    get(key) {
      let total: number | undefined;
      for (const table of counts) {
        const events = table.get(key);
        if (events !== undefined) total = (total ?? 0) + events;
      }
      return total;
    },
    keys: () => new Set(counts.flatMap((table) => [...table.keys()])),
  };
}

/** Rows at or below the last counted id are gone: purged from the start, or the table was emptied or restored. */
function shrank(state: TableState, answer: TableAnswer): boolean {
  if (answer.maxId === null) return state.lastId > 0;
  if (answer.maxId < state.lastId) return true;
  return state.minId !== null && (answer.minId === null || answer.minId > state.minId);
}
