// SLO rules in the multi-window, multi-burn-rate form (sloth-like): per SLO, error ratios for
// every window, objective, error budget and budget remaining; then one fast (page) and one slow
// (ticket) burn alert per SLO. SLIs come from the exporter's kafka_sre_slo_{events,errors}_total.
import type { SloDefinition } from '../../common/config/index.js';
import { exporterMetrics as em } from '../../common/metrics/index.js';
import {
  burnWindowsFor,
  errorRatioWindows,
  type ResolvedBurnWindow,
  errorBudget,
  dashboardUids,
} from '../../common/index.js';
import { cmd } from '../runbook-commands.js';
import { counter, TEST_CLUSTER } from '../schema/cases.js';
import { num } from '../schema/promql.js';
import type { AlertCase, AlertSpec, RecordSpec, RuleGroupSpec, Severity } from '../schema/types.js';
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
  const budget = num(errorBudget(slo.objective));
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
  const budget = num(errorBudget(slo.objective));
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
  const budget = errorBudget(slo.objective);
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

/**
 * Two cases on the same series shape: a burn just above the window pair's rate that fires and
 * one just below it that does not. `story` names the shape around the burn multiple.
 */
function burnPair(
  k: RuleKit['k'],
  slo: SloDefinition,
  w: ResolvedBurnWindow,
  [above, below]: [number, number],
  story: (multiple: string) => string,
  segments: (burn: number) => [number, number][],
  evalTime: string,
  interval?: string,
  stepMinutes?: number,
): AlertCase[] {
  const hi = w.burnRate * above;
  const lo = w.burnRate * below;
  return [
    burnCase(
      k,
      slo,
      `${story(num(hi))} fires (${w.longWindow}/${w.shortWindow})`,
      segments(hi),
      evalTime,
      true,
      interval,
      stepMinutes,
    ),
    burnCase(k, slo, `${story(num(lo))} does not fire`, segments(lo), evalTime, false, interval, stepMinutes),
  ];
}

function fastCases(k: RuleKit['k'], slo: SloDefinition, windows: ResolvedBurnWindow[]): AlertCase[] {
  const [w1, w2] = windows;
  return [
    ...burnPair(
      k,
      slo,
      w1,
      [1.05, 0.95],
      (x) => `a ${x}x burn for the last hour after 5 healthy hours`,
      (burn) => [
        [0, 300],
        [burn, 70],
      ],
      '368m',
    ),
    ...burnPair(
      k,
      slo,
      w2,
      [1.1, 0.9],
      (x) => `a steady ${x}x burn for 6 hours`,
      (burn) => [[burn, 380]],
      '375m',
    ),
  ];
}

function slowCases(k: RuleKit['k'], slo: SloDefinition, windows: ResolvedBurnWindow[]): AlertCase[] {
  const [w1, w2] = windows;
  // 5-minute samples keep the 3-day series short; the 5m error ratio is not used by these alerts.
  const step = 5;
  const perDay = 1440 / step;
  return [
    ...burnPair(
      k,
      slo,
      w1,
      [1.1, 0.9],
      (x) => `a ${x}x burn for the last day after 2 healthy days`,
      (burn) => [
        [0, 2 * perDay],
        [burn, perDay + 4],
      ],
      '4340m',
      '5m',
      step,
    ),
    ...burnPair(
      k,
      slo,
      w2,
      [1.1, 0.9],
      (x) => `a steady ${x}x burn for 3 days`,
      (burn) => [[burn, 3 * perDay + 4]],
      '4340m',
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
