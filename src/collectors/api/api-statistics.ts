import { endpoints } from '../../sources/harbor-api/endpoints.js';
import type { HarborApiClient } from '../../sources/harbor-api/harbor-api-client.js';
import { collector } from '../types.js';

// /statistics (Harbor 2.0-2.15): one call. Its total storage is the database's blob bytes plus system
// artifact bytes in one figure, so it is published as kind="all". Harbor fills the totals only for a system
// administrator and writes 0 for anyone else; a total below the public project count gives that away, and then
// nothing is published rather than a false 0. Stands in for the database's storage metric without a database.
export const apiStatisticsCollector = collector<HarborApiClient>({
  name: 'api-statistics',
  source: 'api',
  defaultEnabled: true,
  help: "Without a database: total storage as Harbor's statistics count it (/statistics; needs a system administrator).",
  async collect({ client, out }) {
    const statistics = await client.get(endpoints.statistics);
    if (statistics?.total_storage_consumption === undefined) return;
    const hidden = (statistics.total_project_count ?? 0) < (statistics.public_project_count ?? 0);
    if (hidden) return;
    out.add('harbor_storage_consumption_bytes', statistics.total_storage_consumption, { kind: 'all' });
  },
});
