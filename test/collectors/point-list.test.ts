import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PointList } from '../../src/collectors/point-list.js';

const a = { project: 'a' };
const b = { project: 'b' };
const c = { project: 'c' };

describe('point list', () => {
  it('keeps points in the order added, with their attributes objects as given', () => {
    const list = PointList.empty();
    list.push(a, 1);
    list.push(b, 2.5);
    list.push(a, 3);
    assert.equal(list.length, 3);
    assert.equal(list.attributesAt(2), a, 'the same object, not a copy');
    assert.deepEqual(list.toArray(), [
      { attributes: a, value: 1 },
      { attributes: b, value: 2.5 },
      { attributes: a, value: 3 },
    ]);
    assert.deepEqual([...list], list.toArray());
  });

  it('slices, picks and filters without touching the original', () => {
    const list = PointList.of([
      { attributes: a, value: 1 },
      { attributes: b, value: 2 },
      { attributes: c, value: 3 },
    ]);
    assert.deepEqual(
      list
        .slice(1, 3)
        .toArray()
        .map((point) => point.value),
      [2, 3],
    );
    assert.deepEqual(
      list.indexesWhere((attributes) => attributes.project !== 'b'),
      [0, 2],
    );
    assert.equal(
      list.indexesWhere(() => true),
      undefined,
      'undefined when every point passes',
    );
    assert.deepEqual(
      list
        .pick([2, 0])
        .toArray()
        .map((point) => point.attributes.project),
      ['c', 'a'],
    );
    assert.equal(list.length, 3);
  });

  it('joins the lists of several collectors, and returns a single list as it is', () => {
    const one = PointList.of([{ attributes: a, value: 1 }]);
    const two = PointList.of([
      { attributes: b, value: 2 },
      { attributes: c, value: 3 },
    ]);
    assert.equal(PointList.concat([one]), one);
    assert.deepEqual(
      PointList.concat([one, two])
        .toArray()
        .map((point) => point.value),
      [1, 2, 3],
    );
  });

  it('refuses columns of different lengths', () => {
    assert.throws(() => PointList.fromColumns([a, b], [1]), /different lengths/);
    assert.equal(PointList.fromColumns([a], [7]).valueAt(0), 7);
  });
});
