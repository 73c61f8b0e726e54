import { endpoints } from '../../sources/harbor-api/endpoints.js';
import type { HarborApiClient } from '../../sources/harbor-api/harbor-api-client.js';
import { collector } from '../types.js';

// /quotas?reference=project (Harbor 2.0-2.15), paged: hard and used storage per project; a hard limit of -1
// means none. Stands in for the database's quota metrics when no database is configured.
export const apiQuotasCollector = collector<HarborApiClient>({
  name: 'api-quotas',
  source: 'api',
  defaultEnabled: true,
  help: "Without a database: each project's storage quota and usage (/quotas).",
  async collect({ client, out }) {
    const quotas = await client.list(endpoints.quotas, { reference: 'project' });
    for (const quota of quotas ?? []) {
      const project = quota.ref?.name;
      if (!project) continue;
      const hard = quota.hard?.storage;
      const unlimited = hard === undefined || hard < 0;
      out.add('harbor_project_quota_unlimited', unlimited ? 1 : 0, { project });
      if (!unlimited) out.add('harbor_project_quota_limit_bytes', hard, { project });
      out.add('harbor_project_quota_used_bytes', quota.used?.storage ?? 0, { project });
    }
  },
});
