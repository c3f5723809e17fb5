// SLO rules in the multi-window, multi-burn-rate form (sloth-like): per SLO, error ratios for
// every window, objective, error budget and budget remaining; then one fast (page) and one slow
// (ticket) burn alert per SLO. SLIs come from the exporter's kafka_sre_slo_{events,errors}_total.
import type { SloDefinition } from '../../common/config/index.js';
import { exporterMetrics as em } from '../../common/metrics/index.js';
import { burnWindowsFor, errorRatioWindows, type ResolvedBurnWindow } from '../burn-rate-windows.js';
import { cmd } from '../runbook-commands.js';
import { counter, TEST_CLUSTER } from '../spec/cases.js';
import { num } from '../spec/promql.js';
import {
  dashboardUids,
  type AlertCase,
  type AlertSpec,
  type RecordSpec,
  type RuleGroupSpec,
  type Severity,
} from '../spec/types.js';
import type { RuleKit } from './common.js';

export const errorRatioRecord = (window: string) => `slo:sli_error:ratio_rate${window}`;
export const OBJECTIVE_RECORD = 'slo:objective:ratio';
export const ERROR_BUDGET_RECORD = 'slo:error_budget:ratio';
export const BUDGET_REMAINING_RECORD = 'slo:error_budget_remaining:ratio';

const sliText: Record<SloDefinition['sli'], string> = {
  produce_availability: 'probe produces (acks=all) that fail',
  e2e_latency: 'probe records consumed later than the latency threshold',
  consumer_lag: 'consumer group/partition samples above the lag-seconds threshold',
  broker_availability: 'expected brokers missing from the cluster',
};

function sloRecords(s: RuleKit['s'], slo: SloDefinition): RecordSpec[] {
  const m = `slo="${slo.name}"`;
  const budget = num(1 - slo.objective);
  // The static slo label keeps per-SLO rules distinct for promtool's duplicate-rule lint.
  const labels = { slo: slo.name };
  const ratios = errorRatioWindows.map((w) => ({
    record: errorRatioRecord(w),
    labels,
    // Windows without events record nothing (not NaN), so the period average below stays defined.
    expr: `sum by (cluster, slo) (rate(${s.exporter(em.sloErrors, m)}[${w}]))\n/\n(sum by (cluster, slo) (rate(${s.exporter(em.sloEvents, m)}[${w}])) > 0)`,
  }));
  const period = errorRatioRecord(slo.window);
  return [
    ...ratios,
    {
      record: period,
      labels,
      expr: `sum_over_time(${errorRatioRecord('5m')}{${m}}[${slo.window}])\n/\ncount_over_time(${errorRatioRecord('5m')}{${m}}[${slo.window}])`,
    },
    { record: OBJECTIVE_RECORD, expr: `vector(${num(slo.objective)})`, labels: { slo: slo.name } },
    { record: ERROR_BUDGET_RECORD, expr: `vector(${budget})`, labels: { slo: slo.name } },
    { record: BUDGET_REMAINING_RECORD, labels, expr: `1 - ${period}{${m}} / ${budget}` },
  ];
}

/** `(long > rate) and (short > rate)` for each window pair of one severity, joined with `or`. */
function burnExpr(slo: SloDefinition, windows: ResolvedBurnWindow[]): string {
  const budget = num(1 - slo.objective);
  const m = `slo="${slo.name}"`;
  return windows
    .map(
      (w) =>
        `(\n  (${errorRatioRecord(w.longWindow)}{${m}} / ${budget} > ${num(w.burnRate)})\n  and on (cluster, slo)\n  (${errorRatioRecord(w.shortWindow)}{${m}} / ${budget} > ${num(w.burnRate)})\n)`,
    )
    .join('\nor on (cluster, slo)\n');
}

function pairsText(windows: ResolvedBurnWindow[]): string {
  return windows.map((w) => `${num(w.burnRate)}x over ${w.longWindow} and ${w.shortWindow}`).join(', or ');
}

/** Synthetic SLI series: 1000 events per minute, errors at `burn` times the budget rate. */
function burnCase(
  k: RuleKit['k'],
  slo: SloDefinition,
  name: string,
  segments: [number, number][],
  evalTime: string,
  fires: boolean,
  interval = '1m',
  stepMinutes = 1,
): AlertCase {
  const perStep = 1000 * stepMinutes;
  const budget = 1 - slo.objective;
  const steps = segments.reduce((n, [, c]) => n + c, 0);
  return {
    name,
    interval,
    series: [
      k.e(em.sloEvents.name, { slo: slo.name }, counter([[perStep, steps]])),
      k.e(
        em.sloErrors.name,
        { slo: slo.name },
        counter(segments.map(([burn, c]) => [burn * budget * perStep, c] as [number, number])),
      ),
    ],
    evalTime,
    fires: fires ? [{ cluster: TEST_CLUSTER, slo: slo.name }] : [],
  };
}

function fastCases(k: RuleKit['k'], slo: SloDefinition, windows: ResolvedBurnWindow[]): AlertCase[] {
  const [w1, w2] = windows;
  const r1 = w1.burnRate;
  const r2 = w2.burnRate;
  return [
    burnCase(
      k,
      slo,
      `a ${num(r1 * 1.05)}x burn for the last hour after 5 healthy hours fires (${w1.longWindow}/${w1.shortWindow})`,
      [
        [0, 300],
        [r1 * 1.05, 70],
      ],
      '368m',
      true,
    ),
    burnCase(
      k,
      slo,
      `a ${num(r1 * 0.95)}x burn for the last hour after 5 healthy hours does not fire`,
      [
        [0, 300],
        [r1 * 0.95, 70],
      ],
      '368m',
      false,
    ),
    burnCase(
      k,
      slo,
      `a steady ${num(r2 * 1.1)}x burn for 6 hours fires (${w2.longWindow}/${w2.shortWindow})`,
      [[r2 * 1.1, 380]],
      '375m',
      true,
    ),
    burnCase(k, slo, `a steady ${num(r2 * 0.9)}x burn for 6 hours does not fire`, [[r2 * 0.9, 380]], '375m', false),
  ];
}

function slowCases(k: RuleKit['k'], slo: SloDefinition, windows: ResolvedBurnWindow[]): AlertCase[] {
  const [w1, w2] = windows;
  const r1 = w1.burnRate;
  const r2 = w2.burnRate;
  // 5-minute samples keep the 3-day series short; the 5m error ratio is not used by these alerts.
  const step = 5;
  const perDay = 1440 / step;
  return [
    burnCase(
      k,
      slo,
      `a ${num(r1 * 1.1)}x burn for the last day after 2 healthy days fires (${w1.longWindow}/${w1.shortWindow})`,
      [
        [0, 2 * perDay],
        [r1 * 1.1, perDay + 4],
      ],
      '4340m',
      true,
      '5m',
      step,
    ),
    burnCase(
      k,
      slo,
      `a ${num(r1 * 0.9)}x burn for the last day after 2 healthy days does not fire`,
      [
        [0, 2 * perDay],
        [r1 * 0.9, perDay + 4],
      ],
      '4340m',
      false,
      '5m',
      step,
    ),
    burnCase(
      k,
      slo,
      `a steady ${num(r2 * 1.1)}x burn for 3 days fires (${w2.longWindow}/${w2.shortWindow})`,
      [[r2 * 1.1, 3 * perDay + 4]],
      '4340m',
      true,
      '5m',
      step,
    ),
    burnCase(
      k,
      slo,
      `a steady ${num(r2 * 0.9)}x burn for 3 days does not fire`,
      [[r2 * 0.9, 3 * perDay + 4]],
      '4340m',
      false,
      '5m',
      step,
    ),
  ];
}

function burnAlert(kit: RuleKit, slo: SloDefinition, severity: Severity, withCases: boolean): AlertSpec {
  const windows = burnWindowsFor(slo.window).filter((w) => w.severity === severity);
  const fast = severity === 'page';
  const budgetShare = windows.map((w) => `${num(w.budgetConsumed * 100)}% in ${w.longWindow}`).join(' or ');
  return {
    alert: fast ? 'KafkaSLOBudgetBurnFast' : 'KafkaSLOBudgetBurnSlow',
    expr: burnExpr(slo, windows),
    for: fast ? kit.config.slo.fastBurnFor : kit.config.slo.slowBurnFor,
    severity,
    labels: { slo: slo.name, slo_window: slo.window },
    summary: `SLO {{ $labels.slo }} on cluster {{ $labels.cluster }} burns its error budget ${fast ? 'fast' : 'slowly'} ({{ $value | humanize }}x)`,
    description: `SLO {{ $labels.slo }} (${num(slo.objective * 100)}% over ${slo.window}: ${slo.description || sliText[slo.sli]}) on cluster {{ $labels.cluster }} is spending its error budget at {{ $value | humanize }}x the sustainable rate (${pairsText(windows)}): at this pace ${budgetShare} of the budget is gone.`,
    dashboard: dashboardUids.slo,
    runbook: {
      meaning: `The SLI's error ratio, divided by the error budget (1 - objective), is above the burn-rate threshold over both a long and a short window: ${pairsText(windows)}. The long window proves the burn is significant, the short one that it is still happening.`,
      impact: fast
        ? 'Users are affected now: at this rate the whole monthly budget is gone within days.'
        : 'A slow leak: the SLO will be missed by the end of the period if nothing changes.',
      queries: [
        ...errorRatioWindows.map((w) => `${errorRatioRecord(w)}{slo="$SLO"}`).slice(0, 3),
        `${BUDGET_REMAINING_RECORD}{slo="$SLO"}`,
        `${kit.s.exporter(em.sloBurnRate)}`,
      ],
      confirm: [
        cmd.clusterDescribe,
        cmd.exporterMetrics('^kafka_sre_slo_', "SLI counters and the exporter's own burn-rate estimate"),
      ],
      mitigation: [
        'Find which failure drives the SLI (see the SLI kind in the description): produce availability follows broker, ISR and controller alerts; end-to-end latency follows request latency and pauses; consumer lag follows the lag alerts.',
        'Fix or roll back the change that started the burn; the short window resets the alert within minutes of recovery.',
        fast
          ? 'Consider freezing risky changes until the budget recovers.'
          : 'Plan the fix within the sprint; review the objective if it is not achievable.',
      ],
      escalate: fast
        ? 'Escalate to the service owner if the burn continues 30 minutes after the first mitigation.'
        : 'Bring it to the next reliability review if the budget remaining drops below 25%.',
    },
    cases: withCases ? (fast ? fastCases(kit.k, slo, windows) : slowCases(kit.k, slo, windows)) : [],
  };
}

/** The SLO recording group and the burn-alert group; cases are attached to the first SLO. */
export function sloRuleGroups(kit: RuleKit): RuleGroupSpec[] {
  const slos = kit.config.slos;
  if (slos.length === 0) return [];
  return [
    {
      name: 'kafka-sre-slo-recording',
      file: 'slo',
      records: slos.flatMap((slo) => sloRecords(kit.s, slo)),
      alerts: [],
    },
    {
      name: 'kafka-sre-slo-alerts',
      file: 'slo',
      records: [],
      alerts: slos.flatMap((slo, i) => [burnAlert(kit, slo, 'page', i === 0), burnAlert(kit, slo, 'ticket', i === 0)]),
    },
  ];
}
