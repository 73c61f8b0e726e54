import { endpoints } from '../../sources/harbor-api/endpoints.js';
import type { HarborApiClient } from '../../sources/harbor-api/harbor-api-client.js';
import { collector } from '../types.js';

// /health (Harbor 2.0-2.15): core asks every component, so it costs more than most calls; once per refresh.
export const healthCollector = collector<HarborApiClient>({
  name: 'health',
  source: 'api',
  defaultEnabled: true,
  help: 'Health of Harbor and of each of its components, as /health reports it.',
  async collect({ client, out }) {
    const health = await client.get(endpoints.health);
    if (!health) return;
    out.add('harbor_healthy', health.status === 'healthy' ? 1 : 0);
    for (const component of health.components ?? []) {
      if (!component.name) continue;
      out.add('harbor_component_healthy', component.status === 'healthy' ? 1 : 0, {
        component: component.name,
      });
    }
  },
});
