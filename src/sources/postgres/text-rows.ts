import pg from 'pg';
import { errorMessage } from '../../log.js';

/** A row's columns as the text PostgreSQL sent (null for NULL). */
export type TextRow = readonly (string | null)[];

/** Thrown by `streamTextRows` for what went wrong on the exporter's side; the session itself is fine. */
export class RowHandlingError extends Error {
  override readonly name = 'RowHandlingError';
}

/** Every column left as the text the server sent: the collectors parse what they need. */
const TEXT_COLUMNS: pg.CustomTypesConfig = { getTypeParser: () => (text: string) => text };

/**
 * Runs one statement and hands each row to `onRow` as it arrives, as the text of its columns in an array, keeping
 * none: pg keeps no rows of a query that has a `row` listener and no callback. The statement's columns must be
 * exactly `columns`, in that order. When `onRow` throws, or the columns differ, the rest of the rows are read and
 * dropped (the session stays in a clean state) and the statement fails with a RowHandlingError. Resolves with
 * the statement's result, whose `rows` stays empty.
 */
export function streamTextRows(
  client: pg.ClientBase,
  statement: pg.QueryConfig,
  columns: readonly string[],
  onRow: (values: TextRow) => void,
): Promise<pg.QueryResult> {
  return new Promise((resolve, reject) => {
    const config: pg.QueryArrayConfig = { ...statement, rowMode: 'array', types: TEXT_COLUMNS };
    const query = new pg.Query(config);
    let failure: RowHandlingError | undefined;
    let checked = false;
    const check = (fields: readonly { name: string }[]) => {
      checked = true;
      const names = fields.map((field) => field.name);
      if (names.join(',') !== columns.join(',')) {
        failure = new RowHandlingError(
          `the statement returns columns [${names.join(', ')}], expected [${columns.join(', ')}]`,
        );
      }
    };
    query.on('row', (row: TextRow, result?: pg.QueryResult) => {
      if (!checked && result) check(result.fields);
      if (failure) return;
      try {
        onRow(row);
      } catch (error) {
        failure =
          error instanceof RowHandlingError
            ? error
            : new RowHandlingError(errorMessage(error), { cause: error });
      }
    });
    query.on('error', reject);
    query.on('end', (result: pg.QueryResult) => {
      if (!checked) check(result.fields);
      if (failure) reject(failure);
      else resolve(result);
    });
    void client.query(query);
  });
}
