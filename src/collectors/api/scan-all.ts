import { endpoints } from '../../sources/harbor-api/endpoints.js';
import type { HarborApiClient } from '../../sources/harbor-api/harbor-api-client.js';
import { collector } from '../types.js';
import { snakeCase } from './api-values.js';

// /scans/all/metrics (Harbor 2.0-2.15): the latest "scan all" run. 412 when no scanner is configured: then the
// client reports the endpoint unavailable and this collector has nothing to say.
export const scanAllCollector = collector<HarborApiClient>({
  name: 'scan-all',
  source: 'api',
  defaultEnabled: true,
  help: 'Tasks of the latest "scan all" by status, and whether one is running.',
  async collect({ client, out }) {
    const stats = await client.get(endpoints.scanAllMetrics);
    if (!stats) return;
    out.add('harbor_scan_all_running', stats.ongoing ? 1 : 0);
    for (const [status, count] of Object.entries(stats.metrics ?? {})) {
      out.add('harbor_scan_all_tasks', count, { status: snakeCase(status) });
    }
  },
});
