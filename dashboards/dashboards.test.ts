// The generated dashboards against JSON Schemas of Grafana's own types (generated from the
// foundation SDK, see schema.ts) and our own structural rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alertsSection } from '../common/config/sections/alerts.js';
import { dashboardUids, GROUP_PROTOCOL_ALERTS, REQUIRED_ALERTS, TRANSACTION_ALERTS } from '../common/links.js';
import { allMetrics, exposedNames } from '../common/metrics/index.js';
import { metricNamesIn } from '../common/promql/metric-names.js';
import { prometheusAlertsSeries } from './annotations.js';
import { faultOnlyTable, workloadOnlyTable } from './docs.js';
import { layoutProblems } from './layout-check.js';
import { dashboardQueries } from './queries.js';
import { dashboardSpecs, generateDashboards } from './registry.js';
import type { GeneratedDashboard } from './render.js';
import { grafanaSchemas, loadValidator } from './schema.js';
import { thresholdsFromAlerts } from './thresholds.js';
import { allVariables } from './types.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
// Generated from the foundation SDK's TypeScript types on the first run, then read from the cache.
const schemaSet = await grafanaSchemas();
const validator = loadValidator(schemaSet.schemas);
const dashboards = generateDashboards();

type AnyPanel = GeneratedDashboard['panels'][number] & {
  description?: string;
  targets?: { expr?: string }[];
  links?: { title: string; url?: string }[];
  fieldConfig?: { defaults?: { thresholds?: { steps: { value: number | null; color: string }[] } } };
};
const panelsOf = (d: GeneratedDashboard) => d.panels.filter((p) => p.type !== 'row') as AnyPanel[];

test('The six dashboards are generated with the uids the alerts link to.', () => {
  assert.deepEqual(
    dashboards.map((d) => d.uid),
    Object.values(dashboardUids),
  );
});

for (const d of dashboards) {
  test(`${d.uid} validates against Grafana's dashboard, panel and Prometheus query schemas.`, () => {
    assert.deepEqual(validator.validate(d), []);
  });
  test(`${d.uid} has unique panel ids and no overlapping panels.`, () => {
    assert.deepEqual(layoutProblems(d), []);
  });
  test(`${d.uid} targets Grafana 11 (schema version 39, no Grafana 12 link placement) and declares every filter variable.`, () => {
    assert.equal(d.schemaVersion, 39);
    assert.ok(!JSON.stringify(d).includes('inControlsMenu'), 'a link keeps the Grafana 12 placement');
    const vars = (d.templating.list ?? []).map((v) => v.name);
    assert.deepEqual(vars, ['datasource', ...allVariables]);
    for (const v of (d.templating.list ?? []).slice(1)) {
      assert.equal(v.multi, true, `${v.name} multi`);
      assert.equal(v.includeAll, true, `${v.name} includeAll`);
      assert.equal(v.allValue, '.*');
    }
  });
  test(`${d.uid}: every panel has a description, a Prometheus data source and at least one query.`, () => {
    for (const p of panelsOf(d)) {
      assert.ok(p.description && p.description.length > 10, `panel "${p.title}" needs a description`);
      if (p.type === 'text') continue;
      assert.deepEqual(p.datasource, { type: 'prometheus', uid: '${datasource}' });
      assert.ok((p.targets ?? []).length > 0, `panel "${p.title}" has no query`);
    }
  });
  test(`${d.uid}: alert annotations are on and the dashboard link menu finds its siblings.`, () => {
    const names = (d.annotations.list ?? []).map((a) => a.name);
    assert.ok(names.includes('Annotations & Alerts') && names.includes('Firing alerts'), names.join(', '));
    assert.equal(names.includes('Game-day faults'), d.uid === 'kafka-sre-gameday');
    assert.ok(
      (d.links ?? []).some(
        (l) => l.type === 'dashboards' && l.tags.includes('kafka-sre') && l.includeVars && l.keepTime,
      ),
    );
  });
}

test("Every metric a dashboard query reads is in the catalog (ALERTS is Prometheus' own).", () => {
  const exposed = new Set(allMetrics().flatMap(exposedNames));
  const missing: string[] = [];
  for (const q of dashboardQueries()) {
    for (const name of metricNamesIn(q.expr))
      if (!exposed.has(name) && name !== prometheusAlertsSeries) missing.push(`${q.dashboard} / ${q.source}: ${name}`);
  }
  assert.deepEqual(missing, []);
});

test('Every query in the generated JSON is one the query list knows (nothing escapes the live check).', () => {
  const listed = new Set(dashboardQueries().map((q) => q.expr));
  for (const d of dashboards)
    for (const p of panelsOf(d))
      for (const t of p.targets ?? []) assert.ok(listed.has(t.expr ?? ''), `${d.uid} "${p.title}": ${t.expr}`);
});

test('Runbook links name real alerts and point at docs/runbooks/<Alert>.md; drill-downs keep time and variables.', () => {
  let runbooks = 0;
  for (const d of dashboards) {
    for (const p of panelsOf(d)) {
      for (const l of p.links ?? []) {
        if (l.title.startsWith('Runbook: ')) {
          const alert = l.title.slice('Runbook: '.length);
          assert.ok(
            ([...REQUIRED_ALERTS, ...GROUP_PROTOCOL_ALERTS, ...TRANSACTION_ALERTS] as readonly string[]).includes(
              alert,
            ),
            alert,
          );
          assert.equal(l.url, `docs/runbooks/${alert}.md`);
          runbooks++;
        } else {
          assert.match(
            l.url ?? '',
            /^\/d\/kafka-sre-[a-z]+\?\$\{__url_time_range\}&\$\{datasource:queryparam\}&\$\{cluster:queryparam\}/,
          );
        }
      }
    }
  }
  assert.ok(runbooks >= 40, `only ${runbooks} runbook links`);
});

test('Every required alert has a panel that links its runbook.', () => {
  const linked = new Set(
    dashboardSpecs().flatMap((s) => s.rows.flatMap((r) => r.panels.flatMap((p) => p.runbooks ?? []))),
  );
  assert.deepEqual(
    REQUIRED_ALERTS.filter((a) => !linked.has(a)),
    [],
  );
});

test('Panel thresholds follow the alerts configuration, not numbers of their own.', () => {
  const cfg = alertsSection.parse({ thresholds: { consumerLagRecords: 4321, diskUsedRatio: 0.9 } });
  const custom = generateDashboards({ thresholds: thresholdsFromAlerts(cfg) });
  const lagPanel = panelsOf(custom.find((d) => d.uid === 'kafka-sre-oncall')!).find(
    (p) => p.title === 'Lag per group (records)',
  )!;
  assert.deepEqual(lagPanel.fieldConfig?.defaults?.thresholds?.steps, [
    { value: null, color: 'green' },
    { value: 4321, color: 'red' },
  ]);
  const disk = panelsOf(custom.find((d) => d.uid === 'kafka-sre-executive')!).find(
    (p) => p.title === 'Fullest log directory',
  )!;
  assert.deepEqual(
    disk.fieldConfig?.defaults?.thresholds?.steps.map((s) => s.value),
    [null, 0.7, 0.9],
  );
  const slo = panelsOf(custom.find((d) => d.uid === 'kafka-sre-slo')!).find((p) => p.title === 'Page: 1h and 5m')!;
  assert.deepEqual(
    slo.fieldConfig?.defaults?.thresholds?.steps.map((s) => s.value),
    [null, 14.4],
  );
});

test('A configured runbook base URL is used for every runbook link.', () => {
  const custom = generateDashboards({ runbookBase: 'https://runbooks.example.com/kafka/' });
  const urls = custom.flatMap((d) =>
    panelsOf(d).flatMap((p) => (p.links ?? []).filter((l) => l.title.startsWith('Runbook: ')).map((l) => l.url)),
  );
  assert.ok(
    urls.length > 0 && urls.every((u) => /^https:\/\/runbooks\.example\.com\/kafka\/Kafka\w+\.md$/.test(u ?? '')),
    urls[0],
  );
});

test('The schema check catches a broken dashboard (it is not vacuous).', () => {
  const broken = JSON.parse(JSON.stringify(dashboards[0])) as GeneratedDashboard & Record<string, unknown>;
  broken.rows = [];
  const stat = broken.panels.find((p) => p.type === 'stat') as AnyPanel & {
    options: Record<string, unknown>;
    targets: Record<string, unknown>[];
  };
  stat.options.colorMode = 'rainbow';
  stat.targets[0].exprr = 'up';
  const where = validator.validate(broken).map((p) => p.where);
  assert.ok(where.includes('dashboard'), where.join('; '));
  assert.ok(
    where.some((w) => w.includes('options/colorMode')),
    where.join('; '),
  );
  assert.ok(
    where.some((w) => w.includes('targets[0]')),
    where.join('; '),
  );
});

test('The schema check also catches what TypeScript types alone cannot say, and every panel plugin schema bites.', () => {
  type Editable = AnyPanel & {
    options: Record<string, unknown>;
    fieldConfig: { defaults: { custom: Record<string, unknown> } };
    targets: Record<string, unknown>[];
  } & Record<string, unknown>;
  // A copy of the first dashboard with a panel of `type`, changed by `edit`; the problems as text.
  const problemsOf = (
    type: string,
    edit: (panel: Editable, d: GeneratedDashboard & Record<string, unknown>) => void,
  ) => {
    const source = dashboards.find((x) => x.panels.some((p) => p.type === type));
    assert.ok(source, `some dashboard has a ${type} panel`);
    const d = JSON.parse(JSON.stringify(source)) as GeneratedDashboard & Record<string, unknown>;
    edit(d.panels.find((p) => p.type === type) as Editable, d);
    return validator
      .validate(d)
      .map((p) => `${p.where} ${p.message}`)
      .join('\n');
  };
  const cases: [string, (panel: Editable, d: GeneratedDashboard & Record<string, unknown>) => void, RegExp][] = [
    // Integer and range constraints of Grafana's schema (TypeScript only has `number`).
    [
      'timeseries',
      (_, d) => {
        d.schemaVersion = 39.5;
      },
      /^dashboard\/schemaVersion must be integer/m,
    ],
    [
      'timeseries',
      (p) => {
        p.gridPos = { x: 20, y: 0, w: 25, h: 8 };
      },
      /gridPos\/w must be <= 24/,
    ],
    [
      'timeseries',
      (p) => {
        p.gridPos = { x: 24, y: 0, w: 1, h: 8 };
      },
      /gridPos\/x must be < 24/,
    ],
    [
      'timeseries',
      (p) => {
        p.gridPos = { x: 0, y: 1.5, w: 6, h: 8 };
      },
      /gridPos\/y must be integer/,
    ],
    // The dashboard shape: a required field, closed objects.
    [
      'timeseries',
      (_, d) => {
        delete (d as Record<string, unknown>).templating;
      },
      /must have required property 'templating'/,
    ],
    [
      'timeseries',
      (p) => {
        p.span = 12;
      },
      /additionalProperty":"span"/,
    ],
    // Each panel plugin's options and field config.
    [
      'timeseries',
      (p) => {
        p.options.legend = { showLegend: 'yes' };
      },
      /\(timeseries\) options\/legend/,
    ],
    [
      'timeseries',
      (p) => {
        p.fieldConfig.defaults.custom.drawStyle = 'flot';
      },
      /\(timeseries\) fieldConfig\.defaults\.custom\/drawStyle must be equal to one of the allowed values/,
    ],
    [
      'stat',
      (p) => {
        delete p.options.reduceOptions;
      },
      /\(stat\) options must have required property 'reduceOptions'/,
    ],
    [
      'gauge',
      (p) => {
        p.options.minVizHeight = 7.5;
      },
      /\(gauge\) options\/minVizHeight must be integer/,
    ],
    [
      'bargauge',
      (p) => {
        p.options.displayMode = 'fancy';
      },
      /\(bargauge\) options\/displayMode must be equal to one of the allowed values/,
    ],
    [
      'table',
      (p) => {
        p.options.showHeader = 'yes';
      },
      /\(table\) options\/showHeader must be boolean/,
    ],
    [
      'heatmap',
      (p) => {
        p.options.cellGap = 30;
      },
      /\(heatmap\) options\/cellGap must be <= 25/,
    ],
    [
      'state-timeline',
      (p) => {
        p.options.rowHeight = 2;
      },
      /\(state-timeline\) options\/rowHeight must be <= 1/,
    ],
    [
      'stat',
      (p) => {
        p.type = 'singlestat';
      },
      /\(singlestat\) no schema for this panel type/,
    ],
    // The Prometheus query.
    [
      'stat',
      (p) => {
        delete p.targets[0].expr;
      },
      /\(stat\) targets\[0\] must have required property 'expr'/,
    ],
    [
      'stat',
      (p) => {
        p.targets[0].format = 'graphite';
      },
      /\(stat\) targets\[0\]\/format must be equal to one of the allowed values/,
    ],
  ];
  for (const [type, edit, expected] of cases) assert.match(problemsOf(type, edit), expected);
});

test("The schemas are generated from the installed foundation SDK's types and cached per SDK version.", async () => {
  assert.match(
    schemaSet.dir,
    /node_modules[\\/]\.cache[\\/]kafka-sre[\\/]grafana-schema[\\/]foundation-sdk-\d+\.\d+\.\d+[\w.-]*-[0-9a-f]{12}$/,
  );
  const again = await grafanaSchemas();
  assert.equal(again.cached, true);
  assert.deepEqual(again.schemas, schemaSet.schemas);
  const defs = Object.keys(schemaSet.schemas.dashboard.definitions);
  for (const name of ['Dashboard', 'Panel', 'RowPanel', 'GridPos', 'VariableModel', 'AnnotationQuery', 'DashboardLink'])
    assert.ok(defs.includes(name), name);
});

test('Overlapping panels and duplicate ids are reported.', () => {
  const broken = JSON.parse(JSON.stringify(dashboards[0])) as GeneratedDashboard;
  broken.panels[2].id = broken.panels[1].id;
  broken.panels[3].gridPos = { ...broken.panels[1].gridPos! };
  const problems = layoutProblems(broken);
  assert.ok(problems.some((p) => /used twice/.test(p)) && problems.some((p) => /overlap/.test(p)), problems.join('; '));
});

test("A dashboard shaped like grafana-dash-gen's output (schemaVersion 6, rows, graph panels with Graphite targets) fails the schema: the evidence in README.md.", () => {
  // Field names as uber/grafana-dash-gen's Dashboard, Row and Graph constructors set them (see README).
  const legacy = {
    title: 'legacy',
    originalTitle: 'legacy',
    tags: [],
    style: 'dark',
    timezone: 'browser',
    editable: true,
    hideControls: false,
    sharedCrosshair: false,
    refresh: false,
    schemaVersion: 6,
    hideAllLegends: false,
    time: null,
    rows: [
      {
        title: 'r',
        panels: [
          { type: 'graph', renderer: 'flot', span: 12, id: 1, title: 't', targets: [{ target: 'stats.x.count' }] },
        ],
      },
    ],
    templating: { list: [], enable: true },
    annotations: { list: [], enable: true },
  };
  const messages = validator
    .validate(legacy as unknown as GeneratedDashboard)
    .map((p) => `${p.where} ${p.message}`)
    .join('\n');
  for (const field of ['rows', 'style', 'originalTitle', 'hideControls', 'sharedCrosshair'])
    assert.match(messages, new RegExp(`additionalProperty":"${field}"`));
  assert.match(messages, /\/refresh must be string/);
});

test("The README's fault-only table is the list the code allows to be empty.", () => {
  const readme = readFileSync(join(repoRoot, 'dashboards', 'README.md'), 'utf8');
  const m = /<!-- fault-only:start -->\n([\s\S]*?)\n<!-- fault-only:end -->/.exec(readme);
  assert.ok(m, 'README has the fault-only markers');
  assert.equal(m[1], faultOnlyTable());
  const w = /<!-- workload-only:start -->\n([\s\S]*?)\n<!-- workload-only:end -->/.exec(readme);
  assert.ok(w, 'README has the workload-only markers');
  assert.equal(w[1], workloadOnlyTable());
});
