import assert from 'node:assert/strict';
import { it } from 'node:test';
import { FOREIGN_LAYER_TYPE } from '../../../src/collectors/database/projects.js';
import { storageCollector } from '../../../src/collectors/database/storage.js';
import { pointValue } from '../../harness/exporter.js';
import { forEachRelease } from './releases.js';

forEachRelease('storage collector', { repositories: 60, seed: 12 }, (context) => {
  it("counts blobs once and sums their bytes like Harbor's statistics, system artifacts apart", async () => {
    const points = await context.collect(storageCollector);
    const blobs = await context.rows<{ size: string; content_type: string }>(
      'SELECT size, content_type FROM blob',
    );
    const stored = blobs.filter((blob) => blob.content_type !== FOREIGN_LAYER_TYPE);
    assert.ok(stored.length < blobs.length, 'the fixture holds foreign layers');
    const systemArtifacts = await context.rows<{ size: string }>('SELECT size FROM system_artifact');
    assert.equal(pointValue(points, 'harbor_storage_blobs'), stored.length);
    assert.equal(
      pointValue(points, 'harbor_storage_consumption_bytes', { kind: 'blob' }),
      stored.reduce((sum, blob) => sum + Number(blob.size), 0),
    );
    assert.equal(
      pointValue(points, 'harbor_storage_consumption_bytes', { kind: 'system_artifact' }),
      systemArtifacts.reduce((sum, artifact) => sum + Number(artifact.size), 0),
    );
  });
});
