import type { Point } from '../../../src/collectors/observations.js';
import { silentLogger } from '../../../src/log.js';
import { DatabaseSource, fixedDatabaseSettings } from '../../../src/sources/postgres/database-source.js';
import { startSimulatedHarbor, type SimulatedHarbor } from '../../harness/harbor-api-simulator.js';
import type { SyntheticHarborOptions } from '../../../src/demo/synthetic-harbor.js';

/** One synthetic Harbor read both ways: through its database and through the API simulator on top of it. */
export interface SameRegistry {
  harbor: SimulatedHarbor;
  database: DatabaseSource;
  stop(): Promise<void>;
}

export async function sameRegistry(options: SyntheticHarborOptions): Promise<SameRegistry> {
  const harbor = await startSimulatedHarbor(options);
  const database = new DatabaseSource(fixedDatabaseSettings(harbor.db.settings), silentLogger);
  return {
    harbor,
    database,
    async stop() {
      await database.close();
      await harbor.stop();
    },
  };
}

/** A metric's series as sorted `attributes value` lines, to compare what two sources published. */
export function seriesOf(points: ReadonlyMap<string, readonly Point[]>, metric: string): string[] {
  return (points.get(metric) ?? [])
    .map((point) => `${JSON.stringify(Object.entries(point.attributes).sort())} ${point.value}`)
    .sort();
}
