import type { Logger } from '../../log.js';
import type { HarborEndpoint } from './endpoints.js';
import { servesSince, type HarborVersion } from './harbor-version.js';

/**
 * What this Harbor does not serve, learnt across refreshes so that a missing endpoint is logged once and
 * costs no error every refresh. A 404 holds until Harbor's version changes; a "not configured" answer (412 for
 * a scanner) is asked again each refresh, since an operator can configure it at any time.
 */
export class EndpointAvailability {
  private readonly missing = new Map<string, number>();
  private readonly reported = new Set<string>();
  private versionKey?: string;

  constructor(private readonly log: Logger) {}

  /** Called once per refresh with the version /systeminfo reported; an upgrade may bring endpoints. */
  observeVersion(version: HarborVersion | undefined): void {
    const key = version ? `${version.major}.${version.minor}.${version.patch}` : 'unknown';
    if (this.versionKey !== undefined && key !== this.versionKey) {
      this.missing.clear();
      this.reported.clear();
    }
    this.versionKey = key;
  }

  /** False when the call would be pointless: too old a Harbor, or a 404 already seen. */
  allows(endpoint: HarborEndpoint, version: HarborVersion | undefined): boolean {
    if (!servesSince(version, endpoint.since)) {
      this.reportOnce(endpoint.path, 'endpoint not served by this Harbor release; its metrics are left out', {
        harbor: this.versionKey,
        since: `${endpoint.since.major}.${endpoint.since.minor}`,
      });
      return false;
    }
    return this.missing.get(endpoint.path) !== 404;
  }

  markUnavailable(endpoint: HarborEndpoint, status: number): void {
    this.missing.set(endpoint.path, status);
    this.reportOnce(endpoint.path, 'endpoint not available on this Harbor; its metrics are left out', {
      status,
    });
  }

  markAvailable(endpoint: HarborEndpoint): void {
    if (!this.missing.delete(endpoint.path)) return;
    this.reported.delete(endpoint.path);
    this.log.info('endpoint available again', { path: endpoint.path });
  }

  /** Paths currently known to be unavailable, for tests and the status page. */
  get unavailable(): ReadonlyMap<string, number> {
    return this.missing;
  }

  private reportOnce(path: string, message: string, fields: Record<string, unknown>): void {
    if (this.reported.has(path)) return;
    this.reported.add(path);
    this.log.info(message, { path, ...fields });
  }
}
