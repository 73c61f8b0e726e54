/** Where a metric's values come from. `exporter` is the exporter's own state. */
export type SourceName = 'database' | 'api' | 'kubernetes' | 'storage' | 'exporter';

/**
 * `gauge`: a value that goes up and down. `counter`: monotonic, published as a cumulative sum
 * (Prometheus adds `_total`). `info`: a gauge fixed at 1 whose attributes carry the information.
 */
export type MetricKind = 'gauge' | 'counter' | 'info';

/** A second name under which a metric is published for existing dashboards (`--compat=<set>`). */
export interface CompatibilityName {
  set: CompatibilitySet;
  /** Name as the old exporter wrote it, including `_total` when it had one. */
  name: string;
  /** The old exporter's type; a counter published as a gauge keeps its old name as is. */
  kind: 'gauge' | 'counter';
  /** Old label name for each of this metric's attributes; attributes not listed keep their name. */
  labels?: Readonly<Record<string, string>>;
  /** Only the series with these attribute values (the attribute is then usually dropped): `{ visibility: 'public' }`. */
  only?: Readonly<Record<string, string>>;
  /** Attributes the old exporter did not have; their series are summed away. */
  dropAttributes?: readonly string[];
  /** Old label values, per attribute: `{ visibility: { public: 'true' } }`. */
  values?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Labels with fixed values that the old exporter added. */
  constantLabels?: Readonly<Record<string, string>>;
  /**
   * Attributes taken from another catalog metric's series that has the same values of `on` (an info metric,
   * usually), before `only`, `labels` and `values` apply; a series with no such partner is left out, unless the
   * join is `optional` (then it keeps its own attributes only).
   */
  join?: { metric: string; on: readonly string[]; attributes: readonly string[]; optional?: boolean };
  /** Only the series with this value: `1` of harbor_project_quota_unlimited. */
  whereValue?: number;
  /** The value the old exporter wrote for these series, in place of the metric's: `-1` for "no limit". */
  value?: number;
  /** Left out when one of these sets is enabled too: its family of the same name has another shape and wins. */
  yieldsTo?: readonly CompatibilitySet[];
}

/** The older exporters whose names `--compat=<set>` also publishes, each with what it was. */
export const compatibilitySets = {
  seed: 'c4po/harbor_exporter and the Kubernetes fork of it',
  harbor: "Harbor's built-in exporter",
} as const;
export type CompatibilitySet = keyof typeof compatibilitySets;
export const compatibilitySetNames = Object.keys(compatibilitySets) as readonly CompatibilitySet[];

export interface MetricDefinition {
  /** Prometheus-style name with the unit in it; counters without `_total` (the serializer adds it). */
  name: string;
  kind: MetricKind;
  /** UCUM unit as OpenTelemetry writes it: `By`, `s`, `1`, `{repository}`. */
  unit: string;
  help: string;
  attributes: readonly string[];
  source: SourceName;
  /** The collector that emits it (`--collector.<name>`). */
  collector: string;
  /** Harbor releases it was checked against, for the reference. */
  harborVersions?: string;
  compat?: readonly CompatibilityName[];
  /**
   * The collector of another source that emits this metric when its own source is not configured (the API
   * standing in for the database). Bindings enable it only then, so a metric has one source at a time.
   */
  fallback?: { source: SourceName; collector: string };
}

/** Prometheus' name for a metric as it appears on /metrics. */
export function exposedName(definition: Pick<MetricDefinition, 'name' | 'kind'>): string {
  return definition.kind === 'counter' ? `${definition.name}_total` : definition.name;
}
