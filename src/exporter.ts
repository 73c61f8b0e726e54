import type { AddressInfo } from 'node:net';
import type { ExporterConfig } from './config/config.js';
import { redactUrl } from './config/redact.js';
import type { Logger } from './log.js';
import { ProjectFilter } from './refresh/project-filter.js';
import { otlpPushPoints, SnapshotBuilder } from './refresh/snapshot.js';
import { SourceRunner } from './refresh/source-runner.js';
import { ProcessMetrics } from './telemetry/process-metrics.js';
import { ExporterHttpServer } from './server/http-server.js';
import { WebConfigWatcher } from './server/web-config-watcher.js';
import type { SourceBinding } from './wiring.js';
import { TelemetryPipeline } from './telemetry/pipeline.js';
import { catalogFamilies } from './telemetry/published-families.js';
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
  private readonly webConfig?: WebConfigWatcher;
  private readonly process = new ProcessMetrics();
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
      processStartMs: this.process.startSeconds * 1000,
      // Read at each scrape and push: the process's figures, and how pushing has gone up to that moment.
      live: () => {
        const points = this.process.read();
        const otlp = this.pipeline.otlpStatus();
        if (otlp) for (const [metric, list] of otlpPushPoints(otlp)) points.set(metric, list);
        return catalogFamilies(points, this.process.startSeconds * 1000);
      },
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
    // Throws WebConfigError for a file that cannot be used: a start-up error.
    this.webConfig = config.webConfigFile ? new WebConfigWatcher(config.webConfigFile, log) : undefined;
    const webConfig = this.webConfig;
    this.server = new ExporterHttpServer({
      host: config.listenHost,
      port: config.listenPort,
      telemetryPath: config.telemetryPath,
      version: VERSION,
      webConfig: webConfig && (() => webConfig.current),
      maxConnections: config.maxConnections,
      responseTimeoutMs: config.responseTimeoutMs,
      statusPage: config.statusPage,
      demo: config.demo,
      log,
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
            collectors: state.collectors.map((collector) => ({
              name: collector.name,
              success: collector.success,
              stale: collector.stale,
              lastSuccessSeconds: collector.lastSuccessSeconds,
              lastError: collector.lastError,
            })),
          };
        }),
      otlp: () => {
        const status = this.pipeline.otlpStatus();
        return config.otlp && status && { endpoint: redactUrl(config.otlp.endpoint), ...status };
      },
      endpoints: () => sourceEndpoints(config),
    });
  }

  /** Renders the first (self-metrics only) snapshot, listens, then starts the background refreshes. */
  async start(): Promise<AddressInfo> {
    await this.republish();
    const address = await this.server.listen();
    this.webConfig?.start();
    this.log.info('listening', {
      address: `${address.address}:${address.port}`,
      path: this.config.telemetryPath,
      tls: Boolean(this.webConfig?.current.tls),
      basic_auth: (this.webConfig?.current.basicAuthUsers.size ?? 0) > 0,
    });
    const otlp = this.config.otlp;
    if (otlp) {
      this.log.info('pushing by OTLP', {
        endpoint: redactUrl(otlp.endpoint),
        protocol: otlp.protocol ?? 'http/protobuf',
        temporality: otlp.temporality ?? 'cumulative',
      });
    }
    for (const runner of this.runners) runner.start();
    return address;
  }

  /** Rebuilds the snapshot from every source's latest state and renders it. */
  republish(): Promise<unknown> {
    const snapshot = this.snapshots.build(this.runners.map((runner) => runner.current));
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
    this.webConfig?.stop();
    await this.server.close();
    await this.publishing;
    await this.pipeline.forceFlush().catch(() => {});
    await this.pipeline.shutdown().catch(() => {});
    this.process.close();
  }
}

/** Where each configured source connects, without passwords, for the detailed status page. */
function sourceEndpoints(config: ExporterConfig): Record<string, string> {
  const endpoints: Record<string, string> = {};
  const db = config.database;
  if (db) endpoints.database = `${db.user}@${db.host}:${db.port}/${db.database} (sslmode ${db.sslmode})`;
  if (config.harbor)
    endpoints.api = `${redactUrl(config.harbor.url)}${config.harbor.username ? ` as ${config.harbor.username}` : ''}`;
  if (config.kubernetes)
    endpoints.kubernetes = `release ${config.kubernetes.release}${config.kubernetes.namespace ? ` in ${config.kubernetes.namespace}` : ''}`;
  if (config.storageLocalPath) endpoints.storage = config.storageLocalPath;
  return endpoints;
}
