import http from 'node:http';

export interface ScrapeLoad {
  /** Clients scraping at once, each one request after another. */
  clients: number;
  requestsPerClient: number;
  gzip: boolean;
}

export interface ScrapeResult {
  medianMs: number;
  p99Ms: number;
  requests: number;
  bodyBytes: number;
}

/** Scrapes `url` from several keep-alive clients at once and measures each response to its last byte. */
export async function scrapeUnderLoad(url: string, load: ScrapeLoad): Promise<ScrapeResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: load.clients });
  const headers = load.gzip ? { 'accept-encoding': 'gzip' } : {};
  const latencies: number[] = [];
  let bodyBytes = 0;
  const once = () =>
    new Promise<void>((resolve, reject) => {
      const started = performance.now();
      http
        .get(url, { agent, headers }, (response) => {
          let bytes = 0;
          response.on('data', (chunk: Buffer) => (bytes += chunk.length));
          response.on('end', () => {
            if (response.statusCode !== 200)
              return reject(new Error(`scrape answered ${response.statusCode}`));
            latencies.push(performance.now() - started);
            bodyBytes = bytes;
            resolve();
          });
          response.on('error', reject);
        })
        .on('error', reject);
    });
  try {
    await Promise.all(
      Array.from({ length: load.clients }, async () => {
        for (let request = 0; request < load.requestsPerClient; request++) await once();
      }),
    );
  } finally {
    agent.destroy();
  }
  latencies.sort((a, b) => a - b);
  return {
    medianMs: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    requests: latencies.length,
    bodyBytes,
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}
