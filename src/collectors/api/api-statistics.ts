import { endpoints } from '../../sources/harbor-api/endpoints.js';
import type { HarborApiClient } from '../../sources/harbor-api/harbor-api-client.js';
import type { Statistic } from '../../sources/harbor-api/harbor-types.js';
import type { Collector } from '../types.js';

// /statistics (Harbor 2.0-2.15): one call. Its total storage is the database's blob bytes plus system
// artifact bytes in one figure, so it is published as kind="all"; Harbor fills it only for a system
// administrator (a robot sees 0). Stands in for the database's storage metric when no database is configured.
export const apiStatisticsCollector: Collector<HarborApiClient> = {
  name: 'api-statistics',
  source: 'api',
  defaultEnabled: true,
  help: "Without a database: total storage as Harbor's statistics count it (/statistics; needs a system administrator).",
  async collect({ client, out }) {
    const statistics = await client.get<Statistic>(endpoints.statistics);
    if (statistics?.total_storage_consumption === undefined) return;
    out.add('harbor_storage_consumption_bytes', statistics.total_storage_consumption, { kind: 'all' });
  },
};
