import { statfs } from 'node:fs/promises';
import type { RegistryStorage, RegistryStorageProbe } from './registry-storage.js';

/**
 * The registry's storage mounted into the exporter's container (docker compose: Harbor's data volume,
 * read-only), measured with statfs. Figures follow df: used = (blocks - free) and available = blocks an
 * unprivileged writer may still take, each times the block size.
 */
export class LocalRegistryStorage implements RegistryStorageProbe {
  constructor(private readonly directory: string) {}

  async measure(signal: AbortSignal): Promise<RegistryStorage> {
    signal.throwIfAborted();
    const stats = await statfs(this.directory, { bigint: true }).catch((error: unknown) => {
      throw new Error(`statfs ${this.directory}: ${(error as Error).message}`, { cause: error });
    });
    const bytes = (blocks: bigint) => Number(blocks * stats.bsize);
    return {
      driver: 'filesystem',
      directory: this.directory,
      volume: {
        sizeBytes: bytes(stats.blocks),
        usedBytes: bytes(stats.blocks - stats.bfree),
        availableBytes: bytes(stats.bavail),
      },
    };
  }
}
