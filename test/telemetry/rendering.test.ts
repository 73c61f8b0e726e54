import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import type { CompatibilitySet } from '../../src/catalog/index.js';
import { ProjectFilter } from '../../src/refresh/project-filter.js';
import type { Point } from '../../src/collectors/observations.js';
import { SnapshotBuilder } from '../../src/refresh/snapshot.js';
import { gzippedBody, TelemetryPipeline } from '../../src/telemetry/pipeline.js';
import { promtoolCheckMetrics, requirePrometheus } from '../end-to-end/prometheus-server.js';
import { scriptedSourceState } from '../harness/points.js';
import { parsePrometheusText, samplesOf } from '../harness/prometheus-text.js';

const binaries = requirePrometheus();

/** Renders one snapshot holding these points (all from one collector state of the `api` source). */
async function render(points: Record<string, Point[]>, compat: CompatibilitySet[] = []): Promise<string> {
  const state = scriptedSourceState('api', new Map(Object.entries(points)));
  const snapshot = new SnapshotBuilder(new ProjectFilter([], []), { version: '1.2.3' }).build([state]);
  const pipeline = new TelemetryPipeline({ version: '1.2.3', compat: new Set(compat) });
  try {
    const rendered = await pipeline.publish(snapshot);
    const text = gunzipSync(gzippedBody(rendered));
    assert.equal(rendered.plainBytes, text.length);
    return text.toString();
  } finally {
    await pipeline.shutdown();
  }
}

function assertPromtoolClean(text: string): void {
  if ('skip' in binaries) return console.log(`# ${binaries.skip}`);
  assert.deepEqual(promtoolCheckMetrics(binaries.promtool, text), { code: 0, problems: [] });
}

describe('Prometheus rendering', () => {
  it("writes one family per name when two old exporters used the same name, Harbor's harbor_up alone", async () => {
    const text = await render(
      {
        harbor_api_up: [{ attributes: {}, value: 1 }],
        harbor_component_healthy: [
          { attributes: { component: 'core' }, value: 1 },
          { attributes: { component: 'registry' }, value: 0 },
        ],
      },
      ['seed', 'harbor'],
    );
    assert.equal(text.match(/^# TYPE harbor_up /gm)?.length, 1, text);
    assert.equal(text.match(/^# HELP harbor_up /gm)?.length, 1, text);
    const samples = parsePrometheusText(text);
    assert.deepEqual(
      samplesOf(samples, 'harbor_up').map((sample) => [sample.labels, sample.value]),
      // The seed's unlabelled harbor_up yields to Harbor's harbor_up{component}: one meaning per family.
      [
        [{ component: 'core' }, 1],
        [{ component: 'registry' }, 0],
      ],
    );
    assertPromtoolClean(text);
  });

  it('escapes label values that need it, so the text still parses', async () => {
    const awkward = 'team "a" \\ b\nc';
    const text = await render({
      harbor_component_healthy: [{ attributes: { component: awkward }, value: 1 }],
    });
    const [sample] = samplesOf(parsePrometheusText(text), 'harbor_component_healthy');
    assert.equal(sample?.labels.component, awkward);
    assertPromtoolClean(text);
  });

  it('adds _total to counters only, and describes every family with HELP and TYPE', async () => {
    const text = await render({
      harbor_component_healthy: [{ attributes: { component: 'core' }, value: 1 }],
    });
    const samples = parsePrometheusText(text);
    for (const name of new Set(samples.map((sample) => sample.name))) {
      assert.match(text, new RegExp(`^# HELP ${name} `, 'm'));
      assert.match(text, new RegExp(`^# TYPE ${name} (gauge|counter)$`, 'm'));
      if (new RegExp(`^# TYPE ${name} counter$`, 'm').test(text)) assert.match(name, /_total$/);
    }
    assert.ok(samplesOf(samples, 'harbor_exporter_source_refreshes_total').length === 1);
    assertPromtoolClean(text);
  });
});
