import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiCollectors, apiFallbackCollectors } from '../../../src/wiring.js';
import { Exporter } from '../../../src/exporter.js';
import { createLogger } from '../../../src/log.js';
import { buildSources } from '../../../src/wiring.js';
import { testConfig } from '../../harness/exporter.js';
import { harborPod, installHarborChart } from '../../harness/fake-kubernetes/harbor-chart.js';
import { EXEC_SUCCESS, FakeKubernetes, type Refusal } from '../../harness/fake-kubernetes/server.js';
import { parsePrometheusText, valueOf, type Sample } from '../../harness/prometheus-text.js';

const namespace = 'harbor';
const ROUNDS = 3;
/** start() refreshes every source once by itself, then the test runs its rounds. */
const REFRESHES = ROUNDS + 1;

interface Outcome {
  samples: Sample[];
  /** Warning lines, as JSON records. */
  warnings: Record<string, string>[];
}

/**
 * Runs a whole exporter against the fake for a few refreshes and returns what it published and logged.
 * The database points at a closed port: every failure here must come from the Kubernetes API.
 */
async function runAgainst(
  fake: FakeKubernetes,
  options: { release?: string; token?: string; refusals?: Refusal[] } = {},
): Promise<Outcome> {
  fake.refusals = options.refusals ?? [];
  const lines: string[] = [];
  const log = createLogger({ level: 'info', format: 'json', write: (line) => lines.push(line) });
  const config = testConfig([
    '--kubernetes.enabled',
    `--kubernetes.namespace=${namespace}`,
    `--kubernetes.release=${options.release ?? 'harbor'}`,
    '--refresh.interval=1h',
    '--database.connect-timeout=2s',
    ...[...apiCollectors, ...apiFallbackCollectors].map((collector) => `--no-collector.${collector.name}`),
  ]);
  const bindings = buildSources(config, log, {
    kubernetes: { kubeConfig: fake.kubeConfig({ token: options.token }), inCluster: false },
  });
  const exporter = new Exporter(config, bindings, log);
  const address = await exporter.start();
  try {
    // One source after the other, Kubernetes' own last, so its error counter includes the round's failures.
    for (let round = 0; round < ROUNDS; round++) {
      for (const runner of exporter.runners) await runner.refresh();
    }
    await exporter.republish();
    const response = await fetch(`http://127.0.0.1:${address.port}/metrics`);
    assert.equal(response.status, 200);
    const samples = parsePrometheusText(await response.text());
    const warnings = lines
      .map((line) => JSON.parse(line) as Record<string, string>)
      .filter((record) => record.level === 'warn');
    return { samples, warnings };
  } finally {
    await exporter.stop();
  }
}

function warningsOf(outcome: Outcome, source: string): Record<string, string>[] {
  return outcome.warnings.filter((record) => record.source === source);
}

describe('Kubernetes API refusals', () => {
  let fake: FakeKubernetes;

  before(async () => {
    fake = await FakeKubernetes.start();
    installHarborChart(fake, {
      namespace,
      release: 'harbor',
      // A closed port: the test is about the API, never about reaching a database.
      database: { host: '127.0.0.1', port: 1, user: 'postgres', name: 'registry', password: 'secret' },
    });
    fake.pods = [
      harborPod({ namespace, release: 'harbor', component: 'registry', name: 'harbor-registry-1' }),
    ];
    fake.onExec = () => ({
      stdout: 'Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/sda 100 40 60 40% /storage\n',
      status: EXEC_SUCCESS,
    });
  });
  after(() => fake.close());

  const success = (outcome: Outcome, source: string, collector: string) =>
    valueOf(outcome.samples, 'harbor_exporter_collector_success', { source, collector });
  const errors = (outcome: Outcome, labels: Record<string, string>) =>
    valueOf(outcome.samples, 'harbor_kubernetes_api_errors_total', labels);

  it('401: every Kubernetes source fails with one log line naming the refused credentials; serving goes on', async () => {
    const outcome = await runAgainst(fake, { token: 'expired-token' });
    assert.equal(valueOf(outcome.samples, 'harbor_kubernetes_up'), 0);
    assert.equal(valueOf(outcome.samples, 'harbor_database_up'), 0);
    assert.equal(success(outcome, 'kubernetes', 'pods'), 0);
    assert.equal(success(outcome, 'storage', 'registry-storage'), 0);
    // Per refresh: the pods list, and the two ConfigMap reads of discovery and the storage probe.
    assert.equal(errors(outcome, { verb: 'list', resource: 'pods', code: '401' }), REFRESHES);
    assert.equal(errors(outcome, { verb: 'get', resource: 'configmaps', code: '401' }), 2 * REFRESHES);
    for (const source of ['database', 'storage', 'kubernetes']) {
      const lines = warningsOf(outcome, source);
      assert.equal(lines.length, 1, `${source}: ${JSON.stringify(lines)}`);
      assert.match(lines[0]!.err!, /Kubernetes API answered 401 .*refused the credentials/);
    }
  });

  it('403: the refused call and the Role to check, for the source that needs it only', async () => {
    const outcome = await runAgainst(fake, { refusals: [{ status: 403, resource: 'secrets' }] });
    assert.equal(valueOf(outcome.samples, 'harbor_database_up'), 0);
    assert.equal(errors(outcome, { verb: 'get', resource: 'secrets', code: '403' }), REFRESHES);
    assert.equal(valueOf(outcome.samples, 'harbor_kubernetes_up'), 1);
    assert.equal(success(outcome, 'kubernetes', 'pods'), 1);
    assert.equal(success(outcome, 'storage', 'registry-storage'), 1);
    const lines = warningsOf(outcome, 'database');
    assert.equal(lines.length, 1, JSON.stringify(lines));
    assert.match(
      lines[0]!.err!,
      /^database discovery: Kubernetes API answered 403 to get secrets harbor-core in namespace harbor: .*forbidden.*\(.*Role/,
    );
    assert.deepEqual(warningsOf(outcome, 'storage'), []);
    assert.deepEqual(warningsOf(outcome, 'kubernetes'), []);
  });

  it('403 on exec: the WebSocket upgrade refusal is reported like any other', async () => {
    const outcome = await runAgainst(fake, { refusals: [{ status: 403, resource: 'pods/exec' }] });
    assert.equal(success(outcome, 'storage', 'registry-storage'), 0);
    assert.equal(errors(outcome, { verb: 'create', resource: 'pods/exec', code: '403' }), REFRESHES);
    const lines = warningsOf(outcome, 'storage');
    assert.equal(lines.length, 1, JSON.stringify(lines));
    assert.match(lines[0]!.err!, /answered 403 to create pods\/exec harbor-registry-1 -c registry/);
  });

  it('404: a wrong release name says which object is missing and what to check', async () => {
    const outcome = await runAgainst(fake, { release: 'nosuch' });
    assert.equal(valueOf(outcome.samples, 'harbor_database_up'), 0);
    assert.equal(success(outcome, 'storage', 'registry-storage'), 0);
    assert.equal(errors(outcome, { verb: 'get', resource: 'configmaps', code: '404' }), 2 * REFRESHES);
    // Listing pods of a release that does not exist is not an error: there are none.
    assert.equal(valueOf(outcome.samples, 'harbor_kubernetes_up'), 1);
    const database = warningsOf(outcome, 'database');
    assert.equal(database.length, 1, JSON.stringify(database));
    assert.match(
      database[0]!.err!,
      /answered 404 to get configmaps nosuch-harbor-core .*kubernetes\.release/,
    );
    const storage = warningsOf(outcome, 'storage');
    assert.equal(storage.length, 1, JSON.stringify(storage));
    assert.match(storage[0]!.err!, /answered 404 to get configmaps nosuch-harbor-registry/);
  });
});
