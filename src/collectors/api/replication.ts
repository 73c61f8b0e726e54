import { endpoints } from '../../sources/harbor-api/endpoints.js';
import type { HarborApiClient } from '../../sources/harbor-api/harbor-api-client.js';
import type { Collector } from '../types.js';
import { addStateSet, timestampSeconds } from './api-values.js';

// Harbor 2.0-2.15: /replication/policies (paged), then /replication/executions?policy_id=N&page_size=1 sorted
// newest first, one call per policy. Policies are configuration (a handful to a few dozen), not content, so
// this does not grow with the registry.
const STATUSES: Record<string, string> = {
  InProgress: 'in_progress',
  Succeed: 'succeeded',
  Failed: 'failed',
  Stopped: 'stopped',
};
const STATUS_VALUES = Object.values(STATUSES);

export const replicationCollector: Collector<HarborApiClient> = {
  name: 'replication',
  source: 'api',
  defaultEnabled: true,
  help: "Replication policies by state, and each policy's latest execution: status, start, end, tasks.",
  async collect({ client, out }) {
    const policies = await client.list(endpoints.replicationPolicies);
    if (!policies) return;
    const enabled = policies.filter((policy) => policy.enabled).length;
    out.add('harbor_replication_policies', enabled, { enabled: 'true' });
    out.add('harbor_replication_policies', policies.length - enabled, { enabled: 'false' });

    const latest = await Promise.all(
      policies.map(async (policy) => {
        const executions = await client.get(endpoints.replicationExecutions, {
          policy_id: policy.id ?? 0,
          page: 1,
          page_size: 1,
          sort: '-start_time',
        });
        return { policy, execution: Array.isArray(executions) ? executions[0] : undefined };
      }),
    );
    for (const { policy, execution } of latest) {
      if (!execution || !policy.name) continue;
      const attributes = { policy: policy.name };
      const status = STATUSES[execution.status ?? ''] ?? (execution.status ?? 'unknown').toLowerCase();
      addStateSet(out, 'harbor_replication_last_execution_status', STATUS_VALUES, status, attributes);
      out.add('harbor_replication_last_execution_succeeded', status === 'succeeded' ? 1 : 0, attributes);
      const start = timestampSeconds(execution.start_time);
      const end = timestampSeconds(execution.end_time);
      if (start !== undefined)
        out.add('harbor_replication_last_execution_start_timestamp_seconds', start, attributes);
      if (end !== undefined && status !== 'in_progress')
        out.add('harbor_replication_last_execution_end_timestamp_seconds', end, attributes);
      const tasks = {
        succeeded: execution.succeed,
        failed: execution.failed,
        in_progress: execution.in_progress,
        stopped: execution.stopped,
      };
      for (const [name, count] of Object.entries(tasks)) {
        out.add('harbor_replication_last_execution_tasks', count ?? 0, { ...attributes, status: name });
      }
    }
  },
};
