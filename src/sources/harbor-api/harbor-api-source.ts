import type { HarborApiSettings } from '../../config/config.js';
import type { Logger } from '../../log.js';
import type { Source, SourceSession } from '../source.js';
import { EndpointAvailability } from './endpoint-availability.js';
import { endpoints } from './endpoints.js';
import { RefreshApiClient, checked, type HarborApiClient } from './harbor-api-client.js';
import { HarborApiError, HarborHttp, type RequestCounter } from './harbor-http.js';
import type { GeneralInfo } from './harbor-types.js';
import { parseHarborVersion } from './harbor-version.js';

/** Where the API settings come from: fixed, or discovered (Kubernetes) and re-read after a rejection. */
export interface HarborApiSettingsProvider {
  current(): Promise<HarborApiSettings>;
  /** Called when Harbor rejected the credentials, so the next refresh reads them again. */
  rejected?(): void;
}

/**
 * Harbor's REST API as a source. Each refresh first reads /systeminfo with the credentials: that proves Harbor
 * is reachable and that it accepted them (an anonymous caller gets no harbor_version), and gives the release
 * that decides which endpoints to ask.
 */
export class HarborApiSource implements Source<HarborApiClient> {
  readonly name = 'api' as const;
  readonly upMetric = 'harbor_api_up';
  private http?: HarborHttp;
  private httpKey?: string;
  private maxConcurrency = 1;
  private maxListItems = 0;
  private closed = false;
  private readonly availability: EndpointAvailability;
  /** Requests the last finished refresh made, for tests and the benchmark. */
  lastRequests = 0;

  constructor(
    private readonly settings: HarborApiSettingsProvider,
    private readonly log: Logger,
  ) {
    this.availability = new EndpointAvailability(log);
  }

  get concurrency(): number {
    return this.maxConcurrency;
  }

  /** Endpoints this Harbor was found not to serve, by path, with the status that said so. */
  get unavailableEndpoints(): ReadonlyMap<string, number> {
    return this.availability.unavailable;
  }

  async beginRefresh(signal: AbortSignal): Promise<SourceSession<HarborApiClient>> {
    if (this.closed) throw new Error('API source is closed');
    const http = await this.currentHttp();
    const counter: RequestCounter = { count: 0 };
    const info = await this.readSystemInfo(http, signal, counter);
    const version = parseHarborVersion(info.harbor_version);
    this.availability.observeVersion(version);
    const client = new RefreshApiClient(http, this.availability, signal, info, version, this.maxListItems);
    client.counter.count = counter.count;
    return {
      client,
      finish: (out) => {
        this.lastRequests = client.counter.count;
        out.add('harbor_exporter_api_requests', client.counter.count);
      },
    };
  }

  private async readSystemInfo(
    http: HarborHttp,
    signal: AbortSignal,
    counter: RequestCounter,
  ): Promise<GeneralInfo> {
    const who = http.username === undefined ? 'anonymously' : `as user "${http.username}"`;
    let info: GeneralInfo;
    try {
      const response = await http.get(endpoints.systemInfo.path, { signal, counter });
      // An answer of another shape is no word on the credentials: it is not Harbor's (a proxy, another service).
      info = checked(endpoints.systemInfo, response.body);
    } catch (error) {
      const status = (error as HarborApiError).status;
      if (status === 401 || status === 403) {
        this.settings.rejected?.();
        throw new HarborApiError(
          `Harbor at ${http.displayUrl} rejected the credentials ${who} (${status}); check harbor.username and harbor.password`,
          status,
        );
      }
      throw new HarborApiError(
        `Harbor at ${http.displayUrl}: ${(error as Error).message}`,
        status,
        (error as HarborApiError).code,
      );
    }
    // Harbor treats credentials it does not accept as no credentials; only an authenticated caller sees the version.
    if (http.username !== undefined && !info.harbor_version) {
      this.settings.rejected?.();
      throw new HarborApiError(
        `Harbor at ${http.displayUrl} did not accept the credentials ${who} (answered as to an anonymous caller); check harbor.username and harbor.password`,
      );
    }
    return info;
  }

  private async currentHttp(): Promise<HarborHttp> {
    const settings = await this.settings.current();
    const key = JSON.stringify(settings);
    if (this.http && key === this.httpKey) return this.http;
    const previous = this.http;
    this.http = new HarborHttp(settings);
    this.httpKey = key;
    this.maxConcurrency = settings.maxConcurrency;
    this.maxListItems = settings.maxListItems;
    if (previous) {
      this.log.info('API settings changed; reconnecting', { url: this.http.displayUrl });
      previous.close();
    }
    return this.http;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.http?.close();
    this.http = undefined;
  }
}

/** Settings given at start-up that never change. */
export function fixedHarborApiSettings(settings: HarborApiSettings): HarborApiSettingsProvider {
  return { current: async () => settings };
}
