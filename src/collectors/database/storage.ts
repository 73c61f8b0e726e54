import type { HarborDatabase } from '../../sources/postgres/database-source.js';
import { collector } from '../types.js';
import { FOREIGN_LAYER_TYPE } from './projects.js';

/**
 * What Harbor's statistics report as total storage: every blob once (foreign layers left out, as
 * blob.SumBlobsSize does) plus the system artifacts Harbor stores itself (scan data exports).
 * Checked against Harbor 2.10.3, 2.13.5, 2.15.2, 2.16 (main).
 */
export const STORAGE_SQL = `
SELECT count(*)::float8 AS blobs, coalesce(sum(size), 0)::float8 AS blob_bytes,
       (SELECT coalesce(sum(size), 0) FROM system_artifact)::float8 AS system_artifact_bytes
FROM blob
WHERE content_type <> '${FOREIGN_LAYER_TYPE}'`;

export const storageCollector = collector<HarborDatabase>({
  name: 'storage',
  source: 'database',
  defaultEnabled: true,
  help: "Registry storage as Harbor's statistics count it: blob bytes and count, system artifact bytes.",
  async collect({ client, out }) {
    const [row] = await client.query<{ blobs: number; blob_bytes: number; system_artifact_bytes: number }>(
      'storage',
      STORAGE_SQL,
    );
    if (!row) return;
    out.add('harbor_storage_blobs', row.blobs);
    out.add('harbor_storage_consumption_bytes', row.blob_bytes, { kind: 'blob' });
    out.add('harbor_storage_consumption_bytes', row.system_artifact_bytes, { kind: 'system_artifact' });
  },
});
