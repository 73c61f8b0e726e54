import type { RegistryStorageProbe } from '../../sources/storage/registry-storage.js';
import { collector } from '../types.js';

export const registryStorageCollector = collector<RegistryStorageProbe>({
  name: 'registry-storage',
  source: 'storage',
  defaultEnabled: true,
  help: "The registry's storage driver, and for filesystem storage the size, used and available bytes of its volume.",
  async collect({ client, out, signal }) {
    const storage = await client.measure(signal);
    out.add('harbor_registry_storage_info', 1, { driver: storage.driver, directory: storage.directory });
    if (!storage.volume) return;
    out.add('harbor_registry_storage_size_bytes', storage.volume.sizeBytes);
    out.add('harbor_registry_storage_used_bytes', storage.volume.usedBytes);
    out.add('harbor_registry_storage_available_bytes', storage.volume.availableBytes);
  },
});
