import type { HarborDatabase } from '../../sources/postgres/database-source.js';
import type { ExporterConfig } from '../../config/config.js';
import type { CollectorContext, CollectorFactory } from '../types.js';
import { FOREIGN_LAYER_TYPE } from './projects.js';

/**
 * One statement: per live project, the untagged artifacts and those not pulled for each configured age, with the
 * bytes that removing them would take off the project's quota; then one row (project NULL) for the blobs no
 * artifact refers to.
 * - An artifact is counted with what goes with it: the children of an index and the accessories (signatures,
 *   SBOMs) of an artifact or of its children are not counted themselves but go with their parent or subject, as
 *   GC's "delete untagged" removes them (goharbor/harbor src/pkg/artifact/dao/dao.go, src/jobservice/job/impl/gc).
 * - Untagged: no tag (children and accessories are never untagged artifacts of their own).
 * - Not pulled for N days: neither the artifact nor anything that goes with it was pulled or pushed in the last
 *   N days (Harbor's pull_time and push_time, UTC without a zone; never pulled counts from the push).
 * - Bytes as the quota counts them: each blob (manifests included: Harbor links an artifact to its own manifest in
 *   artifact_blob, src/controller/blob/controller.go) once per project, and only if every artifact of the project
 *   that refers to it is in the set. Foreign layers are left out, as the quota leaves them out.
 * - Unreferenced blobs: no artifact refers to them through artifact_blob (GC removes the project links of such
 *   blobs and then deletes them, after its time window).
 * The joins of artifact_blob to artifacts and blobs on digests (text) are the statement's cost, several times
 * the repositories statement's: the collector is off by default. The links are joined straight from each root's
 * members (hash joins; a digest shared by several roots of a project is merged when blobs are grouped by id), then
 * blobs are read once for the bytes and the unreferenced ones together.
 * $1 is the ages in days. Checked against Harbor 2.10.3, 2.13.5, 2.15.2, 2.16 (main).
 */
export const RECLAIMABLE_SQL = `
WITH ages AS (SELECT DISTINCT unnest($1::int[]) AS days),
     buckets AS (SELECT 0 AS days UNION ALL SELECT days FROM ages),
     roots AS (
       SELECT a.id, a.project_id, NOT EXISTS (SELECT 1 FROM tag t WHERE t.artifact_id = a.id) AS untagged
       FROM artifact a
       WHERE NOT EXISTS (SELECT 1 FROM artifact_reference r WHERE r.child_id = a.id)
         AND NOT EXISTS (SELECT 1 FROM artifact_accessory x WHERE x.artifact_id = a.id)),
     members AS (
       SELECT id AS root, id AS artifact_id FROM artifact
       UNION ALL SELECT parent_id, child_id FROM artifact_reference
       UNION ALL SELECT subject_artifact_id, artifact_id FROM artifact_accessory
       UNION ALL SELECT r.parent_id, x.artifact_id
                 FROM artifact_reference r JOIN artifact_accessory x ON x.subject_artifact_id = r.child_id),
     root_members AS MATERIALIZED (
       SELECT r.id AS root, r.project_id, r.untagged, a.digest, greatest(a.pull_time, a.push_time) AS used
       FROM roots r
       JOIN members m ON m.root = r.id
       JOIN artifact a ON a.id = m.artifact_id),
     idle AS MATERIALIZED (
       SELECT root, project_id, bool_and(untagged) AS untagged,
              date_part('epoch', (now() AT TIME ZONE 'UTC') - max(used)) / 86400 AS idle_days
       FROM root_members
       GROUP BY root, project_id),
     linked AS (
       SELECT rm.project_id, b.id, b.size, i.untagged, i.idle_days
       FROM root_members rm
       JOIN idle i ON i.root = rm.root
       JOIN artifact_blob ab ON ab.digest_af = rm.digest
       JOIN blob b ON b.digest = ab.digest_blob),
     blob_use AS (
       SELECT project_id, id, max(size) AS size, bool_and(untagged) AS untagged, min(idle_days) AS idle_days
       FROM linked
       GROUP BY project_id, id),
     blobs AS MATERIALIZED (
       SELECT u.project_id, b.size::float8 AS size, u.untagged, u.idle_days
       FROM blob b
       LEFT JOIN blob_use u ON u.id = b.id
       WHERE b.content_type <> '${FOREIGN_LAYER_TYPE}'),
     sized AS (SELECT * FROM blobs WHERE project_id IS NOT NULL),
     artifacts AS (
       SELECT i.project_id, k.days,
              count(*)::float8 AS artifacts
       FROM idle i JOIN buckets k ON CASE WHEN k.days = 0 THEN i.untagged ELSE i.idle_days >= k.days END
       GROUP BY 1, 2),
     bytes AS (
       SELECT s.project_id, k.days,
              sum(s.size) AS bytes
       FROM sized s JOIN buckets k ON CASE WHEN k.days = 0 THEN s.untagged ELSE s.idle_days >= k.days END
       GROUP BY 1, 2)
SELECT p.name AS project, k.days, coalesce(a.artifacts, 0) AS artifacts, coalesce(b.bytes, 0) AS bytes
FROM project p
CROSS JOIN buckets k
LEFT JOIN artifacts a ON a.project_id = p.project_id AND a.days = k.days
LEFT JOIN bytes b ON b.project_id = p.project_id AND b.days = k.days
WHERE NOT p.deleted
UNION ALL
SELECT NULL, NULL, count(*)::float8, coalesce(sum(size), 0)::float8
FROM blobs
WHERE project_id IS NULL`;

interface ReclaimableRow {
  project: string | null;
  days: number | null;
  artifacts: number;
  bytes: number;
}

export type ReclaimableOptions = Pick<ExporterConfig, 'unpulledDays'>;

export const reclaimableCollector: CollectorFactory<HarborDatabase, ReclaimableOptions> = {
  name: 'reclaimable',
  source: 'database',
  // It reads every artifact-to-blob link by digest: about ten times the repositories statement's cost.
  defaultEnabled: false,
  help: 'Storage that could be reclaimed: per project, untagged artifacts and artifacts not pulled for the configured ages (--reclaimable.unpulled-days), with their bytes as the quota counts them; blobs no artifact refers to, in total.',
  create: ({ unpulledDays }) => ({
    name: 'reclaimable',
    collect: ({ client, out }) => collectReclaimable(client, out, unpulledDays),
  }),
};

async function collectReclaimable(
  client: HarborDatabase,
  out: CollectorContext<HarborDatabase>['out'],
  unpulledDays: readonly number[],
): Promise<void> {
  {
    const rows = await client.query<ReclaimableRow>('reclaimable', RECLAIMABLE_SQL, [unpulledDays]);
    for (const row of rows) {
      if (row.project === null) {
        out.add('harbor_storage_unreferenced_blobs', row.artifacts);
        out.add('harbor_storage_unreferenced_blob_bytes', row.bytes);
      } else if (row.days === 0) {
        out.add('harbor_project_untagged_artifacts', row.artifacts, { project: row.project });
        out.add('harbor_project_untagged_bytes', row.bytes, { project: row.project });
      } else {
        const attributes = { project: row.project, days: String(row.days) };
        out.add('harbor_project_unpulled_artifacts', row.artifacts, attributes);
        out.add('harbor_project_unpulled_bytes', row.bytes, attributes);
      }
    }
  }
}
