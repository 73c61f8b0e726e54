import type pg from 'pg';

export interface ColumnSpec {
  name: string;
  /** PostgreSQL array element type used by unnest: int, bigint, text, bool, timestamp, jsonb, json. */
  type: string;
}

/** Inserts rows in batches with one `INSERT ... SELECT FROM unnest(...)` per batch. */
export async function bulkInsert(
  client: pg.ClientBase,
  table: string,
  columns: readonly ColumnSpec[],
  rows: readonly (readonly unknown[])[],
  batchSize = 5000,
): Promise<void> {
  const names = columns.map((column) => column.name).join(', ');
  // json has no equality operator, so arrays of it go through text.
  const params = columns.map((column, index) =>
    column.type === 'json' || column.type === 'jsonb'
      ? `$${index + 1}::text[]`
      : `$${index + 1}::${column.type}[]`,
  );
  const selects = columns.map((column, index) =>
    column.type === 'json' || column.type === 'jsonb' ? `c${index}::${column.type}` : `c${index}`,
  );
  const aliases = columns.map((_, index) => `c${index}`).join(', ');
  const sql = `INSERT INTO ${table} (${names}) SELECT ${selects.join(', ')} FROM unnest(${params.join(', ')}) AS t(${aliases})`;
  for (let start = 0; start < rows.length; start += batchSize) {
    const batch = rows.slice(start, start + batchSize);
    const arrays = columns.map((_, index) => batch.map((row) => row[index]));
    await client.query(sql, arrays);
  }
}
