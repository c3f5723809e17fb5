// Model -> promtool unit-test files: every alert's cases (firing with labels and severity
// checked, and nearby healthy ones) against the generated rule files.
import type { AlertModel, RuleModel } from '../model.js';
import type { AlertCase } from '../schema/types.js';
import { ruleFileName } from './prometheus-rules.js';
import { toYaml } from './yaml.js';

interface PromtoolTest {
  name: string;
  interval: string;
  input_series: { series: string; values: string }[];
  alert_rule_test: { eval_time: string; alertname: string; exp_alerts: { exp_labels: Record<string, string> }[] }[];
}

function testOf(a: AlertModel, c: AlertCase): PromtoolTest {
  const staticLabels = { ...a.labels };
  return {
    name: `${a.alert}: ${c.name}`,
    interval: c.interval ?? '1m',
    input_series: c.series.map((s) => ({ series: s.series, values: s.values })),
    alert_rule_test: [
      {
        eval_time: c.evalTime,
        alertname: a.alert,
        exp_alerts: c.fires.map((labels) => ({ exp_labels: { ...labels, ...staticLabels } })),
      },
    ],
  };
}

export interface PromtoolTestFile {
  /** File name of the test, e.g. kafka.1m.test.yaml. */
  name: string;
  /** Rule file it loads (relative to the test file's directory). */
  ruleFile: string;
  yaml: string;
  cases: number;
}

/** One test file per rule file and sample interval; `rulesDir` is where the rule files are, relative to the tests. */
export function renderPromtoolTests(model: RuleModel, rulesDir: string): PromtoolTestFile[] {
  const buckets = new Map<string, { ruleFile: string; interval: string; tests: PromtoolTest[] }>();
  for (const g of model.groups) {
    for (const a of g.alerts) {
      for (const c of a.spec.cases) {
        const interval = c.interval ?? '1m';
        const key = `${g.file}.${interval}`;
        const b = buckets.get(key) ?? { ruleFile: ruleFileName(g.file), interval, tests: [] };
        b.tests.push(testOf(a, c));
        buckets.set(key, b);
      }
    }
  }
  return [...buckets].map(([key, b]) => ({
    name: `${key}.test.yaml`,
    ruleFile: b.ruleFile,
    cases: b.tests.length,
    yaml: toYaml({
      rule_files: [`${rulesDir.replace(/\/+$/, '')}/${b.ruleFile}`],
      evaluation_interval: b.interval,
      tests: b.tests,
    }),
  }));
}
