import bcrypt from 'bcryptjs';
import { createHash } from 'node:crypto';

/** Checked passwords kept; past this the cache starts over (a few users are expected, as in the toolkit). */
const MAX_CACHED = 256;

/**
 * Compared against when the user is unknown, so that the answer takes as long as for a known one (cost 10, the
 * usual cost of htpasswd's hashes).
 */
const UNKNOWN_USER_HASH = '$2b$10$GICdlkE0xNDJuf.FrsJCguY7vTv5418eVt4ix5aLnuQnsCAkZptP6';

/**
 * Basic auth against bcrypt hashes. A bcrypt check costs tens of milliseconds of CPU by design, and Prometheus
 * sends the same credentials at every scrape: a success is remembered under a digest of user, password and
 * hash, so a changed hash or password is checked anew.
 */
export class BasicAuthChecker {
  private readonly verified = new Set<string>();

  /** True when the Authorization header names a user of `users` with the right password. */
  async check(header: string | undefined, users: ReadonlyMap<string, string>): Promise<boolean> {
    const credentials = parseBasic(header);
    if (!credentials) return false;
    const hash = users.get(credentials.user);
    const digest = createHash('sha256')
      .update(`${credentials.user}\0${credentials.password}\0${hash ?? ''}`)
      .digest('base64');
    if (hash !== undefined && this.verified.has(digest)) return true;
    const matches = await bcrypt.compare(credentials.password, hash ?? UNKNOWN_USER_HASH);
    if (!matches || hash === undefined) return false;
    if (this.verified.size >= MAX_CACHED) this.verified.clear();
    this.verified.add(digest);
    return true;
  }
}

function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  const match = header && /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
