import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { catalog, exposedName } from '../../../src/catalog/index.js';
import { labelKey, publishedFamily, type Family } from '../../collectors/database/original-definitions.js';
import { startTestExporter, testConfig, type RunningTestExporter } from '../../harness/exporter.js';
import { startSimulatedHarbor, type SimulatedHarbor } from '../../harness/harbor-api-simulator.js';
import { samplesOf, valueOf, type Sample } from '../../harness/prometheus-text.js';

interface PolicyExecutions {
  name: string;
  trigger: string | null;
  /** The two newest executions, newest first, with their task counts by Harbor's task status. */
  executions: { status: string; tasks: Record<string, number> }[] | null;
}

// Each enabled policy's two newest executions with their tasks, straight from the tables.
const ENABLED_POLICIES_SQL = `
SELECT p.name, p.trigger,
       (SELECT json_agg(json_build_object(
                 'status', e.status,
                 'tasks', (SELECT coalesce(json_object_agg(s.status, s.n), '{}')
                           FROM (SELECT t.status, count(*) AS n FROM task t WHERE t.execution_id = e.id
                                 GROUP BY t.status) s))
               ORDER BY e.start_time DESC, e.id DESC)
        FROM (SELECT * FROM execution x WHERE x.vendor_type = 'REPLICATION' AND x.vendor_id = p.id
              ORDER BY x.start_time DESC, x.id DESC LIMIT 2) e) AS executions
FROM replication_policy p
WHERE p.enabled AND NOT coalesce(p.deleted, false)`;

/**
 * c4po/harbor_exporter's replication gauges (metrics_replications.go), computed from the tables: enabled policies
 * that have run; the newest execution, or the one before it when the newest is in progress; 1 when that one
 * succeeded; its tasks by result; the policy's trigger type as repl_trigger_type.
 */
async function c4poReplication(harbor: SimulatedHarbor): Promise<Record<string, Family>> {
  const { rows } = await harbor.db.admin.query<PolicyExecutions>(ENABLED_POLICIES_SQL);
  const status: Family = new Map();
  const tasks: Family = new Map();
  const running = ['Running', 'Pending', 'Scheduled'];
  for (const row of rows) {
    const [newest, previous] = row.executions ?? [];
    if (!newest) continue;
    const reported = running.includes(newest.status) && previous ? previous : newest;
    const labels = {
      repl_pol_name: row.name,
      repl_trigger_type: (JSON.parse(row.trigger ?? '{}') as { type?: string }).type ?? 'manual',
    };
    status.set(labelKey(labels), reported.status === 'Success' ? 1 : 0);
    const count = (...statuses: string[]) =>
      statuses.reduce((sum, name) => sum + (reported.tasks[name] ?? 0), 0);
    const results = {
      failed: count('Error'),
      succeed: count('Success'),
      in_progress: count(...running),
      stopped: count('Stopped'),
    };
    for (const [result, value] of Object.entries(results)) tasks.set(labelKey({ ...labels, result }), value);
  }
  return { harbor_replication_status: status, harbor_replication_tasks: tasks };
}

function assertSameFamily(published: Family, original: Family, name: string) {
  const sorted = (family: Family) => [...family].sort(([a], [b]) => a.localeCompare(b));
  assert.ok(original.size > 0, `${name}: the original has series on this data`);
  assert.deepEqual(sorted(published), sorted(original), name);
}

describe('compatibility names of the API metrics, against what the original exporters computed', () => {
  let harbor: SimulatedHarbor;
  const running: RunningTestExporter[] = [];

  before(async () => {
    harbor = await startSimulatedHarbor({ repositories: 20, seed: 43 });
    // Something to tell apart: an unhealthy component, and a policy whose newest execution still runs.
    harbor.simulator.state.components.find((component) => component.name === 'trivy')!.status = 'unhealthy';
    await harbor.db.admin.query(
      `INSERT INTO execution (vendor_type, vendor_id, status, trigger, start_time)
       VALUES ('REPLICATION', 1, 'Running', 'MANUAL', date_trunc('milliseconds', now() AT TIME ZONE 'UTC'))`,
    );
  });
  after(async () => {
    await Promise.all(running.map((exporter) => exporter.stop()));
    await harbor.stop();
  });

  async function scrape(compat: string): Promise<Sample[]> {
    const exporter = await startTestExporter(
      testConfig([...harbor.exporterFlags(), '--refresh.interval=1h', `--compat=${compat}`]),
    );
    running.push(exporter);
    await exporter.refreshAll();
    return exporter.scrape();
  }

  it("publishes Harbor's health families, and only Harbor's harbor_up when both sets are on", async () => {
    const samples = await scrape('seed,harbor');
    const components = harbor.simulator.state.components;
    const healthy = (status: string) => (status === 'healthy' ? 1 : 0);
    const byComponent = new Map(components.map((c) => [labelKey({ component: c.name }), healthy(c.status)]));
    assertSameFamily(publishedFamily(samples, 'harbor_up'), byComponent, 'harbor_up');
    assertSameFamily(publishedFamily(samples, 'harbor_components_health'), byComponent, 'components');
    const overall = components.every((component) => component.status === 'healthy') ? 1 : 0;
    assert.equal(overall, 0);
    assert.equal(valueOf(samples, 'harbor_health'), overall);
  });

  it("publishes the seed's unlabelled harbor_up when the seed set is on alone", async () => {
    const samples = await scrape('seed');
    assert.deepEqual(
      samplesOf(samples, 'harbor_up').map((sample) => [sample.labels, sample.value]),
      [[{}, 1]],
    );
    assert.equal(valueOf(samples, 'harbor_health'), 0);
  });

  it("publishes c4po's replication gauges: enabled policies, their trigger, the last finished run", async () => {
    const samples = await scrape('seed,harbor');
    const original = await c4poReplication(harbor);
    for (const [name, family] of Object.entries(original))
      assertSameFamily(publishedFamily(samples, name), family, name);
    const { rows } = await harbor.db.admin.query<{ disabled: number }>(
      'SELECT count(*)::int AS disabled FROM replication_policy WHERE NOT enabled',
    );
    assert.ok(rows[0]!.disabled > 0, 'a disabled policy is seeded, and left out');
  });

  it("publishes Harbor's job service families from the queues, pools, workers and schedules", async () => {
    const samples = await scrape('harbor');
    const state = harbor.simulator.state;
    // Harbor's exporter: per known job type and pool, the jobs of that type the pool runs now.
    const concurrency: Family = new Map();
    for (const pool of state.workerPools) {
      for (const queue of state.jobQueues) {
        const busy = state.workers.filter(
          (worker) =>
            worker.pool_id === pool.worker_pool_id && worker.job_id && worker.job_name === queue.job_type,
        ).length;
        concurrency.set(labelKey({ type: queue.job_type, pool: pool.worker_pool_id }), busy);
      }
    }
    assertSameFamily(publishedFamily(samples, 'harbor_task_concurrency'), concurrency, 'concurrency');
    assert.ok(
      [...concurrency.values()].some((value) => value > 0),
      'busy workers are simulated',
    );
    const bySize = new Map(state.jobQueues.map((queue) => [labelKey({ type: queue.job_type }), queue.count]));
    assertSameFamily(publishedFamily(samples, 'harbor_task_queue_size'), bySize, 'queue size');
    const byLatency = new Map(
      state.jobQueues.map((queue) => [labelKey({ type: queue.job_type }), queue.latency]),
    );
    assertSameFamily(publishedFamily(samples, 'harbor_task_queue_latency'), byLatency, 'queue latency');
    // Harbor counted its Redis scheduled queue, which the API does not show: here, the schedules.
    assert.equal(valueOf(samples, 'harbor_task_scheduled_total'), state.schedules.length);
  });

  it('writes every status of the catalog metrics in lower-case snake case, whatever case Harbor uses', async () => {
    const samples = await scrape('seed,harbor');
    const catalogNames = new Set(catalog.map(exposedName));
    const statuses = samples
      .filter((sample) => catalogNames.has(sample.name) && sample.labels.status !== undefined)
      .map((sample) => `${sample.name} ${sample.labels.status}`);
    assert.ok(statuses.some((status) => status.startsWith('harbor_job_last_execution_status ')));
    assert.deepEqual(
      statuses.filter((status) => !/ [a-z][a-z0-9_]*$/.test(status)),
      [],
    );
  });

  it("answered only as Harbor's API description allows", (t) => harbor.contract.assertClean(t));
});
