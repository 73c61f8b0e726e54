import { escapeLiteral } from 'pg';
import type { HarborDatabase } from '../../sources/postgres/database-source.js';

/** Harbor < 2.13 writes audit events to audit_log; from 2.13 new events go to audit_log_ext. */
export type AuditTable = 'audit_log' | 'audit_log_ext';

/**
 * What to read from the audit tables: two SQL expressions over a row that make its key, the rows to read, and what
 * to keep per key. The text is constant (no parameters): it is built from the fixed queries below.
 */
export interface AuditEventQuery {
  /** Names the statements in errors and tests. */
  name: string;
  /** Only audit_log_ext records results (Harbor >= 2.13); other queries read both tables. */
  extOnly: boolean;
  /** The two parts of a row's key, as SQL expressions (`''` when one part is enough). */
  key: readonly [string, string];
  /** Which rows count, as a SQL condition. */
  where: string;
  /** `count`: rows per key, summed over refreshes. `newest`: the newest op_time per key, in Unix seconds. */
  measure: 'count' | 'newest';
}

/** Artifact events name their resource 'project/repo:tag' or 'project/repo@sha256:...'. */
const REPOSITORY_OF_RESOURCE = `split_part(split_part(resource, '@', 1), ':', 1)`;
/** A pull by digest has the tag ''. */
const TAG_OF_RESOURCE = `CASE WHEN strpos(resource, '@') > 0 THEN '' ELSE split_part(resource, ':', 2) END`;

/** Pushes (`create`) or pulls of artifacts per repository, and per tag when asked. */
export function artifactEvents(name: string, operation: 'create' | 'pull', byTag: boolean): AuditEventQuery {
  return {
    name,
    extOnly: false,
    key: [REPOSITORY_OF_RESOURCE, byTag ? TAG_OF_RESOURCE : `''`],
    where: `operation = '${operation}' AND resource_type = 'artifact'`,
    measure: 'count',
  };
}

/** Operations that failed (op_result false): by operation and resource type, or by user and operation. */
export function failedOperations(name: string, by: 'resource type' | 'user'): AuditEventQuery {
  return {
    name,
    extOnly: true,
    key: by === 'user' ? ["coalesce(username, '')", 'operation'] : ['operation', 'resource_type'],
    where: 'op_result = false',
    measure: 'count',
  };
}

/**
 * The newest event of each robot account, by user name. Robots are logged with Harbor's robot prefix
 * (`robot_name_prefix`, `robot$` by default) before their stored name; robots made before Harbor 2.2 are stored
 * as `robot$...` whatever the prefix.
 */
export function robotActivity(name: string, prefix: string): AuditEventQuery {
  return {
    name,
    extOnly: false,
    key: ['username', `''`],
    where: `(starts_with(username, 'robot$') OR starts_with(username, ${escapeLiteral(prefix)}))`,
    measure: 'newest',
  };
}

/**
 * A value per key (`auditKey(first, second)` of the query's key), over the audit tables: a view of the counter's
 * state, read at once by the collector (the next count changes it).
 */
export interface AuditCounts {
  get(key: string): number | undefined;
  keys(): Iterable<string>;
}

export function auditKey(first: string, second = ''): string {
  return `${first}\u0000${second}`;
}

export function splitAuditKey(key: string): { first: string; second: string } {
  const at = key.indexOf('\u0000');
  return { first: key.slice(0, at), second: key.slice(at + 1) };
}

/**
 * How far below the newest id we look for ids that are not visible yet: a row whose transaction commits after a
 * later row's would otherwise be skipped for good. Such ids are asked for again until they appear or expire.
 */
const PENDING_WINDOW = 1000;
const PENDING_TTL_MS = 10 * 60_000;
const PENDING_MAX = 10_000;
/** States kept for databases seen by this process (another exporter in the process, changed settings). */
const DATABASES_KEPT = 8;

/**
 * One statement per refresh for all the tables read. For each table (numbered by `part`), a first row with key
 * NULL describes it: its newest id, which ids in the newest window are missing, which previously missing ids are
 * now there, and which database this is. Its other rows are the events with an id above the last one read (or
 * among the missing ones), by key; for table i those two are parameters 2i+1 and 2i+2. Checked against Harbor
 * 2.10.3, 2.13.5, 2.15.2, 2.16 (main).
 */
export function auditEventsSql(tables: readonly AuditTable[], query: AuditEventQuery): string {
  const [first, second] = query.key;
  const measure = query.measure === 'count' ? 'count(*)::float8' : `date_part('epoch', max(op_time))`;
  const bounds = tables.map((table, part) => `bounds${part} AS (SELECT max(id) AS max_id FROM ${table})`);
  const parts = tables.map((table, part) => {
    const lastId = `$${part * 2 + 1}::bigint`;
    const pending = `$${part * 2 + 2}::bigint[]`;
    return `
SELECT ${part} AS part, NULL::text AS first, NULL::text AS second, NULL::float8 AS value,
       b.max_id::float8 AS max_id,
       concat_ws(':', inet_server_addr(), inet_server_port(), current_database(), '${table}'::regclass::oid) AS identity,
       ARRAY(SELECT g FROM generate_series(greatest(${lastId}, b.max_id - ${PENDING_WINDOW}) + 1, b.max_id) AS g
             WHERE NOT EXISTS (SELECT 1 FROM ${table} a WHERE a.id = g))::float8[] AS missing,
       ARRAY(SELECT id FROM ${table} WHERE id = ANY(${pending}))::float8[] AS found
FROM bounds${part} b
UNION ALL
SELECT ${part}, ${first}, ${second}, ${measure}, NULL, NULL, NULL, NULL
FROM ${table}
WHERE (id > ${lastId} OR id = ANY(${pending})) AND ${query.where}
GROUP BY 2, 3`;
  });
  return `
WITH ${bounds.join(',\n     ')}${parts.join('\nUNION ALL')}`;
}

interface AuditRow {
  part: number;
  first: string | null;
  second: string | null;
  value: number | null;
  max_id: number | null;
  identity: string | null;
  missing: number[] | null;
  found: number[] | null;
}

interface TableAnswer {
  identity: string;
  maxId: number | null;
  missing: number[];
  found: number[];
  events: { key: string; value: number }[];
}

interface TableState {
  identity: string;
  /** Highest id counted. */
  lastId: number;
  counts: Map<string, number>;
  /** Ids below lastId not visible yet, with when they were first missed. */
  pending: Map<number, number>;
}

/**
 * Counts audit events incrementally: all rows once, then on each refresh only rows with a higher id than the last
 * one counted, separately for each audit table. A row once counted stays counted: when Harbor deletes old rows
 * (its audit log purge job) the counts do not go down, and the next event adds exactly one. Only a new process
 * (or another database) starts from a full count. Ids whose rows were not yet committed when passed are read
 * again later.
 */
export class AuditEventCounter {
  private readonly states = new Map<string, TableState>();
  private readonly lastIdentity = new Map<AuditTable, string>();
  /** The count in progress, if any. */
  private running?: Promise<unknown>;

  /** How a key's value from new rows joins what is known: a sum of counts, or the newest of two times. */
  private readonly combine: (known: number, added: number) => number;

  constructor(
    private readonly query: AuditEventQuery,
    private readonly now: () => number = Date.now,
  ) {
    this.combine = query.measure === 'count' ? (known, added) => known + added : Math.max;
  }

  /** Values over the tables this Harbor release writes; one statement (two after a change of database). */
  count(client: HarborDatabase): Promise<AuditCounts> {
    const tables: AuditTable[] = client.schema.hasAuditLogExt
      ? this.query.extOnly
        ? ['audit_log_ext']
        : ['audit_log', 'audit_log_ext']
      : this.query.extOnly
        ? []
        : ['audit_log'];
    // Before 2.13 Harbor records no results: nothing to count, no statement.
    if (tables.length === 0) return Promise.resolve(new Map());
    // Refreshes of one counter run one after another, so two exporters in one process cannot interleave. When
    // none is running, the statement is asked for at once: a refresh hands out connections in the order asked.
    const counting = async () => {
      const remembered = tables.map((table) => {
        const identity = this.lastIdentity.get(table);
        return identity === undefined ? undefined : this.states.get(identity);
      });
      const answers = await this.read(client, tables, remembered);
      const states: TableState[] = [];
      for (const [index, table] of tables.entries()) {
        states.push(await this.settle(client, table, remembered[index], answers[index]!));
      }
      return combined(
        states.map((state) => state.counts),
        this.combine,
      );
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

  /** The table's next state from its answer, read again alone if it is another database than last time. */
  private async settle(
    client: HarborDatabase,
    table: AuditTable,
    remembered: TableState | undefined,
    first: TableAnswer,
  ): Promise<TableState> {
    let state = remembered;
    let answer = first;
    if (state && answer.identity !== state.identity) {
      // Another database than last time: continue its own count, or count it in full.
      state = this.states.get(answer.identity);
      answer = (await this.read(client, [table], [state]))[0]!;
    }
    if (state && answer.maxId !== null && answer.maxId < state.lastId) {
      // Ids went back (the table was restored or recreated): rows up to its newest id count as counted already,
      // so that the counts never go down; counting goes on from there.
      state.lastId = answer.maxId;
      state.pending.clear();
    }
    const next = state ? this.advance(state, answer) : this.fullCount(answer);
    this.remember(table, next);
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
    const rows = await client.query<AuditRow>(name, auditEventsSql(tables, this.query), params);
    return tables.map((table, part) => {
      const mine = rows.filter((row) => row.part === part);
      const head = mine.find((row) => row.identity !== null);
      if (!head) throw new Error(`${this.query.name} (${table}): no summary row`);
      return {
        identity: head.identity!,
        maxId: head.max_id,
        missing: head.missing ?? [],
        found: head.found ?? [],
        events: mine
          .filter((row) => row.identity === null && row.first !== null)
          .map((row) => ({ key: auditKey(row.first!, row.second ?? ''), value: row.value ?? 0 })),
      };
    });
  }

  private fullCount(answer: TableAnswer): TableState {
    const state: TableState = {
      identity: answer.identity,
      lastId: answer.maxId ?? 0,
      counts: new Map(),
      pending: new Map(),
    };
    return this.advance(state, { ...answer, found: [] }, true);
  }

  private advance(state: TableState, answer: TableAnswer, full = false): TableState {
    for (const { key, value } of answer.events) {
      const known = state.counts.get(key);
      state.counts.set(key, known === undefined ? value : this.combine(known, value));
    }
    const now = this.now();
    for (const id of answer.found) state.pending.delete(id);
    for (const id of answer.missing) if (!state.pending.has(id)) state.pending.set(id, now);
    for (const [id, since] of state.pending) {
      if (now - since > PENDING_TTL_MS || state.pending.size > PENDING_MAX) state.pending.delete(id);
    }
    if (!full && answer.maxId !== null) state.lastId = Math.max(state.lastId, answer.maxId);
    return state;
  }

  private remember(table: AuditTable, state: TableState): void {
    this.lastIdentity.set(table, state.identity);
    this.states.delete(state.identity);
    this.states.set(state.identity, state);
    if (this.states.size > DATABASES_KEPT) this.states.delete(this.states.keys().next().value!);
  }
}

/** Values of several tables as one (summed counts, or the newest time), without building a map at every refresh. */
function combined(
  values: readonly ReadonlyMap<string, number>[],
  combine: (known: number, added: number) => number,
): AuditCounts {
  if (values.length === 1) return values[0]!;
  return {
    get(key) {
      let total: number | undefined;
      for (const table of values) {
        const value = table.get(key);
        if (value !== undefined) total = total === undefined ? value : combine(total, value);
      }
      return total;
    },
    keys: () => new Set(values.flatMap((table) => [...table.keys()])),
  };
}
