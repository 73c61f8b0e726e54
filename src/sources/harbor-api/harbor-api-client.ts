import type { Static, TArray, TSchema } from '@sinclair/typebox';
import { checkAnswer } from './answer-check.js';
import type { EndpointAvailability } from './endpoint-availability.js';
import type { HarborEndpoint } from './endpoints.js';
import { API_BASE_PATH, HarborApiError, type HarborHttp, type RequestCounter } from './harbor-http.js';
import type { GeneralInfo } from './harbor-types.js';
import type { HarborVersion } from './harbor-version.js';

export type Query = Readonly<Record<string, string | number | boolean>>;

/** Harbor's largest page; asking for more gives 422. */
export const PAGE_SIZE = 100;

/**
 * What API collectors get for one refresh. Both calls resolve to undefined when this Harbor does not serve
 * the endpoint (an older release, a 404, a scanner not configured): that is "no data", not an error. An
 * answer that does not match the endpoint's schema, is too large, or a list that does not end, throws: that
 * fails the collector, whose last values stay.
 */
export interface HarborApiClient {
  /** /systeminfo as read, authenticated, when the refresh began. */
  readonly systemInfo: GeneralInfo;
  readonly version?: HarborVersion;
  get<S extends TSchema>(endpoint: HarborEndpoint<S>, query?: Query): Promise<Static<S> | undefined>;
  /**
   * Every item of a paged list: page_size=100, following Link rel="next", ending at X-Total-Count, and failing
   * past harbor.max-list-items.
   */
  list<I extends TSchema>(
    endpoint: HarborEndpoint<TArray<I>>,
    query?: Query,
  ): Promise<Static<I>[] | undefined>;
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
    private readonly maxListItems: number,
  ) {}

  async get<S extends TSchema>(
    endpoint: HarborEndpoint<S>,
    query: Query = {},
  ): Promise<Static<S> | undefined> {
    const response = await this.fetch(endpoint, withQuery(endpoint.path, query));
    return response && checked(endpoint, response.body);
  }

  async list<I extends TSchema>(
    endpoint: HarborEndpoint<TArray<I>>,
    query: Query = {},
  ): Promise<Static<I>[] | undefined> {
    const where = `GET ${API_BASE_PATH}${endpoint.path}`;
    let path = withQuery(endpoint.path, { ...query, page: 1, page_size: PAGE_SIZE });
    const items: Static<I>[] = [];
    // The smallest total Harbor announced: items deleted while paging lower it; a server that raises it page
    // after page is not followed past its first word.
    let total = Infinity;
    for (let page = 1; ; page++) {
      const response = await this.fetch(endpoint, path, page > 1);
      if (!response) return undefined;
      const body = checked(endpoint, response.body);
      if (body.length > PAGE_SIZE) {
        throw new HarborApiError(
          `${where}: page ${page} holds ${body.length} items, more than the ${PAGE_SIZE} asked for`,
          undefined,
          'MALFORMED',
        );
      }
      items.push(...body);
      const announced = response.headers['x-total-count'];
      if (typeof announced === 'string' && /^\d{1,15}$/.test(announced))
        total = Math.min(total, Number(announced));
      if (items.length > this.maxListItems) {
        throw new HarborApiError(
          `${where}: more than ${this.maxListItems} items (harbor.max-list-items); not read further`,
          undefined,
          'TOO_LARGE',
        );
      }
      // Harbor fills every page but the last: a shorter page ends the list, whatever Link says, so a server
      // cannot keep a refresh paging a few items at a time.
      if (body.length < PAGE_SIZE || items.length >= total)
        return items.length > total ? items.slice(0, total) : items;
      const next = nextLink(String(response.headers.link ?? ''), this.http.origin);
      if (next) path = next;
      // No Link but more items announced: ask for the next page ourselves (a proxy may drop the header).
      else if (Number.isFinite(total))
        path = withQuery(endpoint.path, { ...query, page: page + 1, page_size: PAGE_SIZE });
      else return items;
    }
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

/** The answer, checked against the endpoint's schema; a mismatch is an error naming the path and the place. */
export function checked<S extends TSchema>(endpoint: HarborEndpoint<S>, body: unknown): Static<S> {
  const result = checkAnswer(endpoint.schema, body);
  if (result.ok) return result.value;
  throw new HarborApiError(
    `GET ${API_BASE_PATH}${endpoint.path}: malformed answer: ${result.problem}`,
    undefined,
    'MALFORMED',
  );
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
