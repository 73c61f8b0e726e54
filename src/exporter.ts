import type { AddressInfo } from 'node:net';
import type { ExporterConfig } from './config/config.js';
import type { Logger } from './log.js';
import { ProjectFilter } from './refresh/project-filter.js';
import { SnapshotBuilder } from './refresh/snapshot.js';
import { SourceRunner } from './refresh/source-runner.js';
import { adjustHeapGrowth } from './runtime/heap.js';
import { ExporterHttpServer } from './server/http-server.js';
import type { SourceBinding } from './wiring.js';
import { TelemetryPipeline } from './telemetry/pipeline.js';
import { VERSION } from './version.js';

/**
 * The running exporter: one background runner per source, a snapshot rebuilt after each refresh, the
 * telemetry pipeline rendering it, and the HTTP server serving the rendered bytes.
 */
export class Exporter {
  readonly runners: SourceRunner<unknown>[];
  readonly pipeline: TelemetryPipeline;
  private readonly snapshots: SnapshotBuilder;
  private readonly server: ExporterHttpServer;
  private publishing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly config: ExporterConfig,
    bindings: readonly SourceBinding[],
    private readonly log: Logger,
  ) {
    this.snapshots = new SnapshotBuilder(new ProjectFilter(config.projectsInclude, config.projectsExclude), {
      version: VERSION,
    });
    this.pipeline = new TelemetryPipeline({
      version: VERSION,
      compat: config.compat,
      otlp: config.otlp,
      log,
    });
    this.runners = bindings.map(
      (binding) =>
        new SourceRunner(binding.source, binding.collectors, {
          intervalMs: config.refreshIntervalMs,
          timeoutMs: config.refreshTimeoutMs,
          keepStaleForMs: config.keepStaleForMs,
          log,
          onRefreshed: () => this.republish(),
        }),
    );
    this.server = new ExporterHttpServer({
      host: config.listenHost,
      port: config.listenPort,
      telemetryPath: config.telemetryPath,
      version: VERSION,
      metrics: () => this.pipeline.latest,
      sources: () =>
        this.runners.map((runner) => {
          const state = runner.current;
          return {
            name: state.name,
            refreshes: state.refreshes,
            success: state.success,
            lastSuccessSeconds: state.lastSuccessSeconds,
            lastError: state.lastError,
          };
        }),
    });
  }

  /** Renders the first (self-metrics only) snapshot, listens, then starts the background refreshes. */
  async start(): Promise<AddressInfo> {
    await this.republish();
    const address = await this.server.listen();
    this.log.info('listening', {
      address: `${address.address}:${address.port}`,
      path: this.config.telemetryPath,
    });
    for (const runner of this.runners) runner.start();
    return address;
  }

  /** Rebuilds the snapshot from every source's latest state and renders it. */
  republish(): Promise<unknown> {
    const snapshot = this.snapshots.build(
      this.runners.map((runner) => runner.current),
      this.pipeline.otlpStatus(),
    );
    adjustHeapGrowth(snapshot.seriesCount);
    this.publishing = this.pipeline.publish(snapshot).catch((error: unknown) => {
      this.log.error('rendering metrics failed', { err: error });
    });
    return this.publishing;
  }

  /**
   * Closes the sources first (database connections end at once, even mid-statement), then the server, then
   * pushes the last values by OTLP.
   */
  async stop(): Promise<void> {
    const settled = this.runners.map((runner) => runner.stop());
    await Promise.all(this.runners.map((runner) => runner.source.close()));
    await Promise.all(settled);
    await this.server.close();
    await this.publishing;
    await this.pipeline.forceFlush().catch(() => {});
    await this.pipeline.shutdown().catch(() => {});
  }
}
