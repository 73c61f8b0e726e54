export type Attributes = Readonly<Record<string, string>>;

export interface Point {
  readonly attributes: Attributes;
  readonly value: number;
}

/**
 * One metric's points as two columns: the attributes (objects often shared by several families, e.g. one per
 * repository) and the values, in an array V8 keeps as unboxed doubles. A registry of 100,000 repositories has
 * close to a million series; one object per point (with its boxed value) would be most of the exporter's memory.
 */
export class PointList implements Iterable<Point> {
  private constructor(
    private readonly attributeColumn: Attributes[],
    private readonly valueColumn: number[],
  ) {}

  static empty(): PointList {
    return new PointList([], []);
  }

  /** Takes the two columns as they are (same length): the list owns them from now on. */
  static fromColumns(attributes: Attributes[], values: number[]): PointList {
    if (attributes.length !== values.length) throw new Error('point columns of different lengths');
    return new PointList(attributes, values);
  }

  static of(points: Iterable<Point>): PointList {
    const list = PointList.empty();
    for (const point of points) list.push(point.attributes, point.value);
    return list;
  }

  /** Several lists one after another (a metric that several collectors report). */
  static concat(lists: readonly PointList[]): PointList {
    if (lists.length === 1) return lists[0]!;
    return new PointList(
      lists.flatMap((list) => list.attributeColumn),
      lists.flatMap((list) => list.valueColumn),
    );
  }

  get length(): number {
    return this.valueColumn.length;
  }

  push(attributes: Attributes, value: number): void {
    this.attributeColumn.push(attributes);
    this.valueColumn.push(value);
  }

  attributesAt(index: number): Attributes {
    return this.attributeColumn[index]!;
  }

  valueAt(index: number): number {
    return this.valueColumn[index]!;
  }

  /** The points from `from` up to (not including) `to`, as a new list. */
  slice(from: number, to: number): PointList {
    return new PointList(this.attributeColumn.slice(from, to), this.valueColumn.slice(from, to));
  }

  /** The indexes of the points whose attributes pass `keep`, or undefined when all pass. */
  indexesWhere(keep: (attributes: Attributes) => boolean): number[] | undefined {
    const kept: number[] = [];
    for (let index = 0; index < this.length; index++) {
      if (keep(this.attributeColumn[index]!)) kept.push(index);
    }
    return kept.length === this.length ? undefined : kept;
  }

  /** The points at `indexes`, in that order. */
  pick(indexes: readonly number[]): PointList {
    return new PointList(
      indexes.map((index) => this.attributeColumn[index]!),
      indexes.map((index) => this.valueColumn[index]!),
    );
  }

  /** One object per point: for tests and small lists, not for the hot path. */
  toArray(): Point[] {
    return this.valueColumn.map((value, index) => ({ attributes: this.attributeColumn[index]!, value }));
  }

  *[Symbol.iterator](): Iterator<Point> {
    for (let index = 0; index < this.length; index++) {
      yield { attributes: this.attributeColumn[index]!, value: this.valueColumn[index]! };
    }
  }
}
