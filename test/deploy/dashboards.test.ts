import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dashboardFiles, panelsOf, readDashboard } from './dashboard-queries.js';
import { isRecord } from './repo-files.js';

interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

function overlaps(a: GridPos, b: GridPos): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

describe('Grafana dashboards', () => {
  it('are the overview, projects, jobs and exporter health boards, with distinct uids', () => {
    assert.deepEqual(dashboardFiles, [
      'dashboards/harbor-exporter-health.json',
      'dashboards/harbor-jobs.json',
      'dashboards/harbor-overview.json',
      'dashboards/harbor-projects.json',
    ]);
    const uids = dashboardFiles.map((file) => readDashboard(file).uid);
    assert.equal(new Set(uids).size, uids.length);
    for (const uid of uids) assert.match(String(uid), /^[a-z0-9-]{1,40}$/);
  });

  for (const file of dashboardFiles) {
    describe(file, () => {
      const dashboard = readDashboard(file);
      const panels = panelsOf(dashboard);

      it('chooses its data source by a variable, never a fixed one', () => {
        const list = isRecord(dashboard.templating) ? dashboard.templating.list : undefined;
        assert.ok(Array.isArray(list));
        assert.ok(list.some((variable) => isRecord(variable) && variable.type === 'datasource'));
        for (const panel of panels.filter((panel) => panel.type !== 'row')) {
          assert.deepEqual(
            panel.datasource,
            { type: 'prometheus', uid: '${datasource}' },
            String(panel.title),
          );
        }
      });

      it('has panels with unique ids, titles, queries and a place on the 24-column grid that no other takes', () => {
        const ids = panels.map((panel) => panel.id);
        assert.equal(new Set(ids).size, ids.length, 'duplicate panel ids');
        const placed: { title: string; pos: GridPos }[] = [];
        for (const panel of panels) {
          const title = String(panel.title);
          assert.ok(title.length > 0, 'a panel has no title');
          const pos = panel.gridPos as GridPos;
          assert.ok(pos.x >= 0 && pos.w > 0 && pos.x + pos.w <= 24, `${title} is off the grid`);
          for (const other of placed)
            assert.ok(!overlaps(pos, other.pos), `${title} overlaps ${other.title}`);
          placed.push({ title, pos });
          if (panel.type === 'row') continue;
          assert.ok(Array.isArray(panel.targets) && panel.targets.length > 0, `${title} has no query`);
          const refIds = panel.targets.map((target: { refId: string }) => target.refId);
          assert.equal(new Set(refIds).size, refIds.length, `${title} repeats a refId`);
        }
      });

      it('filters every query by the job and instance variables', () => {
        for (const panel of panels.filter((panel) => panel.type !== 'row')) {
          for (const target of panel.targets as { expr: string }[]) {
            for (const selector of target.expr.matchAll(/\bharbor_[a-z0-9_]+(\{[^}]*\})?/g)) {
              assert.match(
                selector[1] ?? '',
                /job=~"\$job", instance=~"\$instance"/,
                `${String(panel.title)}`,
              );
            }
          }
        }
      });
    });
  }
});
