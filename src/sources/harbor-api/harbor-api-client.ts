import type { EndpointAvailability } from './endpoint-availability.js';
import type { HarborEndpoint } from './endpoints.js';
import { API_BASE_PATH, HarborApiError, type HarborHttp, type RequestCounter } from './harbor-http.js';
import type { GeneralInfo } from './harbor-types.js';
import type { HarborVersion } from './harbor-version.js';

export type Query = Readonly<Record<string, string | number | boolean>>;

/** Harbor's largest page; asking for more gives 422. */
export const PAGE_SIZE = 100;
/** A bound on pages per list, so a server that keeps answering "next" cannot hold a refresh forever. */
const MAX_PAGES = 10_000;

/**
 * What API collectors get for one refresh. Both calls resolve to undefined when this Harbor does not serve
 * the endpoint (an older release, a 404, a scanner not configured): that is "no data", not an error.
 */
export interface HarborApiClient {
  /** /systeminfo as read, authenticated, when the refresh began. */
  readonly systemInfo: GeneralInfo;
  readonly version?: HarborVersion;
  get<T>(endpoint: HarborEndpoint, query?: Query): Promise<T | undefined>;
  /** Every item of a paged list: page_size=100, following Link rel="next" and bounded by X-Total-Count. */
  list<T>(endpoint: HarborEndpoint, query?: Query): Promise<T[] | undefined>;
}

/** The client of one refresh: counts its requests, honours its abort signal. */
export class RefreshApiClient implements HarborApiClient {
  readonly counter: RequestCounter = { count: 0 };

  constructor(
    private readonly http: HarborHttp,
    private readonly availability: EndpointAvailability,
    private readonly signal: AbortSignal,
    readonly systemInfo: GeneralInfo,
    readonly version: HarborVersion | undefined,
  ) {}

  async get<T>(endpoint: HarborEndpoint, query: Query = {}): Promise<T | undefined> {
    return (await this.fetch(endpoint, withQuery(endpoint.path, query)))?.body as T | undefined;
  }

  async list<T>(endpoint: HarborEndpoint, query: Query = {}): Promise<T[] | undefined> {
    let path = withQuery(endpoint.path, { ...query, page: 1, page_size: PAGE_SIZE });
    const items: T[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const response = await this.fetch(endpoint, path, page > 1);
      if (!response) return undefined;
      if (!Array.isArray(response.body)) {
        throw new HarborApiError(`GET ${API_BASE_PATH}${endpoint.path}: expected a JSON array`);
      }
      items.push(...(response.body as T[]));
      const total = Number(response.headers['x-total-count']);
      if (response.body.length === 0 || (Number.isFinite(total) && items.length >= total)) return items;
      const next = nextLink(String(response.headers.link ?? ''), this.http.origin);
      if (next) path = next;
      // No Link but more items announced: ask for the next page ourselves (a proxy may drop the header).
      else if (Number.isFinite(total) && response.body.length >= PAGE_SIZE)
        path = withQuery(endpoint.path, { ...query, page: page + 1, page_size: PAGE_SIZE });
      else return items;
    }
    throw new HarborApiError(`GET ${API_BASE_PATH}${endpoint.path}: more than ${MAX_PAGES} pages`);
  }

  private async fetch(endpoint: HarborEndpoint, path: string, midList = false) {
    if (!midList && !this.availability.allows(endpoint, this.version)) return undefined;
    try {
      const response = await this.http.get(path, { signal: this.signal, counter: this.counter });
      if (!midList) this.availability.markAvailable(endpoint);
      return response;
    } catch (error) {
      const status = (error as HarborApiError).status;
      if (!midList && status !== undefined && (status === 404 || endpoint.unavailableOn?.includes(status))) {
        this.availability.markUnavailable(endpoint, status);
        return undefined;
      }
      throw error;
    }
  }
}

function withQuery(path: string, query: Query): string {
  const entries = Object.entries(query);
  if (entries.length === 0) return path;
  return `${path}?${new URLSearchParams(entries.map(([key, value]) => [key, String(value)]))}`;
}

/**
 * The rel="next" target of a Link header as a path below /api/v2.0. Harbor writes it relative
 * (`</api/v2.0/projects?page=2&page_size=100>; rel="next"`); a link to another origin is refused, so
 * credentials never follow it.
 */
export function nextLink(header: string | undefined, origin: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const match = /<([^>]*)>\s*;\s*rel="?next"?/i.exec(part);
    if (!match) continue;
    const target = new URL(match[1]!, origin);
    const at = target.pathname.indexOf(API_BASE_PATH + '/');
    if (target.origin !== origin || at < 0) {
      throw new HarborApiError(`Link rel="next" leads outside ${origin}${API_BASE_PATH}; not followed`);
    }
    return target.pathname.slice(at + API_BASE_PATH.length) + target.search;
  }
  return undefined;
}
