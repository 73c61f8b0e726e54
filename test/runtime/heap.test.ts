import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  adjustHeapGrowth,
  HEAP_GROWING_PERCENT,
  LARGE_SNAPSHOT_SERIES,
  tuneHeapForSnapshots,
} from '../../src/runtime/heap.js';

describe('heap growth by snapshot size', () => {
  it('leaves V8 alone until the command asks for tuning', () => {
    assert.equal(adjustHeapGrowth(LARGE_SNAPSHOT_SERIES * 10), undefined);
  });

  it('tightens the growth for large snapshots only, and sets the flag only when that changes', () => {
    tuneHeapForSnapshots([]);
    assert.equal(adjustHeapGrowth(LARGE_SNAPSHOT_SERIES - 1), undefined, 'small: V8’s default stays');
    assert.equal(adjustHeapGrowth(LARGE_SNAPSHOT_SERIES), HEAP_GROWING_PERCENT);
    assert.equal(adjustHeapGrowth(LARGE_SNAPSHOT_SERIES * 2), undefined, 'already set');
    assert.equal(adjustHeapGrowth(10), 0, 'back to V8’s default when the registry shrinks');
  });

  it('keeps a growth given on the command line', () => {
    tuneHeapForSnapshots(['--heap-growing-percent=50']);
    assert.equal(adjustHeapGrowth(LARGE_SNAPSHOT_SERIES * 2), undefined);
  });
});
