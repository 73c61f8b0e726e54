import type { Source, SourceSession } from '../source.js';
import type { RegistryStorageProbe } from './registry-storage.js';

/** The registry's storage as a source; collectors get the probe, which measures on demand. */
export class RegistryStorageSource implements Source<RegistryStorageProbe> {
  readonly name = 'storage' as const;
  readonly concurrency = 1;

  constructor(private readonly probe: RegistryStorageProbe) {}

  async beginRefresh(): Promise<SourceSession<RegistryStorageProbe>> {
    return { client: this.probe };
  }

  async close(): Promise<void> {}
}
