import { endpoints } from '../../sources/harbor-api/endpoints.js';
import type { HarborApiClient } from '../../sources/harbor-api/harbor-api-client.js';
import type { ReplicationExecution } from '../../sources/harbor-api/harbor-types.js';
import { collector } from '../types.js';
import { addStateSet, snakeCase, timestampSeconds } from './api-values.js';

// Harbor 2.0-2.15: /replication/policies (paged), then /replication/executions?policy_id=N&page_size=2 sorted
// newest first, one call per policy. Policies are configuration (a handful to a few dozen), not content, so
// this does not grow with the registry. The second execution is the one reported as the last finished while
// the newest is still in progress.
const STATUSES: Record<string, string> = {
  InProgress: 'in_progress',
  Succeed: 'succeeded',
  Failed: 'failed',
  Stopped: 'stopped',
};
const STATUS_VALUES = Object.values(STATUSES);

export const replicationCollector = collector<HarborApiClient>({
  name: 'replication',
  source: 'api',
  defaultEnabled: true,
  help: "Replication policies by state, trigger and enablement; each policy's latest execution (status, start, end, tasks) and its last finished one.",
  async collect({ client, out }) {
    const policies = await client.list(endpoints.replicationPolicies);
    if (!policies) return;
    const enabled = policies.filter((policy) => policy.enabled).length;
    out.add('harbor_replication_policies', enabled, { enabled: 'true' });
    out.add('harbor_replication_policies', policies.length - enabled, { enabled: 'false' });
    for (const policy of policies) {
      if (!policy.name) continue;
      out.add('harbor_replication_policy_info', 1, {
        policy: policy.name,
        enabled: String(policy.enabled === true),
        trigger: policy.trigger?.type || 'manual',
      });
    }

    const latest = await Promise.all(
      policies.map(async (policy) => {
        const executions = await client.get(endpoints.replicationExecutions, {
          policy_id: policy.id ?? 0,
          page: 1,
          page_size: 2,
          sort: '-start_time',
        });
        return { policy, executions: Array.isArray(executions) ? executions : [] };
      }),
    );
    for (const { policy, executions } of latest) {
      const [execution, previous] = executions;
      if (!execution || !policy.name) continue;
      const attributes = { policy: policy.name };
      const status = statusOf(execution);
      const finished = status === 'in_progress' && previous ? previous : execution;
      out.add('harbor_replication_last_finished_execution_succeeded', succeeded(finished), attributes);
      for (const [name, count] of Object.entries(taskCounts(finished))) {
        out.add('harbor_replication_last_finished_execution_tasks', count, { ...attributes, status: name });
      }
      addStateSet(out, 'harbor_replication_last_execution_status', STATUS_VALUES, status, attributes);
      out.add('harbor_replication_last_execution_succeeded', succeeded(execution), attributes);
      const start = timestampSeconds(execution.start_time);
      const end = timestampSeconds(execution.end_time);
      if (start !== undefined)
        out.add('harbor_replication_last_execution_start_timestamp_seconds', start, attributes);
      if (end !== undefined && status !== 'in_progress')
        out.add('harbor_replication_last_execution_end_timestamp_seconds', end, attributes);
      for (const [name, count] of Object.entries(taskCounts(execution))) {
        out.add('harbor_replication_last_execution_tasks', count, { ...attributes, status: name });
      }
    }
  },
});

function statusOf(execution: ReplicationExecution): string {
  return STATUSES[execution.status ?? ''] ?? snakeCase(execution.status || 'unknown');
}

function succeeded(execution: ReplicationExecution): number {
  return statusOf(execution) === 'succeeded' ? 1 : 0;
}

function taskCounts(execution: ReplicationExecution): Record<string, number> {
  return {
    succeeded: execution.succeed ?? 0,
    failed: execution.failed ?? 0,
    in_progress: execution.in_progress ?? 0,
    stopped: execution.stopped ?? 0,
  };
}
