import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { healthCollector } from '../../../src/collectors/api/health.js';
import type { HarborApiSource } from '../../../src/sources/harbor-api/harbor-api-source.js';
import { collectOnce, pointValue } from '../../harness/exporter.js';
import { startSimulatedHarbor, type SimulatedHarbor } from '../../harness/harbor-api-simulator.js';

describe('health collector', () => {
  let harbor: SimulatedHarbor;
  let source: HarborApiSource;

  before(async () => {
    harbor = await startSimulatedHarbor({ repositories: 10, seed: 5 });
    source = harbor.source();
  });
  after(() => harbor.stop());

  it('reports every component healthy, and Harbor healthy, when /health says so', async () => {
    const points = await collectOnce(source, healthCollector);
    assert.equal(pointValue(points, 'harbor_healthy'), 1);
    const components = harbor.simulator.state.components.map((component) => component.name);
    assert.equal(points.get('harbor_component_healthy')?.length, components.length);
    for (const component of components) {
      assert.equal(pointValue(points, 'harbor_component_healthy', { component }), 1, component);
    }
  });

  it('marks an unhealthy component 0, and Harbor unhealthy', async () => {
    const redis = harbor.simulator.state.components.find((component) => component.name === 'redis')!;
    redis.status = 'unhealthy';
    redis.error = 'dial tcp: connection refused';
    try {
      const points = await collectOnce(source, healthCollector);
      assert.equal(pointValue(points, 'harbor_healthy'), 0);
      assert.equal(pointValue(points, 'harbor_component_healthy', { component: 'redis' }), 0);
      assert.equal(pointValue(points, 'harbor_component_healthy', { component: 'core' }), 1);
    } finally {
      redis.status = 'healthy';
      delete redis.error;
    }
  });

  it("answered only as Harbor's API description allows", (t) => harbor.contract.assertClean(t));
});
