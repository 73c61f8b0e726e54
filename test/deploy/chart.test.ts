import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { envName, settings } from '../../src/config/settings.js';
import { collectorSwitches } from '../../src/wiring.js';
import {
  blockProblems,
  definedTemplates,
  includedTemplates,
  valuesPaths,
  yamlSkeleton,
} from './go-template.js';
import { isRecord, listRepoFiles, parseYamlText, readRepoFile, readYaml, repoRoot } from './repo-files.js';

const chart = 'charts/harbor-exporter';
const templateFiles = listRepoFiles(`${chart}/templates`, '.yaml', '.tpl', '.txt');
const manifestFiles = templateFiles.filter((file) => file.endsWith('.yaml'));
const templates = new Map(templateFiles.map((file) => [file, readRepoFile(file)]));
const values = readYaml(`${chart}/values.yaml`);

/** Settings the chart leaves to extraEnv, each with the reason. */
const settingsNotInChart = new Map([
  ['config.file', 'the chart sets everything through the environment'],
  [
    'storage.local-path',
    'docker compose only; in Kubernetes storage is measured with df in the registry pod',
  ],
  ['database.idle-session-timeout', 'the exporter default is the documented reaping bound'],
  ['database.connect-timeout', 'rarely changed; extraEnv'],
  ['web.config.file', 'passed as --web.config.file when web.configSecret names the mounted Secret'],
  ['harbor.max-response-bytes', 'rarely changed; extraEnv'],
  ['harbor.max-list-items', 'rarely changed; extraEnv'],
  ['web.max-connections', 'rarely changed; extraEnv'],
  ['web.response-timeout', 'rarely changed; extraEnv'],
  ['web.status-page', 'rarely changed; extraEnv'],
  ['otlp.disabled', 'an empty otlp.endpoint; OTEL_SDK_DISABLED through extraEnv'],
]);

function valueAt(path: string): unknown {
  let node: unknown = values;
  for (const part of path.split('.')) {
    if (!isRecord(node) || !(part in node)) return undefined;
    node = node[part];
  }
  return node;
}

describe('Helm chart', () => {
  it('has a v2 Chart.yaml whose appVersion is the package version', () => {
    const chartYaml = readYaml(`${chart}/Chart.yaml`);
    const pkg = JSON.parse(readRepoFile('package.json')) as { version: string };
    assert.ok(isRecord(chartYaml));
    assert.equal(chartYaml.apiVersion, 'v2');
    assert.equal(chartYaml.name, 'harbor-exporter');
    assert.equal(chartYaml.appVersion, pkg.version);
    assert.match(String(chartYaml.version), /^\d+\.\d+\.\d+$/);
  });

  it('has balanced template delimiters and blocks in every template', () => {
    assert.ok(templateFiles.length >= 6, `templates found: ${templateFiles.join(', ')}`);
    for (const [file, text] of templates) assert.deepEqual(blockProblems(text), [], file);
  });

  it('gives static YAML that parses and names a kind in every manifest template', () => {
    for (const file of manifestFiles) {
      const skeleton = parseYamlText(yamlSkeleton(templates.get(file)!), file);
      assert.ok(isRecord(skeleton), `${file} is not a mapping`);
      assert.equal(typeof skeleton.apiVersion, 'string', `${file} has no apiVersion`);
      assert.equal(typeof skeleton.kind, 'string', `${file} has no kind`);
    }
  });

  it('reads only values that values.yaml declares', () => {
    for (const [file, text] of templates) {
      for (const path of valuesPaths(text)) {
        assert.notEqual(valueAt(path), undefined, `${file} reads .Values.${path}, missing from values.yaml`);
      }
    }
  });

  it('includes only templates that are defined', () => {
    const defined = new Set([...templates.values()].flatMap(definedTemplates));
    for (const [file, text] of templates) {
      for (const name of includedTemplates(text))
        assert.ok(defined.has(name), `${file} includes undefined ${name}`);
    }
  });

  it('sets only HARBOR_EXPORTER_* variables that are real settings', () => {
    const known = new Set(settings.map((spec) => envName(spec.key)));
    const fileForms = new Set(
      settings.filter((spec) => spec.secret).map((spec) => envName(`${spec.key}-file`)),
    );
    let seen = 0;
    for (const [file, text] of templates) {
      for (const match of text.matchAll(/HARBOR_EXPORTER_[A-Z0-9_]*/g)) {
        const name = match[0];
        seen++;
        if (name === 'HARBOR_EXPORTER_COLLECTOR_') {
          // Followed by the collector's name from values.collectors.
          assert.ok(
            text.startsWith('{{', match.index + name.length),
            `${file}: ${name} without a collector name`,
          );
          continue;
        }
        assert.ok(known.has(name) || fileForms.has(name), `${file} sets ${name}, which is no setting`);
      }
    }
    assert.ok(seen > 20, `only ${seen} variables found`);
  });

  it('offers every setting except the few it leaves to extraEnv', () => {
    const deployment = templates.get(`${chart}/templates/deployment.yaml`)!;
    for (const spec of settings) {
      if (settingsNotInChart.has(spec.key)) continue;
      const names = [envName(spec.key), envName(`${spec.key}-file`)];
      assert.ok(
        names.some((name) => deployment.includes(`"${name}"`)),
        `setting ${spec.key} (${names[0]}) is not set by the chart; add a value or list it in settingsNotInChart`,
      );
    }
    for (const key of settingsNotInChart.keys()) {
      assert.ok(
        settings.some((spec) => spec.key === key),
        `${key} is no longer a setting`,
      );
    }
  });

  it('switches only collectors that exist', () => {
    const names = new Set(collectorSwitches().map((collector) => collector.name));
    const collectors = valueAt('collectors');
    assert.ok(isRecord(collectors));
    for (const name of Object.keys(collectors))
      assert.ok(names.has(name), `values.collectors.${name} is no collector`);
  });

  it('runs the container locked down, on the default port, with both probes', () => {
    assert.equal(valueAt('replicaCount'), 1);
    assert.equal(valueAt('podSecurityContext.runAsNonRoot'), true);
    assert.equal(valueAt('securityContext.readOnlyRootFilesystem'), true);
    assert.equal(valueAt('securityContext.allowPrivilegeEscalation'), false);
    assert.deepEqual(valueAt('securityContext.capabilities.drop'), ['ALL']);
    const listen = settings.find((spec) => spec.key === 'web.listen-address')!.default;
    assert.equal(`:${String(valueAt('containerPort'))}`, listen);
    assert.equal(valueAt('livenessProbe.httpGet.path'), '/healthz');
    assert.equal(valueAt('readinessProbe.httpGet.path'), '/readyz');
    assert.equal(valueAt('livenessProbe.httpGet.port'), 'metrics');
    assert.ok(isRecord(valueAt('resources.requests')) && isRecord(valueAt('resources.limits')));
    assert.equal(valueAt('kubernetes.enabled'), true);
    const deployment = templates.get(`${chart}/templates/deployment.yaml`)!;
    assert.match(deployment, /- name: metrics\n\s+containerPort:/);
    for (const attribute of ['k8s.pod.name', 'k8s.namespace.name', 'k8s.node.name']) {
      assert.ok(readRepoFile(`${chart}/templates/_helpers.tpl`).includes(`${attribute}=$(`), attribute);
    }
  });

  it('ships the alert rules of alerts/ unchanged for the PrometheusRule', () => {
    const copy = join(chart, 'files', 'harbor-exporter.rules.yaml');
    assert.ok(existsSync(join(repoRoot, copy)), `${copy} is missing`);
    assert.equal(
      readRepoFile(copy),
      readRepoFile('alerts/harbor-exporter.rules.yaml'),
      `copy alerts/harbor-exporter.rules.yaml to ${copy}`,
    );
  });
});
