import { endpoints } from '../../sources/harbor-api/endpoints.js';
import type { HarborApiClient } from '../../sources/harbor-api/harbor-api-client.js';
import type { Statistic } from '../../sources/harbor-api/harbor-types.js';
import type { Collector } from '../types.js';

// /statistics (Harbor 2.0-2.15): one call. Totals (storage) are filled only for system administrators and
// robots with that scope; a zero there may mean "not allowed to see".
export const statisticsCollector: Collector<HarborApiClient> = {
  name: 'statistics',
  source: 'api',
  defaultEnabled: true,
  help: "Repositories by project visibility and total storage, as Harbor's dashboard counts them (/statistics).",
  async collect({ client, out }) {
    const statistics = await client.get<Statistic>(endpoints.statistics);
    if (!statistics) return;
    out.add('harbor_statistics_repositories', statistics.public_repo_count ?? 0, { visibility: 'public' });
    out.add('harbor_statistics_repositories', statistics.private_repo_count ?? 0, { visibility: 'private' });
    if (statistics.total_storage_consumption !== undefined)
      out.add('harbor_statistics_storage_bytes', statistics.total_storage_consumption);
  },
};
