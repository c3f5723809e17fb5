// Model -> Grafana dashboard JSON through @grafana/grafana-foundation-sdk's typed builders.
// The SDK supplies current panel option shapes; this module adds what the SDK leaves to us:
// panel ids, a row-by-row grid layout, the schema version, and the annotation list.
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as common from '@grafana/grafana-foundation-sdk/common';
import {
  DashboardBuilder,
  DashboardCursorSync,
  DashboardLinkBuilder,
  DashboardLinkType,
  MappingType,
  RowBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  type AnnotationQuery,
  type Dashboard,
  type Panel,
  type RowPanel,
  type ValueMapping,
} from '@grafana/grafana-foundation-sdk/dashboard';
import * as gauge from '@grafana/grafana-foundation-sdk/gauge';
import * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import { DataqueryBuilder, PromQueryFormat, QueryEditorMode } from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as text from '@grafana/grafana-foundation-sdk/text';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { runbookUrl } from '../common/index.js';
import { alertAnnotation, builtInAnnotation, gamedayFaultAnnotation } from './annotations.js';
import { dashboardTag, dashboardTitles, drilldownUrl } from './links.js';
import type { DashboardSpec, PanelSpec, QuerySpec } from './types.js';
import { buildVariables, datasourceRef } from './variables.js';

/**
 * Grafana 11.0's dashboard schema version. The SDK writes 42 (Grafana 12); nothing we emit needs
 * a later migration, and Grafana 11 and 12 both load version 39 and migrate it forward.
 */
export const schemaVersion = 39;
export const gridWidth = 24;

export interface RenderOptions {
  /** Base of runbook links (alerts.runbookBaseUrl; empty: relative docs/runbooks/). */
  runbookBase?: string;
}

/** The generated dashboard: Grafana's Dashboard type with the fields we always set. */
export type GeneratedDashboard = Dashboard & { uid: string; title: string; panels: (Panel | RowPanel)[] };

/** The methods every SDK panel builder shares (they are separate classes with the same surface). */
interface CommonPanelBuilder {
  title(t: string): this;
  description(d: string): this;
  datasource(d: common.DataSourceRef): this;
  unit(u: string): this;
  decimals(d: number): this;
  min(m: number): this;
  max(m: number): this;
  thresholds(t: ThresholdsConfigBuilder): this;
  mappings(m: ValueMapping[]): this;
  links(l: DashboardLinkBuilder[]): this;
  withTarget(t: DataqueryBuilder): this;
  build(): Panel;
}

function target(q: QuerySpec, refId: string): DataqueryBuilder {
  const b = new DataqueryBuilder().expr(q.expr).refId(refId).datasource(datasourceRef).editorMode(QueryEditorMode.Code);
  if (q.legend !== undefined) b.legendFormat(q.legend);
  if (q.instant) b.instant();
  else b.range();
  if (q.format === 'table') b.format(PromQueryFormat.Table);
  if (q.format === 'heatmap') b.format(PromQueryFormat.Heatmap);
  return b;
}

function reduceLast(): common.ReduceDataOptionsBuilder {
  return new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false);
}

function legend(): common.VizLegendOptionsBuilder {
  return new common.VizLegendOptionsBuilder()
    .showLegend(true)
    .displayMode(common.LegendDisplayMode.List)
    .placement(common.LegendPlacement.Bottom)
    .calcs([]);
}

function panelBuilder(spec: PanelSpec): CommonPanelBuilder {
  switch (spec.kind) {
    case 'timeseries': {
      const b = new timeseries.PanelBuilder()
        .legend(legend())
        .tooltip(
          new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending),
        )
        .fillOpacity(spec.stack ? 40 : 10)
        .lineWidth(1)
        .thresholdsStyle(
          new common.GraphThresholdsStyleConfigBuilder().mode(
            spec.thresholds && spec.thresholds.length > 1
              ? common.GraphThresholdsStyleMode.Dashed
              : common.GraphThresholdsStyleMode.Off,
          ),
        );
      if (spec.stack) b.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
      return b;
    }
    case 'stat':
      // A sparkline needs a range query; instant stats show the number alone.
      return new stat.PanelBuilder()
        .reduceOptions(reduceLast())
        .graphMode(spec.queries.every((q) => q.instant) ? common.BigValueGraphMode.None : common.BigValueGraphMode.Area)
        .colorMode(common.BigValueColorMode.Value);
    case 'gauge':
      return new gauge.PanelBuilder().reduceOptions(reduceLast()).showThresholdMarkers(true);
    case 'bargauge':
      return new bargauge.PanelBuilder()
        .reduceOptions(reduceLast())
        .displayMode(common.BarGaugeDisplayMode.Gradient)
        .orientation(common.VizOrientation.Horizontal);
    case 'table':
      return new table.PanelBuilder().showHeader(true).cellHeight(common.TableCellHeight.Sm);
    case 'heatmap':
      return new heatmap.PanelBuilder()
        .calculate(false)
        .color(
          new heatmap.HeatmapColorOptionsBuilder()
            .mode(heatmap.HeatmapColorMode.Scheme)
            .scheme('Oranges')
            .fill('dark-orange')
            .scale(heatmap.HeatmapColorScale.Exponential)
            .exponent(0.5)
            .steps(64)
            .reverse(false),
        )
        .yAxis(new heatmap.YAxisConfigBuilder().unit(spec.unit ?? 'short').axisPlacement(common.AxisPlacement.Left));
    case 'state-timeline':
      return new statetimeline.PanelBuilder()
        .showValue(common.VisibilityMode.Never)
        .mergeValues(true)
        .rowHeight(0.9)
        .legend(legend());
    case 'text':
      return new text.PanelBuilder().mode(text.TextMode.Markdown).content(spec.content ?? '');
  }
}

function thresholdsOf(spec: PanelSpec): ThresholdsConfigBuilder {
  const steps = spec.thresholds ?? [{ value: null, color: 'green' }];
  return new ThresholdsConfigBuilder()
    .mode(ThresholdsMode.Absolute)
    .steps(steps.map((s) => ({ value: s.value, color: s.color })));
}

function mappingsOf(spec: PanelSpec): ValueMapping[] {
  if (!spec.valueTexts?.length) return [];
  const options: Record<string, { text: string; color: string; index: number }> = {};
  spec.valueTexts.forEach((v, index) => (options[String(v.value)] = { text: v.text, color: v.color, index }));
  return [{ type: MappingType.ValueToText, options }];
}

function linksOf(spec: PanelSpec, variables: readonly string[], opts: RenderOptions): DashboardLinkBuilder[] {
  const links: DashboardLinkBuilder[] = [];
  for (const uid of spec.drilldowns ?? []) {
    links.push(
      new DashboardLinkBuilder(`Open ${dashboardTitles[uid]}`)
        .type(DashboardLinkType.Link)
        .url(drilldownUrl(uid, variables))
        .tooltip('Same time range and selection')
        .icon('dashboard')
        .targetBlank(false)
        .includeVars(false)
        .keepTime(false)
        .asDropdown(false)
        .tags([]),
    );
  }
  for (const alert of spec.runbooks ?? []) {
    links.push(
      new DashboardLinkBuilder(`Runbook: ${alert}`)
        .type(DashboardLinkType.Link)
        .url(runbookUrl(alert, opts.runbookBase))
        .tooltip(`What to do when ${alert} fires`)
        .icon('doc')
        .targetBlank(true)
        .includeVars(false)
        .keepTime(false)
        .asDropdown(false)
        .tags([]),
    );
  }
  return links;
}

function renderPanel(spec: PanelSpec, variables: readonly string[], opts: RenderOptions): Panel {
  const b = panelBuilder(spec).title(spec.title).description(spec.description);
  if (spec.kind !== 'text') {
    b.datasource(datasourceRef).thresholds(thresholdsOf(spec));
    spec.queries.forEach((q, i) => b.withTarget(target(q, String.fromCharCode(65 + i))));
  }
  if (spec.unit) b.unit(spec.unit);
  if (spec.decimals !== undefined) b.decimals(spec.decimals);
  if (spec.min !== undefined) b.min(spec.min);
  if (spec.max !== undefined) b.max(spec.max);
  const mappings = mappingsOf(spec);
  if (mappings.length) b.mappings(mappings);
  const links = linksOf(spec, variables, opts);
  if (links.length) b.links(links);
  return b.build();
}

/** Place rows and panels on Grafana's 24-column grid, left to right, wrapping; ids from 1. */
function layout(spec: DashboardSpec, variables: readonly string[], opts: RenderOptions): (Panel | RowPanel)[] {
  const out: (Panel | RowPanel)[] = [];
  let id = 1;
  let y = 0;
  for (const row of spec.rows) {
    const rowPanel = new RowBuilder(row.title)
      .collapsed(false)
      .id(id++)
      .gridPos({ x: 0, y, w: gridWidth, h: 1 })
      .build();
    out.push(rowPanel);
    y += 1;
    let x = 0;
    let lineHeight = 0;
    for (const p of row.panels) {
      if (p.w < 1 || p.w > gridWidth || p.h < 1)
        throw new Error(`${spec.uid}: panel "${p.title}" has bad size ${p.w}x${p.h}`);
      if (x + p.w > gridWidth) {
        y += lineHeight;
        x = 0;
        lineHeight = 0;
      }
      const panel = renderPanel(p, variables, opts);
      panel.id = id++;
      panel.gridPos = { x, y, w: p.w, h: p.h };
      out.push(panel);
      x += p.w;
      lineHeight = Math.max(lineHeight, p.h);
    }
    y += lineHeight;
  }
  return out;
}

export function renderDashboard(spec: DashboardSpec, opts: RenderOptions = {}): GeneratedDashboard {
  const builder = new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags([dashboardTag, ...spec.tags])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .time({ from: spec.from, to: 'now' })
    .timezone('browser')
    .refresh('1m')
    .link(
      new DashboardLinkBuilder('Kafka dashboards')
        .type(DashboardLinkType.Dashboards)
        .tags([dashboardTag])
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true)
        .targetBlank(false)
        .icon('external link')
        .tooltip(''),
    );
  for (const v of buildVariables(spec.variables)) builder.withVariable({ build: () => v });
  const dash = builder.build() as GeneratedDashboard;
  dash.schemaVersion = schemaVersion;
  dash.panels = layout(spec, spec.variables, opts);
  const annotations: AnnotationQuery[] = [builtInAnnotation(), alertAnnotation()];
  if (spec.gamedayAnnotations) annotations.push(gamedayFaultAnnotation());
  dash.annotations = { list: annotations };
  // Plain JSON from here on: the SDK's objects carry marker methods that are not dashboard data.
  return withoutNewerFeatures(JSON.parse(JSON.stringify(dash)) as GeneratedDashboard);
}

/**
 * The SDK sets `placement: "inControlsMenu"` on every link by default, a Grafana 12 option that
 * moves links into the controls dropdown. Drop it so links show as they do in Grafana 11.
 */
export function withoutNewerFeatures(dash: GeneratedDashboard): GeneratedDashboard {
  const strip = (links: { placement?: unknown }[] | undefined) => links?.forEach((l) => delete l.placement);
  strip(dash.links);
  for (const p of dash.panels) strip((p as { links?: { placement?: unknown }[] }).links);
  return dash;
}
