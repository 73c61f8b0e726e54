import assert from 'node:assert/strict';
import { it } from 'node:test';
import { SEVERITIES, vulnerabilitiesCollector } from '../../../src/collectors/database/vulnerabilities.js';
import { pointValue } from '../../harness/exporter.js';
import { forEachRelease } from './releases.js';

type ReportRow = { digest: string; registration_uuid: string; fixable_cnt: string } & Record<
  `${(typeof SEVERITIES)[number]}_cnt`,
  string
>;

forEachRelease('vulnerabilities collector', { repositories: 40, seed: 17 }, (context) => {
  it("sums the default scanner's reports per project and severity, over artifacts joined by digest", async () => {
    const points = await context.collect(vulnerabilitiesCollector);
    const [scanner] = await context.rows<{ uuid: string }>(
      'SELECT uuid FROM scanner_registration WHERE is_default',
    );
    const reports = await context.rows<ReportRow>('SELECT * FROM scan_report');
    assert.ok(
      reports.some((report) => report.registration_uuid !== scanner!.uuid),
      'the fixture holds reports of another scanner',
    );
    const byDigest = new Map<string, ReportRow>();
    for (const report of reports)
      if (report.registration_uuid === scanner!.uuid) byDigest.set(report.digest, report);
    const artifacts = await context.rows<{ project_id: number; digest: string }>(
      'SELECT project_id, digest FROM artifact',
    );
    const projects = await context.rows<{ project_id: number; name: string }>(
      'SELECT project_id, name FROM project WHERE NOT deleted',
    );
    for (const project of projects) {
      const scanned = artifacts
        .filter((artifact) => artifact.project_id === project.project_id && byDigest.has(artifact.digest))
        .map((artifact) => byDigest.get(artifact.digest)!);
      const sum = (column: keyof ReportRow) =>
        scanned.reduce((total, report) => total + Number(report[column]), 0);
      const attributes = { project: project.name };
      assert.equal(pointValue(points, 'harbor_project_scanned_artifacts', attributes), scanned.length);
      assert.equal(
        pointValue(points, 'harbor_project_fixable_vulnerabilities', attributes),
        sum('fixable_cnt'),
      );
      for (const severity of SEVERITIES) {
        assert.equal(
          pointValue(points, 'harbor_project_vulnerabilities', { ...attributes, severity }),
          sum(`${severity}_cnt`),
          `${project.name} ${severity}`,
        );
      }
    }
    const perArtifact = [...points.values()].flat().filter((point) => 'digest' in point.attributes);
    assert.equal(perArtifact.length, 0, 'nothing is published per artifact');
  });

  it('publishes zeros, not nothing, when no scanner is the default', async () => {
    await context.db.admin.query('UPDATE scanner_registration SET is_default = false');
    try {
      const points = await context.collect(vulnerabilitiesCollector);
      const values = (points.get('harbor_project_vulnerabilities') ?? []).map((point) => point.value);
      assert.ok(values.length > 0);
      assert.ok(values.every((value) => value === 0));
    } finally {
      await context.db.admin.query(
        `UPDATE scanner_registration SET is_default = true WHERE uuid = 'scanner-trivy'`,
      );
    }
  });
});
