import { isRecord, listRepoFiles, readRepoFile } from './repo-files.js';

export interface DashboardQuery {
  file: string;
  /** Panel title, or `variable <name>` for a templating query. */
  where: string;
  expr: string;
  legend?: string;
}

export const dashboardFiles = listRepoFiles('dashboards', '.json');

export function readDashboard(file: string): Record<string, unknown> {
  const dashboard: unknown = JSON.parse(readRepoFile(file));
  if (!isRecord(dashboard)) throw new Error(`${file} is not a JSON object`);
  return dashboard;
}

/** Panels at every depth (rows may nest panels). */
export function panelsOf(dashboard: Record<string, unknown>): Record<string, unknown>[] {
  const walk = (panels: unknown): Record<string, unknown>[] =>
    Array.isArray(panels) ? panels.filter(isRecord).flatMap((panel) => [panel, ...walk(panel.panels)]) : [];
  return walk(dashboard.panels);
}

/** Every PromQL query of every dashboard: panel targets and templating variables. */
export function dashboardQueries(): DashboardQuery[] {
  return dashboardFiles.flatMap((file) => {
    const dashboard = readDashboard(file);
    const fromPanels = panelsOf(dashboard).flatMap((panel) =>
      (Array.isArray(panel.targets) ? panel.targets.filter(isRecord) : []).map((target) => ({
        file,
        where: String(panel.title),
        expr: String(target.expr),
        legend: typeof target.legendFormat === 'string' ? target.legendFormat : undefined,
      })),
    );
    const templating = isRecord(dashboard.templating) ? dashboard.templating.list : [];
    const fromVariables = (Array.isArray(templating) ? templating.filter(isRecord) : [])
      .filter((variable) => variable.type === 'query')
      .map((variable) => {
        const query = isRecord(variable.query) ? variable.query.query : variable.query;
        const expr = /^label_values\((.*),\s*\w+\)$/.exec(String(query))?.[1] ?? String(query);
        return { file, where: `variable ${String(variable.name)}`, expr };
      });
    return [...fromPanels, ...fromVariables];
  });
}

/** A query as Prometheus would receive it from Grafana: dashboard variables replaced by plausible values. */
export function withVariablesReplaced(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '2m')
    .replaceAll('$__range', '1h')
    .replaceAll('$__interval', '1m')
    .replace(/\$\w+/g, '.*');
}
