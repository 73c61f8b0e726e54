import { endpoints } from '../../sources/harbor-api/endpoints.js';
import type { HarborApiClient } from '../../sources/harbor-api/harbor-api-client.js';
import { collector } from '../types.js';

// /registries (Harbor 2.0-2.15), paged: the endpoints replication talks to; `status` is Harbor's last health
// check of each ("healthy", "unhealthy", or empty before the first check).
export const registriesCollector = collector<HarborApiClient>({
  name: 'registries',
  source: 'api',
  defaultEnabled: true,
  help: 'Health of the registry endpoints Harbor replicates with (/registries).',
  async collect({ client, out }) {
    const registries = await client.list(endpoints.registries);
    for (const registry of registries ?? []) {
      if (!registry.name) continue;
      out.add('harbor_registry_endpoint_healthy', registry.status === 'healthy' ? 1 : 0, {
        registry: registry.name,
        type: registry.type ?? '',
      });
    }
  },
});
