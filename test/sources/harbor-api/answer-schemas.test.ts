import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { endpoints, type HarborEndpoint } from '../../../src/sources/harbor-api/endpoints.js';
import { SWAGGER_FILE } from '../../harness/swagger-contract.js';

type Schema = Record<string, unknown>;

/**
 * Each schema the exporter checks Harbor's answers against, field by field against Harbor's API description:
 * every field it reads is one Harbor describes (or lies in an object the description leaves open), with the
 * same JSON type. The run-time schemas may be stricter (lengths, a required auth_mode, null where Go writes
 * it), never of another type, so they cannot drift from Harbor's.
 */
describe("run-time answer schemas agree with Harbor's API description", () => {
  const document = existsSync(SWAGGER_FILE)
    ? (parseYaml(readFileSync(SWAGGER_FILE, 'utf8')) as Schema)
    : undefined;
  const definitions = (document?.definitions ?? {}) as Record<string, Schema>;
  const paths = Object.entries((document?.paths ?? {}) as Record<string, { get?: Schema }>).map(
    ([template, item]) => ({
      template,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      literal: template.split('/').filter((part) => part && !part.startsWith('{')).length,
      get: item.get,
    }),
  );

  const resolve = (schema: Schema): Schema => {
    const ref = schema.$ref as string | undefined;
    return ref ? resolve(definitions[ref.replace('#/definitions/', '')]!) : schema;
  };

  /** Where the run-time schema and Harbor's differ in type, by field path; empty when they agree. */
  function differences(ours: Schema, theirs: Schema, where: string): string[] {
    const harbor = resolve(theirs);
    // A property Go may write as null: compare what it is when present.
    if (Array.isArray(ours.anyOf)) {
      const present = (ours.anyOf as Schema[]).filter((branch) => branch.type !== 'null');
      assert.equal(present.length, 1, `${where}: only "X or null" unions are expected`);
      return differences(present[0]!, harbor, where);
    }
    if (
      harbor.type === undefined &&
      harbor.properties === undefined &&
      harbor.additionalProperties === undefined
    )
      return [`${where}: Harbor does not describe it`];
    if (ours.type !== harbor.type && !(ours.type === 'object' && harbor.type === undefined))
      return [`${where}: ${String(ours.type)} here, ${String(harbor.type)} in Harbor's description`];
    if (ours.type === 'array') return differences(ours.items as Schema, harbor.items as Schema, `${where}[]`);
    if (ours.type !== 'object') return [];
    const problems: string[] = [];
    const open = harbor.additionalProperties;
    for (const [name, property] of Object.entries((ours.properties ?? {}) as Record<string, Schema>)) {
      const described = (harbor.properties as Record<string, Schema> | undefined)?.[name];
      if (described) problems.push(...differences(property, described, `${where}.${name}`));
      // An object Harbor leaves open (a quota's `ref`) may hold any field: only its presence is not promised.
      else if (open === undefined || open === false)
        problems.push(`${where}.${name}: not in Harbor's description`);
      else if (typeof open === 'object' && open !== null && Object.keys(open).length > 0)
        problems.push(...differences(property, open as Schema, `${where}.${name}`));
    }
    for (const value of Object.values((ours.patternProperties ?? {}) as Record<string, Schema>)) {
      if (typeof open !== 'object' || open === null)
        problems.push(`${where}: Harbor's description is no map`);
      else problems.push(...differences(value, open as Schema, `${where}.*`));
    }
    return problems;
  }

  const all = Object.entries(endpoints) as [string, HarborEndpoint][];
  for (const [name, endpoint] of all) {
    it(`${name}: GET ${endpoint.path}`, (t) => {
      if (!document) {
        t.skip(`not checked: ${SWAGGER_FILE} is absent`);
        return;
      }
      const operation = paths
        .filter((candidate) => candidate.pattern.test(endpoint.path) && candidate.get)
        .sort((a, b) => b.literal - a.literal)[0];
      assert.ok(operation, `${endpoint.path} is not in Harbor's API description`);
      const responses = operation.get!.responses as Record<string, { schema?: Schema }>;
      const described = responses['200']?.schema;
      assert.ok(described, `GET ${operation.template} describes no answer`);
      assert.deepEqual(differences(endpoint.schema as unknown as Schema, described, name), []);
    });
  }

  it('notices a field of the wrong type', (t) => {
    if (!document) return t.skip('no description');
    assert.deepEqual(
      differences(
        { type: 'object', properties: { artifact_count: { type: 'string' }, colour: { type: 'string' } } },
        { $ref: '#/definitions/Repository' },
        'Repository',
      ),
      [
        "Repository.artifact_count: string here, integer in Harbor's description",
        "Repository.colour: not in Harbor's description",
      ],
    );
  });
});
