import type { MetricSink, SingleSeriesMetricName, SourceName } from '../catalog/index.js';

/** One refresh's access to a source: the client collectors use, and the source's own figures afterwards. */
export interface SourceSession<Client> {
  client: Client;
  /**
   * Confirms, once the collectors have run, what the session assumed without asking first (the version read
   * alongside the collectors). Throwing fails the refresh as one the source did not answer.
   */
  verify?(): Promise<void>;
  /** Source-level self-metrics after the collectors ran (statements, requests, schema version). */
  finish?(out: MetricSink): void;
  /** Releases what the session holds; always called. */
  release?(): Promise<void> | void;
}

/** Something the exporter reads Harbor through: its database, its API, Kubernetes, a local directory. */
export interface Source<Client = unknown> {
  name: SourceName;
  /** Prepares a refresh (connect, detect Harbor's version); throwing fails every collector of the source. */
  beginRefresh(signal: AbortSignal): Promise<SourceSession<Client>>;
  /** Catalog metric (collector `source`) set to 1 when the source answered a refresh, 0 when it did not. */
  upMetric?: SingleSeriesMetricName;
  /**
   * Whether an error from beginRefresh or a session's verify still shows that the source answered (it refused or
   * cancelled a statement, e.g. at a statement timeout behind a lock) rather than that it is down.
   */
  answeredWith?(error: unknown): boolean;
  /** How many collectors may run at once against this source (Infinity: all of them). */
  concurrency: number;
  close(): Promise<void>;
}
