import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { catalog, exposedName, type MetricDefinition } from '../../src/catalog/index.js';
import { isRecord, listRepoFiles, readRepoFile, readYaml } from './repo-files.js';

const files = listRepoFiles('otel-config', '.yaml', '.yml');
const kinds = ['receivers', 'processors', 'exporters'] as const;

function section(config: Record<string, unknown>, name: string): Record<string, unknown> {
  const value = config[name] ?? {};
  assert.ok(isRecord(value), `${name} is not a mapping`);
  return value;
}

/** Every value anywhere in the document, with its dotted path. */
function* leaves(node: unknown, path = ''): Generator<[string, unknown]> {
  if (isRecord(node)) for (const [key, value] of Object.entries(node)) yield* leaves(value, `${path}.${key}`);
  else if (Array.isArray(node))
    for (const [index, value] of node.entries()) yield* leaves(value, `${path}[${index}]`);
  else yield [path, node];
}

/** Prometheus unit words for the UCUM units the catalog uses (OpenTelemetry's Prometheus compatibility rules). */
const unitWords: Record<string, string> = { '': '', By: 'bytes', s: 'seconds', ms: 'milliseconds', '1': '' };

/**
 * The name a backend that translates OTLP into Prometheus names (remote write, Grafana Cloud's gateway) gives a
 * metric with the given unit: the unit word is appended unless the name has it, a gauge of unit 1 gets _ratio,
 * units in braces add nothing, monotonic sums get _total.
 */
function translatedName(definition: MetricDefinition, unit: string): string {
  let name = definition.name;
  if (!/^\{.*\}$/.test(unit)) {
    const word = unitWords[unit];
    if (word === undefined) throw new Error(`${definition.name}: unit ${unit} is not in unitWords`);
    if (word && !name.split('_').includes(word)) name += `_${word}`;
    if (unit === '1' && definition.kind !== 'counter') name += '_ratio';
  }
  return definition.kind === 'counter' ? `${name}_total` : name;
}

describe('OpenTelemetry Collector configurations', () => {
  it('exist for remote write, OTLP to Grafana Cloud and Kubernetes', () => {
    assert.deepEqual(files, [
      'otel-config/kubernetes.yaml',
      'otel-config/otlp-grafana-cloud.yaml',
      'otel-config/prometheus-remote-write.yaml',
    ]);
  });

  for (const file of files) {
    describe(file, () => {
      const config = readYaml(file);
      assert.ok(isRecord(config), `${file} is not a mapping`);
      const service = section(config, 'service');
      const pipelines = section(service, 'pipelines');

      it('has pipelines that use only components defined in the file, and uses every one', () => {
        assert.ok(Object.keys(pipelines).length > 0);
        for (const kind of kinds) {
          const defined = new Set(Object.keys(section(config, kind)));
          const used = new Set<string>();
          for (const [name, pipeline] of Object.entries(pipelines)) {
            assert.ok(isRecord(pipeline), `pipeline ${name}`);
            const listed = pipeline[kind] ?? [];
            assert.ok(Array.isArray(listed), `${name}.${kind} is not a list`);
            if (kind !== 'processors') assert.ok(listed.length > 0, `pipeline ${name} has no ${kind}`);
            for (const component of listed as string[]) {
              assert.ok(defined.has(component), `pipeline ${name} uses ${kind} ${component}, not defined`);
              used.add(component);
            }
          }
          for (const component of defined)
            assert.ok(used.has(component), `${kind} ${component} is never used`);
        }
      });

      it('enables only defined extensions, and every authenticator is one of them', () => {
        const defined = new Set(Object.keys(section(config, 'extensions')));
        const enabled = (service.extensions ?? []) as string[];
        for (const extension of enabled)
          assert.ok(defined.has(extension), `extension ${extension} is not defined`);
        for (const extension of defined)
          assert.ok(enabled.includes(extension), `extension ${extension} is not enabled`);
        for (const [path, value] of leaves(config)) {
          if (path.endsWith('.authenticator')) {
            assert.ok(
              enabled.includes(String(value)),
              `${path}: ${String(value)} is not an enabled extension`,
            );
          }
        }
      });

      it('reads endpoints and credentials from the environment, never holds them', () => {
        for (const [path, value] of leaves(config)) {
          const secret = /\.(username|password)$/.test(path);
          const destination = path.startsWith('.exporters.') && path.endsWith('.endpoint');
          if (secret || destination) {
            assert.match(String(value), /^\$\{env:[A-Z0-9_]+\}$/, `${path} should come from the environment`);
          }
        }
        const documented = readRepoFile(file);
        for (const match of documented.matchAll(/\$\{env:([A-Z0-9_]+)\}/g)) {
          assert.match(
            documented,
            new RegExp(`^#\\s+${match[1]}\\s`, 'm'),
            `${match[1]} is not described on top`,
          );
        }
      });

      it('never sends delta temporality towards remote write', () => {
        assert.ok(!('cumulativetodelta' in section(config, 'processors')));
      });
    });
  }

  it('keep the names /metrics shows on the OTLP paths, by clearing the unit 1 before translation', () => {
    for (const file of ['otel-config/otlp-grafana-cloud.yaml', 'otel-config/kubernetes.yaml']) {
      assert.match(readRepoFile(file), /- set\(unit, ""\) where unit == "1"/, file);
    }
    const differing = catalog
      .map((definition) => {
        const unit = definition.unit === '1' ? '' : definition.unit;
        return { exposed: exposedName(definition), translated: translatedName(definition, unit) };
      })
      .filter(({ exposed, translated }) => exposed !== translated);
    assert.deepEqual(differing, []);
    // Without the transform, gauges of unit 1 would change name: what the processor is there for.
    assert.equal(
      translatedName(
        { ...catalog.find((definition) => definition.name === 'harbor_exporter_source_up')! },
        '1',
      ),
      'harbor_exporter_source_up_ratio',
    );
  });

  it('adds series labels that no metric of the catalog uses as an attribute', () => {
    const attributes = new Set(catalog.flatMap((definition) => definition.attributes));
    const text = readRepoFile('otel-config/kubernetes.yaml');
    const added = [...text.matchAll(/set\(attributes\["([^"]+)"\]/g)].map((match) => match[1]!);
    assert.deepEqual(added.sort(), ['cluster', 'namespace']);
    for (const label of added) assert.ok(!attributes.has(label), `${label} collides with a metric attribute`);
  });
});
