import { databaseHealthCollector } from './database/database-health.js';
import { projectsCollector } from './database/projects.js';
import type { Collector } from './types.js';

/**
 * Every collector, by source. Adding a collector means writing its file and listing it here; flags,
 * --help and the docs follow from this list and the catalog.
 */
export const databaseCollectors: readonly Collector<never>[] = [projectsCollector, databaseHealthCollector];

export const allCollectors: readonly Collector<never>[] = [...databaseCollectors];
