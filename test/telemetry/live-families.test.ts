import assert from 'node:assert/strict';
import { request } from 'node:http';
import { readdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { gunzipSync, inflateRawSync } from 'node:zlib';
import { promtoolCheckMetrics, requirePrometheus } from '../end-to-end/prometheus-server.js';
import type { RunningTestExporter } from '../harness/exporter.js';
import { createHarborDatabase, type HarborTestDatabase } from '../harness/postgres.js';
import { parsePrometheusText, valueOf } from '../harness/prometheus-text.js';
import { OtlpReceiver } from './otlp-receiver.js';
import { startPushingExporter, stopAll } from './pushed-series.js';

const binaries = requirePrometheus();

/** One GET of /metrics as it came over the wire, and its text. */
function scrape(url: string, gzip: boolean): Promise<{ wire: Buffer; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { headers: gzip ? { 'accept-encoding': 'gzip' } : {} }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const wire = Buffer.concat(chunks);
        assert.equal(Number(response.headers['content-length']), wire.length);
        resolve({ wire, text: (gzip ? gunzipSync(wire) : wire).toString() });
      });
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('Figures read at each scrape and push, between refreshes', () => {
  let db: HarborTestDatabase;
  let receiver: OtlpReceiver;
  let running: RunningTestExporter;

  before(async () => {
    db = await createHarborDatabase({ repositories: 5, projects: 2, seed: 3 });
    receiver = await OtlpReceiver.start();
    running = await startPushingExporter(db, receiver);
    await running.refreshAll();
  });
  after(() => stopAll(running, receiver, db));

  it('publishes the standard process and Node.js metrics, as the process measures itself', async () => {
    const { text } = await scrape(`${running.url}/metrics`, true);
    const samples = parsePrometheusText(text);
    const now = Date.now() / 1000;
    const start = valueOf(samples, 'process_start_time_seconds');
    assert.ok(Math.abs(start - (now - process.uptime())) < 2, `start ${start}`);
    assert.ok(valueOf(samples, 'process_cpu_seconds_total') > 0);
    const resident = valueOf(samples, 'process_resident_memory_bytes');
    assert.ok(resident > 10e6 && resident < 4e9, `resident ${resident}`);
    assert.ok(valueOf(samples, 'process_virtual_memory_bytes') >= resident);
    const open = valueOf(samples, 'process_open_fds');
    assert.ok(Math.abs(open - (readdirSync('/proc/self/fd').length - 1)) < 20, `open fds ${open}`);
    assert.ok(valueOf(samples, 'process_max_fds') >= open);
    assert.ok(
      valueOf(samples, 'nodejs_heap_size_used_bytes') <= valueOf(samples, 'nodejs_heap_size_total_bytes'),
    );
    assert.ok(valueOf(samples, 'nodejs_eventloop_lag_seconds') >= 0);
    if ('skip' in binaries) console.log(`# ${binaries.skip}`);
    else assert.deepEqual(promtoolCheckMetrics(binaries.promtool, text), { code: 0, problems: [] });
  });

  it('counts the OTLP pushes made up to the scrape, with no refresh since', async () => {
    const pushes = async () => {
      const samples = parsePrometheusText((await scrape(`${running.url}/metrics`, false)).text);
      return valueOf(samples, 'harbor_exporter_otlp_pushes_total', { result: 'success' });
    };
    const first = await pushes();
    const received = receiver.pushes.length;
    await receiver.latestPush(() => receiver.pushes.length >= received + 2, 'two more');
    const later = await pushes();
    assert.ok(later >= first + 2, `${first} then ${later} pushes counted`);
    assert.ok(later <= receiver.pushes.length, `${later} counted, ${receiver.pushes.length} received`);
  });

  it('ends the gzip rendered at the refresh with the lines of the moment, in one valid gzip member', async () => {
    const gzip = await scrape(`${running.url}/metrics`, true);
    const plain = await scrape(`${running.url}/metrics`, false);
    const withoutLive = (text: string) =>
      text
        .split('\n')
        .filter((line) => !/(process_|nodejs_|harbor_exporter_otlp_)/.test(line))
        .join('\n');
    assert.equal(withoutLive(gzip.text), withoutLive(plain.text));
    // One member, so that readers that stop after the first one (many do) get it all: its deflate stream, after
    // the 10-byte header, holds the whole text, and the trailer's length is the text's.
    assert.equal(inflateRawSync(gzip.wire.subarray(10)).toString(), gzip.text);
    assert.equal(gzip.wire.readUInt32LE(gzip.wire.length - 4), Buffer.byteLength(gzip.text));
  });
});
