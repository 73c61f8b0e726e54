/** Harbor's schema_migrations version for each release; the newest migration tells which Harbor we read. */
const releaseBySchemaVersion: ReadonlyArray<readonly [number, string]> = [
  [130, '2.10'],
  [140, '2.11'],
  [150, '2.12'],
  [160, '2.13'],
  [170, '2.14'],
  [171, '2.14'],
  [180, '2.15'],
  [190, '2.16'],
];

export const OLDEST_SUPPORTED_SCHEMA = 130;
export const NEWEST_KNOWN_SCHEMA = 190;

/** What the collectors need to know about the Harbor behind the database. */
export interface HarborSchema {
  version: number;
  /** Release series, e.g. "2.13"; "unknown" outside the table above. */
  release: string;
  /** Harbor 2.13 added audit_log_ext; new events go there, older ones stay in audit_log. */
  hasAuditLogExt: boolean;
}

export function harborSchema(version: number): HarborSchema {
  const exact = releaseBySchemaVersion.find(([schema]) => schema === version);
  let release = exact?.[1];
  if (!release) {
    const below = [...releaseBySchemaVersion].reverse().find(([schema]) => schema < version);
    release = below && version < NEWEST_KNOWN_SCHEMA ? below[1] : 'unknown';
  }
  return { version, release, hasAuditLogExt: version >= 160 };
}
