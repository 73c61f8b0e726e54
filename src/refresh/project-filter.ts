/** Include/exclude patterns on project names, with `*` as the only wildcard. */
export class ProjectFilter {
  private readonly include: RegExp[];
  private readonly exclude: RegExp[];

  constructor(include: readonly string[], exclude: readonly string[]) {
    this.include = include.map(toRegExp);
    this.exclude = exclude.map(toRegExp);
  }

  get active(): boolean {
    return this.include.length > 0 || this.exclude.length > 0;
  }

  allows(project: string): boolean {
    if (this.include.length > 0 && !this.include.some((pattern) => pattern.test(project))) return false;
    return !this.exclude.some((pattern) => pattern.test(project));
  }
}

function toRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}
