/**
 * The exporter, with its default settings, against the Harbor at argv[2] (no database), run as its own process
 * so that its memory can be measured alone: one refresh, "calm <rss>" on stdout, then on "go" from stdin a
 * second refresh and its outcome as one JSON line. The parent makes the second one hostile.
 */
import { createInterface } from 'node:readline';
import { createLogger } from '../../../src/log.js';
import { buildSources } from '../../../src/wiring.js';
import { startTestExporter, testConfig } from '../../harness/exporter.js';

const lines: string[] = [];
const log = createLogger({ level: 'info', format: 'logfmt', write: (line) => lines.push(line) });
const config = testConfig([
  `--harbor.url=${process.argv[2]}`,
  '--harbor.username=admin',
  '--harbor.password=Harbor12345',
  // Long enough for the whole hostile refresh; no background refresh starts meanwhile.
  '--refresh.interval=600s',
  '--refresh.timeout=590s',
]);
const exporter = await startTestExporter(config, buildSources(config, log), log);
await exporter.refreshAll();
process.stdout.write(`calm ${process.memoryUsage().rss}\n`);

const input = createInterface({ input: process.stdin });
for await (const line of input) {
  if (line !== 'go') continue;
  const began = Date.now();
  await exporter.refreshAll();
  const api = exporter.exporter.runners.find((runner) => runner.source.name === 'api')!.current;
  process.stdout.write(
    JSON.stringify({
      seconds: (Date.now() - began) / 1000,
      collectors: api.collectors.map(({ name, success, stale, lastError }) => ({
        name,
        success,
        stale,
        lastError,
      })),
      lines,
    }) + '\n',
  );
  break;
}
input.close();
await exporter.stop();
