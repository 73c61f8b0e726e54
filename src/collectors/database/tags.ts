import type { HarborDatabase } from '../../sources/postgres/database-source.js';
import type { ExporterConfig } from '../../config/config.js';
import type { Collector, CollectorContext, CollectorFactory } from '../types.js';
import { AuditEventCounter, artifactEvents, auditKey, splitAuditKey } from './audit-events.js';

/** The series that holds a repository's pulls beyond its top N tags, of deleted tags, and by digest. */
export const OTHER_TAGS = '__other__';

/**
 * Which of the (repository, tag) pairs seen in the audit log still exist, with the repository's project; one
 * statement whatever the number of pairs (they travel as two arrays). Checked against Harbor 2.10.3, 2.13.5, 2.15.2, 2.16 (main).
 */
export const EXISTING_TAGS_SQL = `
SELECT c.repository, p.name AS project, c.tag, (t.id IS NOT NULL) AS tag_exists
FROM unnest($1::text[], $2::text[]) AS c(repository, tag)
JOIN repository r ON r.name = c.repository
JOIN project p ON p.project_id = r.project_id AND NOT p.deleted
LEFT JOIN tag t ON t.repository_id = r.repository_id AND t.name = c.tag`;

interface ExistingTagRow {
  repository: string;
  project: string;
  tag: string;
  tag_exists: boolean;
}

/**
 * Pulls per tag from the audit log, counted incrementally. Off by default: a registry has many tags. Each
 * repository gets its N most pulled existing tags (--tags.top) plus one `__other__` series, so the sum over a
 * repository's series is its pulls in the audit log. A tag entering the top N takes its pulls out of `__other__`,
 * which then goes down and counts as a counter reset.
 */
export const tagsCollector: CollectorFactory<HarborDatabase, TagsOptions> = {
  name: 'tags',
  source: 'database',
  defaultEnabled: false,
  help: `Pulls per tag from the audit log: the top N tags of each repository (--tags.top), the rest summed as tag="${OTHER_TAGS}".`,
  create: (options) => new TagsCollector(options),
};

export type TagsOptions = Pick<ExporterConfig, 'tagsTop'>;

/** Keeps its exporter's count of pulls by tag between refreshes. */
export class TagsCollector implements Collector<HarborDatabase> {
  readonly name = tagsCollector.name;
  private readonly pulls = new AuditEventCounter(artifactEvents('pulls by tag', 'pull', true));

  constructor(private readonly options: TagsOptions) {}

  async collect({ client, out }: CollectorContext<HarborDatabase>): Promise<void> {
    const counts = await this.pulls.count(client);
    const repositories: string[] = [];
    const tags: string[] = [];
    for (const key of counts.keys()) {
      const { first: repository, second: tag } = splitAuditKey(key);
      repositories.push(repository);
      tags.push(tag);
    }
    const rows = await client.query<ExistingTagRow>('existing tags', EXISTING_TAGS_SQL, [repositories, tags]);

    const byRepository = new Map<
      string,
      { project: string; tags: { tag: string; pulls: number; exists: boolean }[] }
    >();
    for (const row of rows) {
      let entry = byRepository.get(row.repository);
      if (!entry) byRepository.set(row.repository, (entry = { project: row.project, tags: [] }));
      entry.tags.push({
        tag: row.tag,
        pulls: counts.get(auditKey(row.repository, row.tag)) ?? 0,
        // A real tag named like the catch-all series is counted in it rather than published twice.
        exists: row.tag_exists && row.tag !== '' && row.tag !== OTHER_TAGS,
      });
    }
    for (const [repository, { project, tags: pulled }] of byRepository) {
      const ranked = pulled
        .filter((entry) => entry.exists)
        .sort((a, b) => b.pulls - a.pulls || (a.tag < b.tag ? -1 : 1))
        .slice(0, this.options.tagsTop);
      const own = new Set(ranked.map((entry) => entry.tag));
      for (const entry of ranked)
        out.add('harbor_tag_pulls', entry.pulls, { project, repository, tag: entry.tag });
      let rest = 0;
      let hasRest = false;
      for (const entry of pulled) {
        if (entry.exists && own.has(entry.tag)) continue;
        rest += entry.pulls;
        hasRest = true;
      }
      if (hasRest) out.add('harbor_tag_pulls', rest, { project, repository, tag: OTHER_TAGS });
    }
  }
}
