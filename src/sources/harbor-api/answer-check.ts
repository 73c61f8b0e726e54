import type { Static, TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

// Checking drops properties the schemas do not list (removeAdditional), so an answer keeps only what is read;
// no coercion: a number sent as a string is an error, not a number.
const ajv = new Ajv({ removeAdditional: true, allErrors: false, coerceTypes: false });
const compiled = new WeakMap<TSchema, ValidateFunction>();

/**
 * Checks an answer against its schema in place (unread properties are dropped) and returns it typed, or
 * returns what is wrong: the first problem, by its place in the answer (`/37/artifact_count must be integer`).
 * Values are not repeated, so a problem never carries what the server sent.
 */
export function checkAnswer<S extends TSchema>(
  schema: S,
  body: unknown,
): { ok: true; value: Static<S> } | { ok: false; problem: string } {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(body)) return { ok: true, value: body as Static<S> };
  return { ok: false, problem: describe(validate.errors?.[0]) };
}

function describe(error: ErrorObject | null | undefined): string {
  if (!error) return 'does not match its schema';
  const where = error.instancePath || '(the answer)';
  return `${where} ${error.message ?? 'is not as expected'}`;
}
