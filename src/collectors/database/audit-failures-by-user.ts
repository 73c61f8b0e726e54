import type { HarborDatabase } from '../../sources/postgres/database-source.js';
import type { ExporterConfig } from '../../config/config.js';
import type { Collector, CollectorContext, CollectorFactory } from '../types.js';
import { AuditEventCounter, failedOperations, splitAuditKey } from './audit-events.js';

/** The series that holds the failed operations of every user beyond the top N. */
export const OTHER_USERS = '__other__';

/**
 * Who fails most: failed operations (Harbor >= 2.13) by user name and operation, for the N users with the most
 * (--audit-failures.top-users), the rest summed as one series per operation. Off by default: user names are
 * personal data and, for failed logins, whatever was typed. The sum over users equals harbor_audit_failed_operations
 * summed by operation. A user entering the top N takes its failures out of `__other__`, which then goes down and
 * counts as a counter reset.
 */
export const auditFailuresByUserCollector: CollectorFactory<HarborDatabase, AuditFailuresByUserOptions> = {
  name: 'audit-failures-by-user',
  source: 'database',
  defaultEnabled: false,
  help: `Failed operations by user name for the users with the most (--audit-failures.top-users), the rest summed as user="${OTHER_USERS}"; counted incrementally.`,
  create: (options) => new AuditFailuresByUserCollector(options),
};

export type AuditFailuresByUserOptions = Pick<ExporterConfig, 'failuresTopUsers'>;

/** Keeps its exporter's count of failed operations per user between refreshes. */
export class AuditFailuresByUserCollector implements Collector<HarborDatabase> {
  readonly name = auditFailuresByUserCollector.name;
  private readonly failures = new AuditEventCounter(failedOperations('failed operations by user', 'user'));

  constructor(private readonly options: AuditFailuresByUserOptions) {}

  async collect({ client, out }: CollectorContext<HarborDatabase>): Promise<void> {
    const counts = await this.failures.count(client);
    const byUser = new Map<string, Map<string, number>>();
    const totals = new Map<string, number>();
    for (const key of counts.keys()) {
      const { first: user, second: operation } = splitAuditKey(key);
      const failed = counts.get(key) ?? 0;
      let operations = byUser.get(user);
      if (!operations) byUser.set(user, (operations = new Map()));
      operations.set(operation, failed);
      totals.set(user, (totals.get(user) ?? 0) + failed);
    }
    // A user literally named like the catch-all series is counted in it rather than published twice.
    const top = new Set(
      [...totals]
        .filter(([user]) => user !== OTHER_USERS)
        .sort(([userA, a], [userB, b]) => b - a || (userA < userB ? -1 : 1))
        .slice(0, this.options.failuresTopUsers)
        .map(([user]) => user),
    );
    const rest = new Map<string, number>();
    for (const [user, operations] of byUser) {
      for (const [operation, failed] of operations) {
        if (top.has(user)) out.add('harbor_audit_failed_operations_by_user', failed, { user, operation });
        else rest.set(operation, (rest.get(operation) ?? 0) + failed);
      }
    }
    for (const [operation, failed] of rest) {
      out.add('harbor_audit_failed_operations_by_user', failed, { user: OTHER_USERS, operation });
    }
  }
}
