import type { HarborDatabase } from '../../sources/postgres/database-source.js';
import type { Collector, CollectorContext, CollectorFactory } from '../types.js';
import { AuditEventCounter, failedOperations, splitAuditKey } from './audit-events.js';

/**
 * Operations Harbor recorded as failed in audit_log_ext (op_result false, Harbor >= 2.13), by operation and
 * resource type, counted incrementally like pushes: one statement per refresh, none before 2.13. Failed logins
 * to the portal and the API are operation 'login', resource type 'user' (goharbor/harbor
 * src/pkg/auditext/event/login/login.go), when Harbor's audit log records that event type; a failed `docker login`
 * is not recorded. Who failed is not published (cardinality, privacy).
 */
export const auditFailuresCollector: CollectorFactory<HarborDatabase> = {
  name: 'audit-failures',
  source: 'database',
  defaultEnabled: true,
  help: 'Failed operations from the audit log (Harbor >= 2.13), by operation and resource type, failed logins included; counted incrementally.',
  create: () => new AuditFailuresCollector(),
};

/** Keeps its exporter's count of failed operations between refreshes. */
export class AuditFailuresCollector implements Collector<HarborDatabase> {
  readonly name = auditFailuresCollector.name;
  private readonly failures = new AuditEventCounter(failedOperations('failed operations', 'resource type'));

  async collect({ client, out }: CollectorContext<HarborDatabase>): Promise<void> {
    const counts = await this.failures.count(client);
    for (const key of counts.keys()) {
      const { first: operation, second: resourceType } = splitAuditKey(key);
      out.add('harbor_audit_failed_operations', counts.get(key) ?? 0, {
        operation,
        resource_type: resourceType,
      });
    }
  }
}
