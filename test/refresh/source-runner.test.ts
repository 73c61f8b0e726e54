import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Collector } from '../../src/collectors/types.js';
import { createLogger, silentLogger, type Logger } from '../../src/log.js';
import { SourceRunner, type SourceState } from '../../src/refresh/source-runner.js';
import { pointArrays, pointValue, startTestExporter, testConfig } from '../harness/exporter.js';
import { samplesOf, valueOf } from '../harness/prometheus-text.js';
import { eventually, ScriptedSource, type Step } from './scripted-source.js';

interface RunnerSetup {
  intervalMs?: number;
  timeoutMs?: number;
  keepStaleForMs?: number;
  now?: () => number;
  log?: Logger;
}

function runnerOf(source: ScriptedSource, collectors: Collector<null>[], setup: RunnerSetup = {}) {
  const published: SourceState[] = [];
  const runner = new SourceRunner(source, collectors, {
    intervalMs: setup.intervalMs ?? 3_600_000,
    timeoutMs: setup.timeoutMs ?? 10_000,
    keepStaleForMs: setup.keepStaleForMs ?? 300_000,
    log: setup.log ?? silentLogger,
    now: setup.now,
    onRefreshed: (state) => published.push(state),
  });
  return { runner, published };
}

function collectorState(state: SourceState, name: string) {
  const found = state.collectors.find((collector) => collector.name === name);
  assert.ok(found, `no state for collector ${name}`);
  return found;
}

/** A script answering each call from a list, repeating the last entry. */
function scriptOf(...steps: Step[]): { next: () => Step; calls: () => number } {
  let calls = 0;
  return { next: () => steps[Math.min(calls++, steps.length - 1)]!, calls: () => calls };
}

describe('source runner', () => {
  it('refreshes on its interval, measured from the start of each refresh, until stopped', async () => {
    const source = new ScriptedSource();
    const collector = source.projectsCollector(() => ({ emit: 1, delayMs: 30 }));
    const { runner, published } = runnerOf(source, [collector], { intervalMs: 150, timeoutMs: 100 });
    runner.start();
    await eventually(() => published.length >= 4, 'four refreshes');
    await runner.stop();
    const count = published.length;
    const starts = source.sessionStarts;
    for (let index = 1; index < starts.length; index++) {
      // Timers never fire early but may fire late, and a refresh may begin some milliseconds after its tick on a
      // busy machine, which shortens the gap to the next one: 30 ms of slack. Refreshes run back to back would be
      // about 30 ms apart and still fail here.
      assert.ok(starts[index]! - starts[index - 1]! >= 120, `refreshes ${index - 1} and ${index} too close`);
    }
    assert.ok(published.every((state) => state.success));
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(published.length, count, 'a stopped runner refreshed again');
  });

  it('never runs a refresh beside another, however often it is asked', async () => {
    const source = new ScriptedSource();
    const collector = source.projectsCollector(() => ({ emit: 1, delayMs: 20 }));
    const { runner } = runnerOf(source, [collector, source.healthyCollector()], { intervalMs: 30 });
    runner.start();
    const states = await Promise.all(Array.from({ length: 6 }, () => runner.refresh()));
    await runner.stop();
    assert.equal(source.maxRunning, 1);
    assert.ok(states.every((state) => state.success));
    // Each call ran its own refresh, one after another.
    assert.ok(source.sessions >= 7, `only ${source.sessions} refreshes`);
    assert.deepEqual(
      states.map((state) => state.refreshes),
      [...states.map((state) => state.refreshes)].sort((a, b) => a - b),
    );
  });

  it('marks a hung refresh failed at its deadline, keeps what finished, and starts no other until it settles', async () => {
    const source = new ScriptedSource();
    const script = scriptOf({ hang: true }, { emit: 3 });
    const { runner } = runnerOf(
      source,
      [source.projectsCollector(script.next), source.healthyCollector(42)],
      {
        timeoutMs: 1_000,
      },
    );
    const state = await runner.refresh();
    assert.equal(source.hung, 1, 'the collector should still hang');
    assert.equal(state.success, false);
    assert.equal(state.lastError, 'refresh timed out after 1000 ms');
    assert.equal(collectorState(state, 'projects').success, false);
    assert.equal(collectorState(state, 'projects').lastError, 'refresh timed out after 1000 ms');
    const health = collectorState(state, 'database');
    assert.equal(health.success, true);
    assert.deepEqual(health.points.get('harbor_database_max_connections')?.toArray(), [
      { attributes: {}, value: 42 },
    ]);
    // The database answered; the refresh was slow: up stays 1, the source's own success says 0.
    assert.deepEqual(state.own.get('harbor_database_up')?.toArray(), [{ attributes: {}, value: 1 }]);

    const skipped = await runner.refresh();
    assert.equal(skipped.success, false);
    assert.match(skipped.lastError ?? '', /has not finished yet/);
    assert.equal(source.sessions, 1, 'a second refresh started beside the hung one');
    assert.equal(script.calls(), 1);

    source.release();
    let recovered: SourceState | undefined;
    await eventually(async () => (recovered = await runner.refresh()).success, 'a refresh after the hang');
    assert.deepEqual(collectorState(recovered!, 'projects').points.get('harbor_projects')?.toArray(), [
      { attributes: { visibility: 'public' }, value: 3 },
    ]);
    assert.equal(source.maxRunning, 1);
  });

  it('keeps a failed collector’s last values for keep-stale-for, then drops them', async () => {
    let now = 1_000_000;
    const source = new ScriptedSource();
    const script = scriptOf({ emit: 7 }, { fail: 'boom' }, { fail: 'boom' }, { fail: 'boom' }, { emit: 8 });
    const { runner } = runnerOf(source, [source.projectsCollector(script.next)], {
      keepStaleForMs: 1_000,
      now: () => now,
    });
    const good = await runner.refresh();
    assert.equal(collectorState(good, 'projects').stale, false);

    now += 500;
    const stale = collectorState(await runner.refresh(), 'projects');
    assert.deepEqual(
      [stale.success, stale.stale, stale.errors, stale.lastError, stale.lastSuccessSeconds],
      [false, true, 1, 'boom', 1_000],
    );
    assert.deepEqual(stale.points.get('harbor_projects')?.toArray(), [
      { attributes: { visibility: 'public' }, value: 7 },
    ]);

    now += 500; // exactly keep-stale-for after the last success: still kept
    assert.equal(collectorState(await runner.refresh(), 'projects').stale, true);

    now += 1;
    const dropped = collectorState(await runner.refresh(), 'projects');
    assert.deepEqual([dropped.stale, dropped.points.size, dropped.errors], [false, 0, 3]);

    now += 1_000;
    const back = collectorState(await runner.refresh(), 'projects');
    assert.deepEqual([back.success, back.stale, back.errors], [true, false, 3]);
    assert.deepEqual(back.points.get('harbor_projects')?.toArray(), [
      { attributes: { visibility: 'public' }, value: 8 },
    ]);
  });

  it('fails every collector when the source cannot begin, logging one line per new error', async () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', format: 'logfmt', write: (line) => lines.push(line) });
    const source = new ScriptedSource();
    source.beginError = 'cannot connect to db:5432/registry as reader: connection refused';
    const { runner } = runnerOf(
      source,
      [source.projectsCollector(() => ({ emit: 1 })), source.healthyCollector()],
      {
        log,
      },
    );
    for (let index = 0; index < 3; index++) {
      const state = await runner.refresh();
      assert.equal(state.success, false);
      assert.equal(state.errors, index + 1);
      assert.ok(state.collectors.every((collector) => !collector.success));
      assert.deepEqual(state.own.get('harbor_database_up')?.toArray(), [{ attributes: {}, value: 0 }]);
    }
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0]!, /level=warn msg="refresh failed" source=database err="cannot connect to db:5432/);
    source.beginError = undefined;
    assert.equal((await runner.refresh()).success, true);
    assert.equal(lines.length, 2);
    assert.match(lines[1]!, /level=info msg="source recovered" source=database/);
  });

  it('fails the refresh, not the process, when the source itself throws after the collectors ran', async () => {
    const source = new ScriptedSource();
    source.finishError = 'bookkeeping broke';
    const { runner } = runnerOf(source, [source.projectsCollector(() => ({ emit: 1 }))]);
    const state = await runner.refresh();
    assert.deepEqual([state.success, state.lastError, state.errors], [false, 'bookkeeping broke', 1]);
    source.finishError = undefined;
    assert.equal((await runner.refresh()).success, true);
  });

  it('fails a refresh whose source cannot confirm what it assumed, as one the source did not answer', async () => {
    const source = new ScriptedSource();
    source.verifyError = 'schema changed';
    const { runner } = runnerOf(source, [source.projectsCollector(() => ({ emit: 1 }))]);
    const failed = await runner.refresh();
    assert.deepEqual([failed.success, failed.lastError], [false, 'schema changed']);
    assert.equal(pointValue(pointArrays(failed.own), 'harbor_database_up'), 0);
    assert.deepEqual(collectorState(failed, 'projects').points.size, 0);
    source.verifyError = undefined;
    const next = await runner.refresh();
    assert.equal(next.success, true);
    assert.equal(pointValue(pointArrays(next.own), 'harbor_database_up'), 1);
  });

  it('starts the collectors that took longest last time first', async () => {
    const source = new ScriptedSource();
    const started: string[] = [];
    const durations: Record<string, number> = { projects: 5, jobs: 5, robots: 5, storage: 5 };
    const collectors = Object.keys(durations).map((name) =>
      source.timedCollector(name, () => durations[name]!, started),
    );
    const { runner } = runnerOf(source, collectors);
    await runner.refresh();
    // The first refresh knows no durations: the declared order.
    assert.deepEqual(started.splice(0), ['projects', 'jobs', 'robots', 'storage']);
    // Far apart, so that a busy machine's late timers cannot swap them.
    Object.assign(durations, { storage: 240, robots: 160, projects: 80, jobs: 0 });
    await runner.refresh();
    await runner.refresh();
    assert.deepEqual(started.slice(-4), ['storage', 'robots', 'projects', 'jobs']);
  });

  it('keeps the source up while a refresh it answered runs past its deadline, skipped turns included', async () => {
    const source = new ScriptedSource();
    const { runner } = runnerOf(source, [source.projectsCollector(() => ({ hang: true }))], {
      timeoutMs: 200,
    });
    const up = (state: SourceState) => pointValue(pointArrays(state.own), 'harbor_database_up');
    try {
      const timedOut = await runner.refresh();
      assert.match(timedOut.lastError ?? '', /timed out/);
      assert.equal(up(timedOut), 1);
      const skipped = await runner.refresh();
      assert.match(skipped.lastError ?? '', /has not finished yet/);
      assert.equal(skipped.success, false);
      assert.equal(up(skipped), 1, 'the database answered the refresh still running');
    } finally {
      source.release();
    }
  });

  it('logs a failure once while it lasts, however its messages take turns, and again after a recovery', async () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', format: 'logfmt', write: (line) => lines.push(line) });
    const source = new ScriptedSource();
    let step: Step = { hang: true };
    const { runner } = runnerOf(source, [source.projectsCollector(() => step)], { timeoutMs: 200, log });
    const refreshFailed = () => lines.filter((line) => /msg="refresh failed"/.test(line));
    for (let round = 0; round < 3; round++) {
      // A refresh that times out, then turns skipped while it still runs: two messages, taking turns.
      await eventually(async () => /timed out/.test((await runner.refresh()).lastError ?? ''), 'a timeout');
      assert.match((await runner.refresh()).lastError ?? '', /has not finished yet/);
      source.release();
    }
    assert.equal(refreshFailed().length, 2, lines.join('\n'));

    step = { emit: 1 };
    await eventually(async () => (await runner.refresh()).success, 'a recovery');
    assert.equal(lines.filter((line) => /msg="source recovered"/.test(line)).length, 1);
    step = { hang: true };
    await eventually(async () => /timed out/.test((await runner.refresh()).lastError ?? ''), 'a timeout');
    source.release();
    assert.equal(refreshFailed().length, 3, 'a new failure after the recovery is logged again');

    // A collector's own failures, by message.
    lines.length = 0;
    const collectorSource = new ScriptedSource();
    const script = scriptOf(
      { fail: 'a' },
      { fail: 'b' },
      { fail: 'a' },
      { fail: 'b' },
      { emit: 1 },
      { fail: 'a' },
    );
    const collectorRunner = runnerOf(collectorSource, [collectorSource.projectsCollector(script.next)], {
      log,
    }).runner;
    for (let index = 0; index < 6; index++) await collectorRunner.refresh();
    const failed = lines
      .filter((line) => /msg="collector failed"/.test(line))
      .map((line) => /err=(\w+)/.exec(line)?.[1]);
    assert.deepEqual(failed, ['a', 'b', 'a']);
  });

  it('keeps serving /metrics while a collector hangs, and publishes the failure at the deadline', async () => {
    const source = new ScriptedSource();
    const script = scriptOf({ hang: true }, { emit: 5 });
    const config = testConfig(['--refresh.interval=1h', '--refresh.timeout=1s']);
    const running = await startTestExporter(config, [
      {
        source,
        collectors: [
          source.projectsCollector(script.next),
          source.healthyCollector(),
        ] as Collector<unknown>[],
      },
    ]);
    try {
      await eventually(() => source.hung === 1, 'the first refresh to hang');
      const during = await running.scrape();
      assert.equal(valueOf(during, 'harbor_exporter_source_up', { source: 'database' }), 0);
      assert.equal((await fetch(`${running.url}/readyz`)).status, 503);
      assert.equal(source.hung, 1, 'the scrape waited for the collector');

      await eventually(async () => {
        const samples = await running.scrape();
        return (
          samplesOf(samples, 'harbor_exporter_source_refreshes_total', { source: 'database' })[0]?.value === 1
        );
      }, 'the timed-out refresh to be published');
      const after = await running.scrape();
      assert.equal(source.hung, 1);
      assert.equal(valueOf(after, 'harbor_exporter_source_up', { source: 'database' }), 0);
      assert.equal(
        valueOf(after, 'harbor_exporter_collector_success', { source: 'database', collector: 'projects' }),
        0,
      );
      assert.equal(
        valueOf(after, 'harbor_exporter_collector_success', { source: 'database', collector: 'database' }),
        1,
      );
      assert.equal(valueOf(after, 'harbor_database_max_connections'), 100);
      assert.equal(samplesOf(after, 'harbor_projects').length, 0);
      assert.equal((await fetch(`${running.url}/readyz`)).status, 200);
    } finally {
      source.release();
      await running.stop();
    }
    assert.equal(source.closed, true);
  });
});
