import { unwatchFile, watchFile, type Stats } from 'node:fs';
import { errorMessage, type Logger } from '../log.js';
import { readWebConfig, type WebConfig } from './web-config.js';

/** How often the web configuration's files are checked for changes. */
const DEFAULT_POLL_MS = 2_000;

/**
 * Keeps the web configuration current: the file and every certificate, key and CA it names are polled (their
 * metadata only), and the whole configuration is read again when one changes. Polling follows symbolic links,
 * so a Kubernetes Secret's atomic swap of its files is seen. A change that cannot be used is logged and the
 * configuration in force stays: a certificate written before its key does not stop the server.
 */
export class WebConfigWatcher {
  private config: WebConfig;
  private watched: readonly string[] = [];
  private pending?: NodeJS.Timeout;
  private readonly onChange = (current: Stats, previous: Stats) => {
    if (
      current.mtimeMs !== previous.mtimeMs ||
      current.ino !== previous.ino ||
      current.size !== previous.size
    )
      this.scheduleReload();
  };

  constructor(
    readonly path: string,
    private readonly log: Logger,
    private readonly pollMs = DEFAULT_POLL_MS,
  ) {
    this.config = readWebConfig(path);
  }

  get current(): WebConfig {
    return this.config;
  }

  start(): void {
    this.watch(this.config.files);
  }

  stop(): void {
    clearTimeout(this.pending);
    this.watch([]);
  }

  /** Several files of one rotation change together: read once they have settled. */
  private scheduleReload(): void {
    clearTimeout(this.pending);
    this.pending = setTimeout(() => this.reload(), Math.min(this.pollMs, 200));
    this.pending.unref();
  }

  reload(): void {
    try {
      this.config = readWebConfig(this.path);
      this.log.info('web configuration reloaded', { file: this.path, tls: Boolean(this.config.tls) });
    } catch (error) {
      this.log.error('web configuration not reloaded; the previous one stays in force', {
        file: this.path,
        err: errorMessage(error),
      });
    }
    this.watch(this.config.files);
  }

  private watch(files: readonly string[]): void {
    for (const file of this.watched) if (!files.includes(file)) unwatchFile(file, this.onChange);
    for (const file of files)
      if (!this.watched.includes(file))
        watchFile(file, { interval: this.pollMs, persistent: false }, this.onChange);
    this.watched = files;
  }
}
