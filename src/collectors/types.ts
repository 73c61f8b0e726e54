import type { ExporterConfig } from '../config/config.js';
import type { Logger } from '../log.js';
import type { SourceName } from '../catalog/index.js';
import type { Observations } from '../refresh/observations.js';

export interface CollectorContext<Client> {
  client: Client;
  out: Observations;
  signal: AbortSignal;
  log: Logger;
  config: ExporterConfig;
}

/**
 * Turns one source's answers about one subject into observations. Collectors know their source's client and
 * the catalog names they emit, nothing else: no instruments, no HTTP, no scheduling.
 */
export interface Collector<Client = unknown> {
  name: string;
  source: SourceName;
  defaultEnabled: boolean;
  /** One line for --help and the docs. */
  help: string;
  collect(context: CollectorContext<Client>): Promise<void>;
}
