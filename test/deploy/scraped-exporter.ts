import type { SyntheticHarborOptions } from '../../src/demo/synthetic-harbor.js';
import { PrometheusServer } from '../end-to-end/prometheus-server.js';
import { startTestExporter, testConfig, type RunningTestExporter } from '../harness/exporter.js';
import { startSimulatedHarbor, type SimulatedHarbor } from '../harness/harbor-api-simulator.js';

export interface ScrapedExporter {
  harbor: SimulatedHarbor;
  running: RunningTestExporter;
  prometheus: PrometheusServer;
  stop(): Promise<void>;
}

/**
 * A simulated Harbor, an exporter reading its database and API with `flags` (refreshed once), and a real
 * Prometheus scraping that exporter as `job`: what dashboards and alert rules are run against.
 */
export async function startScrapedExporter(
  prometheusBinary: string,
  job: string,
  harborOptions: SyntheticHarborOptions,
  flags: readonly string[],
): Promise<ScrapedExporter> {
  const harbor = await startSimulatedHarbor(harborOptions);
  let running: RunningTestExporter | undefined;
  try {
    running = await startTestExporter(testConfig([...harbor.exporterFlags(), ...flags]));
    await running.refreshAll();
    const prometheus = await PrometheusServer.scraping(prometheusBinary, job, running.url);
    return {
      harbor,
      running,
      prometheus,
      async stop() {
        await prometheus.stop();
        await running!.stop();
        await harbor.stop();
      },
    };
  } catch (error) {
    await running?.stop();
    await harbor.stop();
    throw error;
  }
}
