import type { HarborApiClient } from '../../sources/harbor-api/harbor-api-client.js';
import { collector } from '../types.js';

// /systeminfo (Harbor 2.0-2.15) is read, authenticated, when each refresh begins: no call of its own here.
// harbor_version and registry_storage_provider_name are shown only to authenticated callers.
export const systemInfoCollector = collector<HarborApiClient>({
  name: 'systeminfo',
  source: 'api',
  defaultEnabled: true,
  help: "Harbor's release, authentication mode, storage provider and read-only state (/systeminfo).",
  async collect({ client, out }) {
    const info = client.systemInfo;
    out.add('harbor_info', 1, {
      version: info.harbor_version ?? '',
      auth_mode: info.auth_mode ?? '',
      storage_provider: info.registry_storage_provider_name ?? '',
      read_only: String(info.read_only ?? false),
      self_registration: String(info.self_registration ?? false),
    });
  },
});
