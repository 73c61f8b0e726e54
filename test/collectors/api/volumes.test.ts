import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { volumesCollector } from '../../../src/collectors/api/volumes.js';
import { DEFAULT_ACCOUNT } from '../../../src/demo/harbor-api-simulator/simulator.js';
import { collectOnce, pointValue } from '../../harness/exporter.js';
import {
  READ_ONLY_ROBOT,
  startSimulatedHarbor,
  type SimulatedHarbor,
} from '../../harness/harbor-api-simulator.js';

/** A robot that may read everything the exporter reads but system volumes. */
const NO_VOLUMES_ROBOT = {
  username: 'robot$no-volumes',
  password: 'Robot-Secret-2',
  permissions: READ_ONLY_ROBOT.permissions!.filter((permission) => permission !== 'system-volumes'),
};

describe('volumes collector', () => {
  let harbor: SimulatedHarbor;

  before(async () => {
    harbor = await startSimulatedHarbor({
      repositories: 5,
      seed: 4,
      accounts: [DEFAULT_ACCOUNT, READ_ONLY_ROBOT, NO_VOLUMES_ROBOT],
    });
  });
  after(() => harbor.stop());

  it("publishes the total and free bytes of core's data volume, read with the recommended robot", async () => {
    harbor.simulator.state.volume = { total: 53_687_091_200, free: 1_073_741_824 };
    const source = harbor.source({ username: READ_ONLY_ROBOT.username, password: READ_ONLY_ROBOT.password });
    const points = await collectOnce(source, volumesCollector);
    assert.equal(pointValue(points, 'harbor_core_data_volume_bytes', { state: 'total' }), 53_687_091_200);
    assert.equal(pointValue(points, 'harbor_core_data_volume_bytes', { state: 'free' }), 1_073_741_824);
  });

  it('fails, naming the path and the refusal, when the account may not read system volumes', async () => {
    const source = harbor.source({
      username: NO_VOLUMES_ROBOT.username,
      password: NO_VOLUMES_ROBOT.password,
    });
    await assert.rejects(
      collectOnce(source, volumesCollector),
      /GET \/api\/v2\.0\/systeminfo\/volumes: 403 Forbidden \(forbidden\)/,
    );
  });

  it("answered only as Harbor's API description allows", (t) => harbor.contract.assertClean(t));
});
