import { closestMatch } from 'leven';

/**
 * "did you mean X?" for a mistyped name, or "" when nothing is close: names ending in `.<typed>` first (a flag
 * given without its group, `--interval`), else the nearest by edit distance within a quarter of its length.
 */
export function didYouMean(typed: string, known: readonly string[], prefix = ''): string {
  const bySuffix = known.filter((name) => name.endsWith(`.${typed}`));
  const found = bySuffix.length
    ? bySuffix
    : [closestMatch(typed, known, { maxDistance: Math.max(2, Math.floor(typed.length / 4)) })];
  const names = found.filter((name) => name !== undefined && name !== typed).map((name) => prefix + name);
  return names.length ? `did you mean ${names.join(' or ')}?` : '';
}
