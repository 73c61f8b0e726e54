import type { Logger } from '../log.js';
import type { SourceName } from '../catalog/index.js';
import type { Observations } from './observations.js';

export interface CollectorContext<Client> {
  client: Client;
  out: Observations;
  signal: AbortSignal;
  log: Logger;
}

/**
 * One exporter's collector of one subject: turns its source's answers into observations at each refresh. It
 * knows its source's client and the catalog names it emits, nothing else: no instruments, no HTTP, no
 * scheduling. What it keeps between refreshes (audit counts) lives in it, so a new exporter starts afresh.
 */
export interface Collector<Client = unknown> {
  readonly name: string;
  collect(context: CollectorContext<Client>): Promise<void>;
}

/** What configuration, --help and the docs know of a collector. */
export interface CollectorInfo {
  name: string;
  source: SourceName;
  defaultEnabled: boolean;
  /** One line for --help and the docs. */
  help: string;
}

/** Makes a collector for each exporter, from the settings it reads (`Options`, a part of the configuration). */
export interface CollectorFactory<Client = unknown, Options = unknown> extends CollectorInfo {
  create(options: Options): Collector<Client>;
}

/** A collector that keeps nothing between refreshes and reads no setting: every exporter can share it. */
export function collector<Client>(
  definition: CollectorInfo & Collector<Client>,
): CollectorFactory<Client, unknown> {
  const { collect, ...info } = definition;
  const shared: Collector<Client> = { name: info.name, collect };
  return { ...info, create: () => shared };
}
