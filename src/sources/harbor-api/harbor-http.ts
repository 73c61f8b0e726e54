import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import got, { HTTPError, RequestError, type Got } from 'got';
import type { HarborApiSettings } from '../../config/config.js';
import { errorMessage } from '../../log.js';
import { VERSION } from '../../version.js';
import { RequestLimit } from './request-limit.js';

export const API_BASE_PATH = '/api/v2.0';

/** A failed API request. The message names the method, path and outcome; never credentials or query values. */
export class HarborApiError extends Error {
  override readonly name = 'HarborApiError';
  constructor(
    message: string,
    /** HTTP status when Harbor answered, undefined for network errors and timeouts. */
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface HarborResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body, or the text when the answer is not JSON (/ping). */
  body: unknown;
}

/** Counts the HTTP requests of one refresh, retries included. */
export interface RequestCounter {
  count: number;
}

export interface RequestOptions {
  signal?: AbortSignal;
  counter?: RequestCounter;
}

// Only idempotent GETs are retried, only on answers that say "try again" and on connection failures. A
// timeout is not retried: a slow Harbor would only get slower.
const RETRY_STATUS = [429, 502, 503, 504];
const RETRY_ERRORS = ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ENETUNREACH', 'EAI_AGAIN', 'EADDRINUSE'];
const RETRY_LIMIT = 2;
const BACKOFF_LIMIT_MS = 4000;

/**
 * HTTP access to one Harbor's API: base URL, basic auth, TLS trust, a timeout on every request, retries with
 * backoff (honouring Retry-After), and a limit on requests in flight. Knows nothing of endpoints or metrics.
 */
export class HarborHttp {
  readonly origin: string;
  /** The URL as it may appear in logs: no credentials. */
  readonly displayUrl: string;
  readonly username?: string;
  private readonly got: Got;
  private readonly limit: RequestLimit;
  private readonly agents: { http: http.Agent; https: https.Agent };
  private readonly secrets: string[];
  private readonly maxResponseBytes: number;

  constructor(settings: HarborApiSettings) {
    const url = URL.canParse(settings.url) ? new URL(settings.url) : undefined;
    // Node's own error would carry the URL, password included, as its `input`.
    if (!url) throw new HarborApiError('harbor.url is not a URL', undefined, 'BAD_URL');
    const username = settings.username ?? (url.username ? decodeURIComponent(url.username) : undefined);
    const password = settings.password ?? (url.password ? decodeURIComponent(url.password) : undefined);
    url.username = '';
    url.password = '';
    this.origin = url.origin;
    this.displayUrl = url.origin + url.pathname.replace(/\/+$/, '');
    this.username = username;
    this.maxResponseBytes = settings.maxResponseBytes;
    this.secrets = [password, password && encodeURIComponent(password)].filter(
      (secret): secret is string => !!secret && secret.length >= 3,
    );
    const prefix = this.displayUrl + API_BASE_PATH;
    this.limit = new RequestLimit(settings.maxConcurrency);
    const tls = {
      ca: settings.caFile ? readCaFile(settings.caFile) : undefined,
      rejectUnauthorized: !settings.insecureSkipVerify,
    };
    this.agents = {
      http: new http.Agent({ keepAlive: true, maxSockets: settings.maxConcurrency }),
      https: new https.Agent({ keepAlive: true, maxSockets: settings.maxConcurrency, ...tls }),
    };
    const authorization =
      username !== undefined
        ? 'Basic ' + Buffer.from(`${username}:${password ?? ''}`).toString('base64')
        : undefined;
    this.got = got.extend({
      prefixUrl: prefix,
      agent: this.agents,
      https: { certificateAuthority: tls.ca, rejectUnauthorized: tls.rejectUnauthorized },
      headers: {
        'user-agent': `harbor-exporter/${VERSION}`,
        accept: 'application/json',
        ...(authorization ? { authorization } : {}),
      },
      timeout: { request: settings.requestTimeoutMs },
      retry: {
        limit: RETRY_LIMIT,
        methods: ['GET'],
        statusCodes: RETRY_STATUS,
        errorCodes: RETRY_ERRORS,
        backoffLimit: BACKOFF_LIMIT_MS,
        maxRetryAfter: settings.requestTimeoutMs,
      },
      responseType: 'text',
      followRedirect: false,
      hooks: {
        beforeRequest: [
          (options) => {
            const counter = options.context.counter as RequestCounter | undefined;
            if (counter) counter.count++;
          },
        ],
      },
    });
  }

  /**
   * GET a path below /api/v2.0 (with its query string). Resolves with any 2xx answer; throws HarborApiError for
   * everything else, after the retries the rules allow.
   */
  async get(path: string, options: RequestOptions = {}): Promise<HarborResponse> {
    const where = `GET ${API_BASE_PATH}${path.split('?')[0]}`;
    return this.limit.run(async () => {
      const request = this.got.get(path.replace(/^\//, ''), {
        signal: options.signal,
        context: { counter: options.counter },
      });
      // Read no further than the bound: progress comes with each chunk as it is read (decompressed), and
      // first with the announced Content-Length, so an endless or oversized body is cut off, never held.
      let tooLarge = false;
      request.on('downloadProgress', ({ transferred, total }) => {
        if (tooLarge || (transferred <= this.maxResponseBytes && (total ?? 0) <= this.maxResponseBytes))
          return;
        tooLarge = true;
        request.cancel();
      });
      try {
        const response = await request;
        return { status: response.statusCode, headers: response.headers, body: parseBody(response, where) };
      } catch (error) {
        if (tooLarge) {
          throw new HarborApiError(
            `${where}: the answer is larger than ${this.maxResponseBytes} bytes (harbor.max-response-bytes); not read`,
            undefined,
            'TOO_LARGE',
          );
        }
        throw this.translate(error, where);
      }
    }, options.signal);
  }

  /** Closes kept-alive connections. */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private translate(error: unknown, where: string): Error {
    if (error instanceof HarborApiError) return error;
    if (error instanceof HTTPError) {
      const { statusCode, statusMessage } = error.response;
      const detail = harborErrorMessage(error.response.body);
      return new HarborApiError(
        this.redact(`${where}: ${statusCode} ${statusMessage ?? ''}`.trim() + (detail ? ` (${detail})` : '')),
        statusCode,
      );
    }
    if (error instanceof RequestError) {
      if (error.name === 'AbortError' || error.code === 'ERR_ABORTED') {
        return new HarborApiError(`${where}: aborted`, undefined, 'ABORTED');
      }
      if (error.code === 'ETIMEDOUT') {
        return new HarborApiError(`${where}: no answer within the request timeout`, undefined, error.code);
      }
      return new HarborApiError(this.redact(`${where}: ${errorMessage(error)}`), undefined, error.code);
    }
    return new HarborApiError(this.redact(`${where}: ${errorMessage(error)}`));
  }

  private redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('***');
    return out;
  }
}

function readCaFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`harbor.ca-file ${path} cannot be read: ${errorMessage(error)}`, { cause: error });
  }
}

function parseBody(response: { body: string; headers: http.IncomingHttpHeaders }, where: string): unknown {
  const type = response.headers['content-type'] ?? '';
  if (!type.includes('json')) return response.body;
  try {
    return JSON.parse(response.body);
  } catch {
    throw new HarborApiError(
      `${where}: the answer is not valid JSON (${response.body.length} bytes)`,
      undefined,
      'MALFORMED',
    );
  }
}

/** Harbor's own error text from an `{"errors":[{"code","message"}]}` body, shortened. */
function harborErrorMessage(body: unknown): string | undefined {
  if (typeof body !== 'string' || body === '') return undefined;
  try {
    const parsed = JSON.parse(body) as { errors?: { code?: string; message?: string }[] };
    const first = parsed.errors?.[0];
    const text = first?.message ?? first?.code;
    return text ? text.slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}
