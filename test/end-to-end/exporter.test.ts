import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHarborDatabase, type HarborTestDatabase } from '../harness/postgres.js';
import { startTestExporter, testConfig, type RunningTestExporter } from '../harness/exporter.js';
import { samplesOf, valueOf } from '../harness/prometheus-text.js';

describe('exporter end to end on a real PostgreSQL', () => {
  let db: HarborTestDatabase;
  let running: RunningTestExporter;

  before(async () => {
    db = await createHarborDatabase({ repositories: 30, seed: 11 });
    running = await startTestExporter(
      testConfig([`--database.url=${db.server.url(db.name)}`, '--refresh.interval=1h']),
    );
    await running.refreshAll();
  });
  after(async () => {
    await running.stop();
    await db.drop();
  });

  it('publishes the database source as up with its own statement count', async () => {
    const samples = await running.scrape();
    assert.equal(valueOf(samples, 'harbor_exporter_source_up', { source: 'database' }), 1);
    assert.equal(valueOf(samples, 'harbor_database_up'), 1);
    assert.equal(valueOf(samples, 'harbor_exporter_harbor_schema_version'), 180);
    assert.ok(valueOf(samples, 'harbor_exporter_database_statements') > 0);
  });

  it('reports its own session under application_name harbor-exporter', async () => {
    const samples = await running.scrape();
    const own = samplesOf(samples, 'harbor_database_sessions', { application: 'harbor-exporter' });
    assert.ok(own.length > 0);
    const { rows } = await db.admin.query<{ max: number }>(
      `SELECT current_setting('max_connections')::int AS max`,
    );
    assert.equal(valueOf(samples, 'harbor_database_max_connections'), rows[0]!.max);
  });

  it('drops the series of a project deleted in Harbor within one refresh', async () => {
    const before = await running.scrape();
    assert.equal(samplesOf(before, 'harbor_project_repositories', { project: 'team-0002' }).length, 1);
    await db.admin.query(`DELETE FROM repository WHERE project_id = 2`);
    await db.admin.query(`UPDATE project SET deleted = true, name = name || '#2' WHERE project_id = 2`);
    await running.refreshAll();
    const after = await running.scrape();
    assert.equal(samplesOf(after, 'harbor_project_repositories', { project: 'team-0002' }).length, 0);
  });

  it('serves gzip when asked and the Prometheus text content type', async () => {
    const response = await fetch(`${running.url}/metrics`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(response.headers.get('content-encoding'), 'gzip');
    assert.equal(response.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    assert.match(await response.text(), /harbor_projects\{visibility="public"\}/);
  });

  it('is ready once every source refreshed, and lists them on its status page', async () => {
    assert.equal((await fetch(`${running.url}/readyz`)).status, 200);
    assert.equal((await fetch(`${running.url}/healthz`)).status, 200);
    const page = await (await fetch(`${running.url}/`)).text();
    assert.match(page, /database<\/td><td>ok/);
  });
});
