import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { breaksContract } from '../../src/demo/harbor-api-simulator/faults.js';
import type { SimulatorAnswer } from '../../src/demo/harbor-api-simulator/simulator.js';

// ajv-formats is CommonJS: under ESM its plugin is the default export's `default`.
const addFormats =
  (addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  (addFormatsModule as unknown as FormatsPlugin);

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Harbor's published API description, kept outside the repository (CI always has it). */
export const SWAGGER_FILE = path.resolve(repoRoot, '..', 'shared', 'harbor', 'swagger-v2.15.2.yaml');

type Schema = Record<string, unknown>;
interface Operation {
  responses: Record<string, { $ref?: string; schema?: Schema; headers?: Record<string, { type?: string }> }>;
}

/**
 * Harbor's API description (Swagger 2.0) turned into validators of the simulator's answers. Stricter than
 * Harbor itself in one way on purpose: an object may only carry the properties the description names, so the
 * simulator cannot invent fields the exporter would then rely on.
 */
export class HarborApiContract {
  private readonly ajv: Ajv;
  private readonly operations: { template: string; pattern: RegExp; literal: number; get?: Operation }[];
  private readonly responses: Record<string, Operation['responses'][string]>;
  private readonly validators = new Map<string, ValidateFunction>();

  private constructor(document: Schema) {
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    for (const format of ['int8', 'int32', 'int64', 'int', 'uint64']) {
      this.ajv.addFormat(format, { type: 'number', validate: (value: number) => Number.isInteger(value) });
    }
    const definitions = document.definitions as Record<string, Schema>;
    this.ajv.addSchema(
      {
        definitions: Object.fromEntries(
          Object.entries(definitions).map(([name, schema]) => [name, toJsonSchema(schema)]),
        ),
      },
      'harbor',
    );
    this.responses = document.responses as HarborApiContract['responses'];
    this.operations = Object.entries(document.paths as Record<string, { get?: Operation }>)
      .map(([template, item]) => ({
        template,
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
        literal: template.split('/').filter((part) => part && !part.startsWith('{')).length,
        get: item.get,
      }))
      .sort((a, b) => b.literal - a.literal);
  }

  /** The contract, or undefined when the description is not there (the check then says it was not run). */
  static load(file = SWAGGER_FILE): HarborApiContract | undefined {
    if (!existsSync(file)) return undefined;
    return new HarborApiContract(parseYaml(readFileSync(file, 'utf8')) as Schema);
  }

  /** What is wrong with one answer; empty when it conforms. */
  check(answer: SimulatorAnswer): string[] {
    const operation = this.operations.find((candidate) => candidate.pattern.test(answer.path));
    if (!operation?.get) {
      return answer.status === 404 || answer.status === 405
        ? this.checkBody(answer, { $ref: '#/definitions/Errors' })
        : [`${answer.method} ${answer.path} is not in Harbor's API description`];
    }
    let response = operation.get.responses[String(answer.status)];
    if (response?.$ref) response = this.responses[response.$ref.replace('#/responses/', '')];
    if (!response) {
      // Harbor answers some statuses its description leaves out (401 on public lists, 422 from parameter
      // validation); those carry Harbor's error body. An undocumented success is a contract breach.
      if (answer.status >= 400) return this.checkBody(answer, { $ref: '#/definitions/Errors' });
      return [`status ${answer.status} is not documented for GET ${operation.template}`];
    }
    const problems: string[] = [];
    for (const [name, header] of Object.entries(response.headers ?? {})) {
      const value = answer.headers[name.toLowerCase()];
      if (value === undefined) continue;
      if (header.type === 'integer' && !/^\d+$/.test(value))
        problems.push(`header ${name} "${value}" is not an integer`);
      if (name === 'Link' && !/^<[^>]+>; rel="(prev|next)"( , <[^>]+>; rel="(prev|next)")?$/.test(value))
        problems.push(`header Link "${value}" is not in Harbor's format`);
    }
    if (response.schema) problems.push(...this.checkBody(answer, response.schema));
    return problems;
  }

  private checkBody(answer: SimulatorAnswer, schema: Schema): string[] {
    if (schema.type === 'string') {
      return answer.headers['content-type']?.startsWith('text/plain') ? [] : ['a text answer was expected'];
    }
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      return ['the body is not JSON'];
    }
    const key = JSON.stringify(schema);
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(schema, 'harbor') as Schema);
      this.validators.set(key, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (error) =>
        `${error.instancePath || '(body)'} ${error.message}${error.params ? ' ' + JSON.stringify(error.params) : ''}`,
    );
  }
}

/**
 * Swagger 2.0 schema → JSON Schema for ajv: x-nullable allows null, refs point into the `harbor` schema, and
 * objects with named properties admit no others.
 */
function toJsonSchema(node: unknown, refBase = ''): unknown {
  if (Array.isArray(node)) return node.map((item) => toJsonSchema(item, refBase));
  if (!node || typeof node !== 'object') return node;
  const schema = node as Schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-') || key === 'example' || key === 'description') continue;
    if (key === '$ref') out.$ref = refBase + String(value);
    else if (key === 'properties')
      out.properties = Object.fromEntries(
        Object.entries(value as Schema).map(([name, property]) => [name, toJsonSchema(property, refBase)]),
      );
    else out[key] = toJsonSchema(value, refBase);
  }
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  if (schema['x-nullable'] === true || schema['x-isnullable'] === true)
    return { anyOf: [out, { type: 'null' }] };
  return out;
}

/** Collects every simulator answer of a test file and checks it against the contract. */
export class ContractRecorder {
  readonly violations: { answer: string; problems: string[] }[] = [];
  checked = 0;
  /** Answers broken on purpose (an injected malformed, oversized or rewritten body): not checked. */
  deliberatelyBroken = 0;

  constructor(readonly contract: HarborApiContract | undefined = HarborApiContract.load()) {}

  record = (answer: SimulatorAnswer): void => {
    if (!this.contract) return;
    if (breaksContract(answer.fault)) {
      this.deliberatelyBroken++;
      return;
    }
    this.checked++;
    const problems = this.contract.check(answer);
    if (problems.length > 0) {
      this.violations.push({
        answer: `${answer.method} ${answer.path}${answer.query} → ${answer.status}`,
        problems,
      });
    }
  };

  /** Fails the test when any answer broke the contract; skips it, saying so, when the description is absent. */
  assertClean(t: TestContext): void {
    if (!this.contract) {
      t.skip(`contract check not run: ${SWAGGER_FILE} is absent`);
      return;
    }
    if (this.violations.length > 0) {
      const shown = this.violations
        .slice(0, 10)
        .map((violation) => `${violation.answer}\n    ${violation.problems.slice(0, 5).join('\n    ')}`)
        .join('\n');
      throw new Error(
        `${this.violations.length} simulator answers broke Harbor's API description:\n${shown}`,
      );
    }
    if (this.checked === 0) throw new Error('no simulator answer was checked');
    t.diagnostic(
      `${this.checked} answers conform to Harbor's API description` +
        (this.deliberatelyBroken
          ? `; ${this.deliberatelyBroken} deliberately malformed ones not checked`
          : ''),
    );
  }
}
