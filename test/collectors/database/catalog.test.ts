import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { catalog, exposedName, metricDefinition, type CompatibilitySet } from '../../../src/catalog/index.js';
import { databaseMetrics } from '../../../src/catalog/database-metrics.js';
import { databaseCollectors } from '../../../src/wiring.js';
import { HARBOR_DATABASE_NAMES, SEED_DATABASE_NAMES } from './compat-names.js';

describe('database metric catalog', () => {
  it('gives a compatibility name in a set to one kind and to series that cannot overlap, none a catalog name', () => {
    // A counter alias drops `_total` before publication, so both spellings are taken.
    const catalogNames = new Set(catalog.flatMap((definition) => [definition.name, exposedName(definition)]));
    /** What sets an alias's series apart from another alias of the same name: its fixed labels, its value filter. */
    const seen = new Map<string, { kind: string; apart: Set<string> }>();
    for (const definition of catalog) {
      for (const alias of definition.compat ?? []) {
        const names =
          alias.kind === 'counter' ? [alias.name, alias.name.replace(/_total$/, '')] : [alias.name];
        for (const name of names) {
          assert.equal(
            catalogNames.has(name),
            false,
            `${alias.set} alias ${name} of ${definition.name} is a catalog name`,
          );
          const key = `${alias.set} ${name}`;
          const entry = seen.get(key) ?? { kind: alias.kind, apart: new Set<string>() };
          seen.set(key, entry);
          assert.equal(alias.kind, entry.kind, `${key}: one kind`);
          const apart = JSON.stringify([alias.constantLabels ?? {}, alias.whereValue ?? null]);
          assert.ok(!entry.apart.has(apart), `${key}: given twice with the same series (${definition.name})`);
          entry.apart.add(apart);
        }
      }
    }
  });

  it('renames, maps and drops only attributes the metric has or joins from a catalog metric', () => {
    for (const definition of catalog) {
      for (const alias of definition.compat ?? []) {
        const joined = alias.join ? metricDefinition(alias.join.metric) : undefined;
        for (const attribute of [...(alias.join?.on ?? []), ...(alias.join?.attributes ?? [])]) {
          assert.ok(
            joined!.attributes.includes(attribute),
            `${alias.name}: ${joined!.name} has no ${attribute}`,
          );
        }
        const has = [...definition.attributes, ...(alias.join?.attributes ?? [])];
        const named = [
          ...Object.keys(alias.labels ?? {}),
          ...Object.keys(alias.values ?? {}),
          ...Object.keys(alias.only ?? {}),
          ...(alias.dropAttributes ?? []),
          ...(alias.join?.on ?? []),
        ];
        for (const attribute of named) {
          assert.ok(has.includes(attribute), `${alias.name}: ${definition.name} has no ${attribute}`);
        }
      }
    }
  });

  it('has the seed names and the database names of Harbor’s own exporter', () => {
    const aliases = (set: CompatibilitySet) =>
      new Set(
        catalog
          .flatMap((definition) => (definition.compat ?? []).filter((alias) => alias.set === set))
          .map((alias) => alias.name),
      );
    const seed = aliases('seed');
    for (const name of SEED_DATABASE_NAMES) assert.ok(seed.has(name), name);
    const harbor = aliases('harbor');
    for (const name of HARBOR_DATABASE_NAMES) assert.ok(harbor.has(name), name);
  });

  it('names the Harbor versions of every database metric, and the project of every per-repository one', () => {
    for (const definition of databaseMetrics) {
      assert.ok(definition.harborVersions, `${definition.name} has harborVersions`);
      assert.match(definition.name, /^harbor_/);
      if (definition.kind === 'counter') assert.doesNotMatch(definition.name, /_total$/);
      if (definition.attributes.some((attribute) => attribute === 'repository' || attribute === 'tag'))
        assert.ok(definition.attributes.includes('project'), `${definition.name} carries project`);
    }
  });

  it('has a registered collector for every database metric and a metric for every database collector', () => {
    const collectors = new Set(databaseCollectors.map((collector) => collector.name));
    const emitting = new Set(databaseMetrics.map((definition) => definition.collector));
    for (const name of emitting)
      assert.ok(name === 'source' || collectors.has(name), `collector ${name} is registered`);
    for (const name of collectors) assert.ok(emitting.has(name), `collector ${name} has metrics`);
  });
});
