import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { Point } from '../../src/collectors/observations.js';
import { ProjectFilter } from '../../src/refresh/project-filter.js';
import { SnapshotBuilder, type Snapshot } from '../../src/refresh/snapshot.js';
import { ExporterHttpServer } from '../../src/server/http-server.js';
import { gzippedBody, TelemetryPipeline, type RenderedMetrics } from '../../src/telemetry/pipeline.js';
import { promtoolCheckMetrics, requirePrometheus } from '../end-to-end/prometheus-server.js';
import { scriptedSourceState } from '../harness/points.js';
import { parsePrometheusText } from '../harness/prometheus-text.js';
import { OtlpReceiver } from './otlp-receiver.js';

const binaries = requirePrometheus();
const REPOSITORIES = 2_000;
const PROJECTS = 40;
/** Families per repository and per project in the snapshot below. */
const REPOSITORY_FAMILIES = [
  'harbor_repository_artifacts',
  'harbor_repository_pulls',
  'harbor_repository_pushes',
];
const PROJECT_FAMILIES = ['harbor_project_repositories', 'harbor_project_artifacts'];

/** A snapshot of the `database` source with REPOSITORIES repositories in PROJECTS projects. */
function largeSnapshot(): Snapshot {
  const points = new Map<string, Point[]>();
  for (const name of [...REPOSITORY_FAMILIES, ...PROJECT_FAMILIES]) points.set(name, []);
  for (let r = 0; r < REPOSITORIES; r++) {
    const project = `project-${r % PROJECTS}`;
    const attributes = { project, repository: `${project}/repo-${r}` };
    for (const [index, name] of REPOSITORY_FAMILIES.entries()) {
      points.get(name)!.push({ attributes, value: r * (index + 1) });
    }
  }
  for (let p = 0; p < PROJECTS; p++) {
    for (const name of PROJECT_FAMILIES)
      points.get(name)!.push({ attributes: { project: `project-${p}` }, value: p });
  }
  const state = scriptedSourceState('database', points);
  return new SnapshotBuilder(new ProjectFilter([], []), { version: '1.2.3' }, () => 1_700_000_000_000).build([
    state,
  ]);
}

async function renderWith(snapshot: Snapshot, chunkPoints: number): Promise<RenderedMetrics> {
  const pipeline = new TelemetryPipeline({
    version: '1.2.3',
    compat: new Set(),
    processStartMs: 0,
    chunkPoints,
  });
  try {
    return await pipeline.publish(snapshot);
  } finally {
    await pipeline.shutdown();
  }
}

/** One GET of /metrics, the body as it came over the wire (no decompression). */
function get(url: string, gzip: boolean): Promise<{ headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { headers: gzip ? { 'accept-encoding': 'gzip' } : {} }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('Rendering /metrics in chunks', () => {
  it('writes the same bytes as one pass over the whole snapshot', async () => {
    const snapshot = largeSnapshot();
    const whole = await renderWith(snapshot, Number.MAX_SAFE_INTEGER);
    // Families of 2,000 points split over chunks at various places, and chunks of several whole families.
    let text = Buffer.alloc(0);
    for (const chunkPoints of [1, 333, 700, 2_000, 4_100]) {
      const chunked = await renderWith(snapshot, chunkPoints);
      text = gunzipSync(gzippedBody(chunked));
      assert.equal(text.length, chunked.plainBytes);
      assert.ok(text.equals(gunzipSync(gzippedBody(whole))), `chunks of ${chunkPoints}: texts differ`);
    }

    const lines = text.toString().split('\n');
    assert.equal(lines.filter((line) => line.startsWith('target_info')).length, 1);
    assert.equal(
      lines.filter((line) => line.startsWith('# TYPE ')).length,
      new Set(lines.filter((line) => line.startsWith('# TYPE ')).map((line) => line.split(' ')[2])).size,
    );
    const samples = parsePrometheusText(text.toString());
    for (const name of REPOSITORY_FAMILIES) {
      const exposed = name === 'harbor_repository_artifacts' ? name : `${name}_total`;
      assert.equal(samples.filter((sample) => sample.name === exposed).length, REPOSITORIES, exposed);
    }
    for (const name of PROJECT_FAMILIES) {
      assert.equal(samples.filter((sample) => sample.name === name).length, PROJECTS, name);
    }
    if ('skip' in binaries) console.log(`# ${binaries.skip}`);
    else
      assert.deepEqual(promtoolCheckMetrics(binaries.promtool, text.toString()), { code: 0, problems: [] });
  });

  it('serves the same text plain and gzip-compressed', async () => {
    const rendered = await renderWith(largeSnapshot(), 500);
    const server = new ExporterHttpServer({
      host: '127.0.0.1',
      port: 0,
      telemetryPath: '/metrics',
      version: '1.2.3',
      metrics: () => rendered,
      sources: () => [],
    });
    const { port } = await server.listen();
    try {
      const url = `http://127.0.0.1:${port}/metrics`;
      const gzipped = await get(url, true);
      const plain = await get(url, false);
      assert.equal(gzipped.headers['content-encoding'], 'gzip');
      assert.equal(plain.headers['content-encoding'], undefined);
      assert.equal(Number(gzipped.headers['content-length']), gzipped.body.length);
      assert.equal(Number(plain.headers['content-length']), plain.body.length);
      assert.ok(gunzipSync(gzipped.body).equals(plain.body), 'plain body differs from the decompressed gzip');
      // Independent of the renderer: one sample per repository and family, one per project and family.
      const samples = parsePrometheusText(plain.body.toString());
      const data = samples.filter((sample) => /^harbor_(repository|project)_/.test(sample.name));
      assert.equal(
        data.length,
        REPOSITORIES * REPOSITORY_FAMILIES.length + PROJECTS * PROJECT_FAMILIES.length,
      );
    } finally {
      await server.close();
    }
  });

  it('pushes whole snapshots by OTLP, in requests of bounded size, while /metrics is rendered a chunk at a time', async () => {
    const receiver = await OtlpReceiver.start();
    const pointsPerRequest = 1_500;
    const pipeline = new TelemetryPipeline({
      version: '1.2.3',
      compat: new Set(),
      chunkPoints: 100,
      otlpPointsPerRequest: pointsPerRequest,
      otlp: { endpoint: `${receiver.url}/v1/metrics`, intervalMs: 3_600_000, timeoutMs: 30_000, headers: {} },
    });
    try {
      let renderDone = false;
      const snapshot = largeSnapshot();
      const rendering = pipeline.publish(snapshot).then(() => (renderDone = true));
      // Pushes started while the render walks its chunks (60 of them here).
      const flushes: Promise<void>[] = [];
      for (let flush = 0; flush < 3; flush++) {
        assert.equal(renderDone, false, 'the render ended before the push was collected');
        flushes.push(pipeline.forceFlush());
        await new Promise((resolve) => setImmediate(resolve));
      }
      await Promise.all([rendering, ...flushes]);
      assert.ok(receiver.pushes.length > 1, 'the snapshot did not take several requests');
      for (const request of receiver.pushes) {
        const points = [...request.metrics.values()].reduce((sum, metric) => sum + metric.points.length, 0);
        assert.ok(points <= pointsPerRequest, `a request of ${points} points`);
      }
      const pushed = receiver.snapshots();
      assert.deepEqual(
        [...pushed.keys()],
        [snapshot.takenAtMs],
        'one snapshot, whatever the number of pushes',
      );
      // Joined, the requests hold the snapshot once per push: every series as many times as it was pushed.
      const metrics = pushed.get(snapshot.takenAtMs)!;
      const pushes = metrics.get('harbor_exporter_metrics_series')!.length;
      assert.ok(pushes >= 1);
      for (const name of REPOSITORY_FAMILIES)
        assert.equal(metrics.get(name)?.length, REPOSITORIES * pushes, name);
      for (const name of PROJECT_FAMILIES) assert.equal(metrics.get(name)?.length, PROJECTS * pushes, name);
    } finally {
      await pipeline.shutdown();
      await receiver.close();
    }
  });
});
