import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { MAX_TIMER_MS, formatDuration } from '../../src/config/durations.js';
import { settings } from '../../src/config/settings.js';
import { config, configError } from './fixtures.js';

/** PostgreSQL's integer settings in milliseconds (statement_timeout, idle_session_timeout, ...) stop here. */
const POSTGRES_INT_MAX = 2_147_483_647;
const durations = settings.filter((spec) => spec.type === 'duration');
/** Each interval (and the OTLP push's timeout) set to its maximum, so that a timeout at its own maximum still fits within it. */
const longIntervals = ['refresh.interval', 'otlp.interval', 'otlp.timeout'];

function flagsWith(key: string, text: string): string[] {
  const flags = new Map(longIntervals.map((interval) => [interval, formatDuration(maxOf(interval))]));
  flags.set(key, text);
  return [...flags].map(([name, value]) => `--${name}=${value}`);
}
function maxOf(key: string): number {
  const max = settings.find((spec) => spec.key === key)?.max;
  assert.ok(max !== undefined, `${key} has no maximum`);
  return max;
}

describe('duration limits', () => {
  it('gives every duration a maximum that timers and PostgreSQL can hold', () => {
    assert.ok(durations.length >= 9);
    for (const spec of durations) {
      const max = maxOf(spec.key);
      assert.ok(max <= MAX_TIMER_MS, `${spec.key} allows ${max} ms, past what setTimeout can wait`);
    }
    // Sent as statement_timeout and idle_in_transaction_session_timeout; the client waits 5 s longer itself.
    assert.ok(maxOf('database.statement-timeout') + 5_000 <= Math.min(POSTGRES_INT_MAX, MAX_TIMER_MS));
    assert.ok(maxOf('database.idle-session-timeout') <= POSTGRES_INT_MAX);
  });

  it('accepts each duration at its maximum and refuses one millisecond more, naming the range', () => {
    for (const spec of durations) {
      const max = maxOf(spec.key);
      assert.doesNotThrow(() => config(flagsWith(spec.key, `${max}ms`)), spec.key);
      const error = configError(() => config(flagsWith(spec.key, `${max + 1}ms`)));
      assert.equal(error.setting, spec.key);
      assert.equal(error.origin, `flag --${spec.key}`);
      const range =
        spec.min === undefined
          ? `allowed at most ${formatDuration(max)}`
          : `allowed ${formatDuration(spec.min)} to ${formatDuration(max)}`;
      assert.ok(error.message.includes(range), `${error.message} lacks "${range}"`);
    }
  });

  it('refuses the durations that overflowed Node timers, from flags and OpenTelemetry variables', () => {
    for (const key of ['refresh.interval', 'otlp.interval', 'database.statement-timeout']) {
      const error = configError(() => config([`--${key}=600h`]));
      assert.equal(error.setting, key);
      assert.match(error.message, /"600h" is above the maximum/);
    }
    const tooLong = String(MAX_TIMER_MS + 1);
    const fromEnv = configError(() =>
      config([], { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_METRIC_EXPORT_INTERVAL: tooLong }),
    );
    assert.equal(fromEnv.setting, 'otlp.interval');
    assert.equal(fromEnv.origin, 'environment OTEL_METRIC_EXPORT_INTERVAL');
  });

  it('stops the command with exit code 2 and one line naming the setting, origin and range', () => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', '--refresh.interval=600h', '--harbor.url=http://h'],
      { encoding: 'utf8', env: { PATH: process.env.PATH }, timeout: 60_000 },
    );
    assert.equal(result.status, 2, result.stderr);
    assert.equal(
      result.stderr,
      'harbor-exporter: invalid setting refresh.interval (from flag --refresh.interval): "600h" is above the ' +
        `maximum ${formatDuration(maxOf('refresh.interval'))} (allowed 1s to ${formatDuration(maxOf('refresh.interval'))})\n`,
    );
  });
});
