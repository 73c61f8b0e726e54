/** A Harbor release as /systeminfo reports it ("v2.15.2-2bd2d1d4"). */
export interface HarborVersion {
  major: number;
  minor: number;
  patch: number;
}

/** Parses harbor_version; undefined when absent or unrecognisable (a development build, a hidden field). */
export function parseHarborVersion(text: string | undefined): HarborVersion | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text ?? '');
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0) };
}

/** True when `version` is at least `since`; an unknown version is assumed new enough. */
export function servesSince(version: HarborVersion | undefined, since: HarborVersion): boolean {
  if (!version) return true;
  if (version.major !== since.major) return version.major > since.major;
  if (version.minor !== since.minor) return version.minor > since.minor;
  return version.patch >= since.patch;
}
