import type { HarborDatabase } from '../../sources/postgres/database-source.js';
import { collector } from '../types.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'none', 'unknown'] as const;

/**
 * Per live project, the default scanner's vulnerability reports summed over the project's artifacts, joined by
 * digest as Harbor's security hub does (an artifact in two repositories counts twice). Reports of other scanners
 * and SBOMs are left out. scan_report has carried the *_cnt columns since Harbor 2.9; checked against Harbor
 * 2.10.3, 2.13.5, 2.15.2.
 */
export const VULNERABILITIES_SQL = `
WITH reports AS (
       SELECT a.project_id, count(*)::float8 AS scanned,
              coalesce(sum(s.critical_cnt), 0)::float8 AS critical, coalesce(sum(s.high_cnt), 0)::float8 AS high,
              coalesce(sum(s.medium_cnt), 0)::float8 AS medium, coalesce(sum(s.low_cnt), 0)::float8 AS low,
              coalesce(sum(s.none_cnt), 0)::float8 AS none, coalesce(sum(s.unknown_cnt), 0)::float8 AS unknown,
              coalesce(sum(s.fixable_cnt), 0)::float8 AS fixable
       FROM scan_report s
       JOIN artifact a ON a.digest = s.digest
       WHERE s.registration_uuid = (SELECT uuid FROM scanner_registration WHERE is_default LIMIT 1)
         AND s.mime_type LIKE '%vuln%'
       GROUP BY a.project_id)
SELECT p.name AS project, coalesce(r.scanned, 0) AS scanned, coalesce(r.critical, 0) AS critical,
       coalesce(r.high, 0) AS high, coalesce(r.medium, 0) AS medium, coalesce(r.low, 0) AS low,
       coalesce(r.none, 0) AS none, coalesce(r.unknown, 0) AS unknown, coalesce(r.fixable, 0) AS fixable
FROM project p
LEFT JOIN reports r ON r.project_id = p.project_id
WHERE NOT p.deleted`;

type VulnerabilityRow = { project: string; scanned: number; fixable: number } & Record<
  (typeof SEVERITIES)[number],
  number
>;

export const vulnerabilitiesCollector = collector<HarborDatabase>({
  name: 'vulnerabilities',
  source: 'database',
  defaultEnabled: true,
  help: "Vulnerabilities per project and severity, and fixable ones, from the default scanner's reports (never per artifact).",
  async collect({ client, out }) {
    const rows = await client.query<VulnerabilityRow>('vulnerabilities', VULNERABILITIES_SQL);
    for (const row of rows) {
      const project = { project: row.project };
      out.add('harbor_project_scanned_artifacts', row.scanned, project);
      out.add('harbor_project_fixable_vulnerabilities', row.fixable, project);
      for (const severity of SEVERITIES) {
        out.add('harbor_project_vulnerabilities', row[severity], { project: row.project, severity });
      }
    }
  },
});
