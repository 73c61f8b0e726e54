import { databaseCollectors } from '../collectors/registry.js';
import type { Collector } from '../collectors/types.js';
import type { ExporterConfig } from '../config/config.js';
import type { Logger } from '../log.js';
import type { Source } from '../refresh/source.js';
import {
  DatabaseSource,
  fixedDatabaseSettings,
  type DatabaseSettingsProvider,
} from './postgres/database-source.js';

/** A source with the collectors enabled for it. */
export interface SourceBinding {
  source: Source<unknown>;
  collectors: readonly Collector<unknown>[];
}

export interface SourceOverrides {
  /** Database settings from somewhere other than the configuration (Kubernetes discovery, the demo). */
  databaseSettings?: DatabaseSettingsProvider;
}

/** Builds the configured sources; a source with no enabled collector is not started. */
export function buildSources(
  config: ExporterConfig,
  log: Logger,
  overrides: SourceOverrides = {},
): SourceBinding[] {
  const bindings: SourceBinding[] = [];
  const enabled = (collectors: readonly Collector<never>[]) =>
    collectors.filter(
      (collector) => config.collectors.get(collector.name) ?? collector.defaultEnabled,
    ) as Collector<unknown>[];

  const databaseSettings =
    overrides.databaseSettings ?? (config.database && fixedDatabaseSettings(config.database));
  const database = enabled(databaseCollectors);
  if (databaseSettings && database.length > 0) {
    bindings.push({
      source: new DatabaseSource(databaseSettings, log.child({ source: 'database' })),
      collectors: database,
    });
  }
  return bindings;
}
