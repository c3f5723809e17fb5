// Every generated dashboard, in link-menu order. Adding a dashboard is one line here.
import { debugDashboard } from './definitions/debug.js';
import { executiveDashboard } from './definitions/executive.js';
import { gamedayDashboard } from './definitions/gameday.js';
import { lagDashboard } from './definitions/lag.js';
import { oncallDashboard } from './definitions/oncall.js';
import { sloDashboard } from './definitions/slo.js';
import { renderDashboard, type GeneratedDashboard, type RenderOptions } from './render.js';
import { defaultThresholds, type DashboardThresholds } from './thresholds.js';
import type { DashboardSpec } from './types.js';

export interface GenerateOptions extends RenderOptions {
  thresholds?: DashboardThresholds;
}

export function dashboardSpecs(thresholds: DashboardThresholds = defaultThresholds): DashboardSpec[] {
  return [executiveDashboard, oncallDashboard, debugDashboard, lagDashboard, sloDashboard, gamedayDashboard].map(
    (build) => build(thresholds),
  );
}

export function generateDashboards(opts: GenerateOptions = {}): GeneratedDashboard[] {
  return dashboardSpecs(opts.thresholds).map((spec) => renderDashboard(spec, opts));
}
