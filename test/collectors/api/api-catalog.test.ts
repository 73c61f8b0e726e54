import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiFallbacks, apiMetrics } from '../../../src/catalog/api-metrics.js';
import { catalog } from '../../../src/catalog/index.js';
import { apiCollectors, apiFallbackCollectors, databaseCollectors } from '../../../src/wiring.js';
import {
  HarborApiSource,
  fixedHarborApiSettings,
} from '../../../src/sources/harbor-api/harbor-api-source.js';
import { silentLogger } from '../../../src/log.js';

describe('API metrics in the catalog', () => {
  const names = new Set(catalog.map((definition) => definition.name));

  it('gives every API metric a registered API collector, or the source itself', () => {
    const collectors = new Set(apiCollectors.map((collector) => collector.name));
    for (const definition of apiMetrics) {
      assert.equal(definition.source, 'api', definition.name);
      assert.ok(definition.collector === 'source' || collectors.has(definition.collector), definition.name);
    }
    for (const collector of apiCollectors) assert.equal(collector.source, 'api', collector.name);
  });

  it("names the source's up metric in the catalog", () => {
    const source = new HarborApiSource(
      fixedHarborApiSettings({
        url: 'http://127.0.0.1:9',
        insecureSkipVerify: false,
        requestTimeoutMs: 1000,
        maxConcurrency: 1,
        maxResponseBytes: 2_097_152,
        maxListItems: 50_000,
      }),
      silentLogger,
    );
    const up = catalog.find((definition) => definition.name === source.upMetric);
    assert.equal(up?.collector, 'source');
    assert.equal(up?.source, 'api');
  });

  it('publishes no compatibility name that is also a metric of the catalog', () => {
    for (const definition of apiMetrics) {
      for (const alias of definition.compat ?? [])
        assert.ok(!names.has(alias.name), `${definition.name} → ${alias.name}`);
    }
  });

  it('stands in only for database metrics, with a registered fallback collector, never one of its own', () => {
    const fallbacks = new Set(apiFallbackCollectors.map((collector) => collector.name));
    const database = new Set(databaseCollectors.map((collector) => collector.name));
    for (const { metric, collector } of apiFallbacks) {
      const definition = catalog.find((candidate) => candidate.name === metric)!;
      assert.equal(definition.source, 'database', metric);
      assert.ok(database.has(definition.collector), `${metric} belongs to a database collector`);
      assert.deepEqual(definition.fallback, { source: 'api', collector });
      assert.ok(fallbacks.has(collector), collector);
    }
    for (const collector of apiFallbackCollectors) {
      assert.equal(collector.source, 'api');
      assert.ok(
        apiFallbacks.some((fallback) => fallback.collector === collector.name),
        collector.name,
      );
      assert.ok(!apiMetrics.some((definition) => definition.collector === collector.name), collector.name);
    }
  });
});
