import { endpoints } from '../../sources/harbor-api/endpoints.js';
import type { HarborApiClient } from '../../sources/harbor-api/harbor-api-client.js';
import { collector } from '../types.js';

// /systeminfo/volumes (Harbor 2.0-2.15) is a statfs of harbor-core's own /data directory, not of the
// registry's storage: useful for core's volume, meaningless for object storage.
export const volumesCollector = collector<HarborApiClient>({
  name: 'volumes',
  source: 'api',
  defaultEnabled: true,
  help: "Size and free space of harbor-core's own data volume (/systeminfo/volumes).",
  async collect({ client, out }) {
    const volumes = await client.get(endpoints.volumes);
    const storage = volumes?.storage?.[0];
    if (!storage) return;
    if (storage.total !== undefined)
      out.add('harbor_core_data_volume_bytes', storage.total, { state: 'total' });
    if (storage.free !== undefined) out.add('harbor_core_data_volume_bytes', storage.free, { state: 'free' });
  },
});
