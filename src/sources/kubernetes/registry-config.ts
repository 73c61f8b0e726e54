import { parse as parseYaml } from 'yaml';

/** Keys of distribution's `storage` section that configure behaviour, not the driver. */
const STORAGE_OPTIONS = new Set(['cache', 'maintenance', 'delete', 'redirect', 'tag']);

/** The chart's default for imageChartStorage.filesystem.rootdirectory. */
const DEFAULT_ROOT_DIRECTORY = '/storage';

export interface RegistryStorageConfig {
  driver: string;
  /** For the filesystem driver: the directory the blobs live under. */
  rootDirectory?: string;
}

/** Reads the storage driver from the registry's config.yml (ConfigMap `<fullname>-registry`). */
export function registryStorageConfig(text: string): RegistryStorageConfig {
  const config = parseYaml(text) as { storage?: Record<string, unknown> } | null;
  const storage = config?.storage;
  if (!storage || typeof storage !== 'object') throw new Error('config.yml has no storage section');
  const drivers = Object.keys(storage).filter((key) => !STORAGE_OPTIONS.has(key));
  if (drivers.length !== 1) {
    throw new Error(
      `config.yml names ${drivers.length} storage drivers (${drivers.join(', ')}); expected one`,
    );
  }
  const driver = drivers[0]!;
  if (driver !== 'filesystem') return { driver };
  const options = storage.filesystem as { rootdirectory?: unknown } | null;
  const rootDirectory = options?.rootdirectory ?? DEFAULT_ROOT_DIRECTORY;
  // Passed to df as one argument, never through a shell; still, only an absolute path is a directory to measure.
  if (typeof rootDirectory !== 'string' || !rootDirectory.startsWith('/')) {
    throw new Error(`storage.filesystem.rootdirectory "${String(rootDirectory)}" is not an absolute path`);
  }
  return { driver, rootDirectory };
}
