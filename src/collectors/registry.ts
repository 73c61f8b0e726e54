import { databaseHealthCollector } from './database/database-health.js';
import { projectsCollector } from './database/projects.js';
import type { CollectorSwitch } from '../config/load.js';
import type { Collector } from './types.js';

/**
 * Every collector, by source. Adding a collector means writing its file and listing it here; flags,
 * --help and the docs follow from this list and the catalog.
 */
export const databaseCollectors: readonly Collector<never>[] = [projectsCollector, databaseHealthCollector];

export const allCollectors: readonly Collector<never>[] = [...databaseCollectors];

/** The collectors as configuration sees them (flags, --help). */
export function collectorSwitches(): CollectorSwitch[] {
  return allCollectors.map(({ name, source, defaultEnabled, help }) => ({
    name,
    source,
    defaultEnabled,
    help,
  }));
}
