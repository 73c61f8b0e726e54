import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { catalog, exposedName } from '../../src/catalog/index.js';
import { dashboardQueries } from './dashboard-queries.js';
import { isRecord, listRepoFiles, readRepoFile, readYaml } from './repo-files.js';

/** Names as /metrics shows them (counters with _total); compatibility names do not count. */
const attributesByName = new Map(
  catalog.map((definition) => [exposedName(definition), definition.attributes]),
);
/** Labels Prometheus adds to every series of a target. */
const targetLabels = ['job', 'instance'];

interface Usage {
  where: string;
  text: string;
  /** Labels the text refers to besides selectors: legends, $labels in annotations. */
  labels?: string[];
}

function metricNames(text: string): string[] {
  // The exporter's own names, and the process and runtime names every Prometheus client library uses; not
  // labels (nodejs_version=).
  const names = text.matchAll(/\b(?:harbor|process|nodejs)_[a-z0-9_]+\b(?!\s*=(?!=))/g);
  return [...new Set([...names].map((match) => match[0]))];
}

/** Problems with the names and labels of one expression or text, as readable lines. */
function problems({ where, text, labels = [] }: Usage): string[] {
  const found: string[] = [];
  const names = metricNames(text);
  for (const name of names) {
    if (!attributesByName.has(name)) found.push(`${where}: ${name} is not a metric the exporter publishes`);
  }
  const known = new Set([...targetLabels, ...names.flatMap((name) => attributesByName.get(name) ?? [])]);
  for (const match of text.matchAll(/\b((?:harbor|process|nodejs)_[a-z0-9_]+)\{([^}]*)\}/g)) {
    const attributes = new Set([...targetLabels, ...(attributesByName.get(match[1]!) ?? [])]);
    for (const matcher of match[2]!.matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)) {
      if (!attributes.has(matcher[1]!)) found.push(`${where}: ${match[1]} has no label ${matcher[1]}`);
    }
  }
  const grouped = [...text.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)].flatMap((match) =>
    match[1]!.split(',').map((label) => label.trim()),
  );
  for (const label of [...grouped, ...labels].filter(Boolean)) {
    if (!known.has(label)) found.push(`${where}: label ${label} belongs to none of ${names.join(', ')}`);
  }
  return found;
}

function alertRules(): { alert: string; expr: string; annotations: Record<string, string> }[] {
  const file = readYaml('alerts/harbor-exporter.rules.yaml');
  assert.ok(isRecord(file) && Array.isArray(file.groups));
  return file.groups.flatMap(
    (group: { rules: { alert: string; expr: string; annotations: Record<string, string> }[] }) => group.rules,
  );
}

describe('metric names in alerts and dashboards', () => {
  it('alert rules use only published metrics and their labels', () => {
    const rules = alertRules();
    assert.ok(rules.length >= 10);
    const found = rules.flatMap((rule) => {
      const annotations = Object.values(rule.annotations).join('\n');
      const labels = [...annotations.matchAll(/\$labels\.(\w+)/g)].map((match) => match[1]!);
      return [
        ...problems({ where: `alert ${rule.alert}`, text: rule.expr, labels }),
        // Annotations name metrics for the reader to look at; those must exist too.
        ...metricNames(annotations)
          .filter((name) => !attributesByName.has(name))
          .map((name) => `alert ${rule.alert} annotations: ${name} is not published`),
      ];
    });
    assert.deepEqual(found, []);
  });

  it('alert unit tests feed series of published metrics with their labels', () => {
    const found = listRepoFiles('alerts/tests', '.yaml').flatMap((file) => {
      const text = readRepoFile(file);
      return [...text.matchAll(/series: (.+)/g)].flatMap((match) =>
        problems({ where: file, text: match[1]! }),
      );
    });
    assert.deepEqual(found, []);
  });

  it('dashboards query only published metrics, and legends name their labels', () => {
    const queries = dashboardQueries();
    assert.ok(queries.length > 50, `only ${queries.length} queries found`);
    const found = queries.flatMap((query) => {
      const legend = [...(query.legend ?? '').matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1]!);
      return problems({ where: `${query.file} "${query.where}"`, text: query.expr, labels: legend });
    });
    assert.deepEqual(found, []);
  });

  it('covers the catalog: most published metrics appear on a dashboard', () => {
    const used = new Set(dashboardQueries().flatMap((query) => metricNames(query.expr)));
    const unused = [...attributesByName.keys()].filter((name) => !used.has(name));
    // The catalog grows; a dashboard should follow. A few metrics (e.g. database standby details) may stay off.
    assert.ok(
      unused.length <= Math.ceil(attributesByName.size * 0.15),
      `not on any dashboard: ${unused.join(', ')}`,
    );
  });
});
