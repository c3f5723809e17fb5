// SLOs: per SLO the SLI, the budget left, and the burn rate in each multi-window alert pair.
import { exporterMetrics as E } from '../../common/metrics/index.js';
import { instant, q, redBelow, redFrom, stat, table, timeseries } from '../panels.js';
import { rate, sel } from '../promql.js';
import * as S from '../signals.js';
import type { DashboardThresholds } from '../thresholds.js';
import { allVariables, type DashboardSpec } from '../types.js';

export function sloDashboard(t: DashboardThresholds): DashboardSpec {
  const pair = (long: string, short: string) => [
    q(S.sloBurnRate(long), `{{slo}} ${long}`),
    q(S.sloBurnRate(short), `{{slo}} ${short}`),
  ];
  return {
    uid: 'kafka-sre-slo',
    title: 'Kafka / SLOs',
    description: `Service level objectives: SLI, error budget over ${t.sloPeriod}, and burn rates in the multi-window multi-burn-rate pairs the alerts use (${t.burnWindows.map((w) => `${w.longWindow}/${w.shortWindow} ${w.severity}`).join(', ')}).`,
    tags: ['slo'],
    variables: allVariables,
    from: 'now-7d',
    rows: [
      {
        title: 'Objectives and budget',
        panels: [
          table(
            'Objectives',
            "Each SLO's objective as the exporter reports it.",
            instant(S.sloObjective, undefined, { format: 'table' }),
            { w: 8, unit: 'percentunit', decimals: 3 },
          ),
          stat(
            `SLI (${t.sloPeriod})`,
            'Good events / all events over the budget period.',
            instant(S.sloSli(t.sloPeriod), '{{slo}}'),
            { w: 8, unit: 'percentunit', decimals: 3 },
          ),
          stat(
            'Error budget remaining',
            'Share of the budget left: 1 - error ratio / (1 - objective). Below 0 the objective is missed.',
            instant(S.sloBudgetRemaining(t.sloPeriod), '{{slo}}'),
            {
              w: 8,
              unit: 'percentunit',
              decimals: 1,
              thresholds: redBelow(0, 0.25),
              runbooks: ['KafkaSLOBudgetBurnSlow'],
            },
          ),
          timeseries(
            'Error budget remaining over time',
            `Budget left over the rolling ${t.sloPeriod} window.`,
            q(S.sloBudgetRemaining(t.sloPeriod), '{{slo}}'),
            { w: 12, unit: 'percentunit', thresholds: redBelow(0, 0.25) },
          ),
          timeseries(
            'SLI error ratio (5m)',
            'Bad events / all events over 5 minutes, per SLO.',
            q(S.sloErrorRatio('5m'), '{{slo}}'),
            { w: 12, unit: 'percentunit' },
          ),
        ],
      },
      {
        title: 'Burn rates (alert windows)',
        panels: [
          ...t.burnWindows.map((w) =>
            timeseries(
              `${w.severity === 'page' ? 'Page' : 'Ticket'}: ${w.longWindow} and ${w.shortWindow}`,
              `${w.severity === 'page' ? 'KafkaSLOBudgetBurnFast pages' : 'KafkaSLOBudgetBurnSlow opens a ticket'} when both windows burn faster than ${w.burnRate} (${w.budgetConsumed * 100}% of the ${t.sloPeriod} budget within ${w.longWindow}).`,
              pair(w.longWindow, w.shortWindow),
              {
                w: 12,
                thresholds: redFrom(w.burnRate),
                runbooks: [w.severity === 'page' ? 'KafkaSLOBudgetBurnFast' : 'KafkaSLOBudgetBurnSlow'],
              },
            ),
          ),
          timeseries(
            'Exporter burn-rate estimate',
            "The exporter's own burn-rate estimate per window, from its in-memory history (useful before Prometheus has a long history).",
            q(`max by (slo, window) (${sel(E.sloBurnRate)})`, '{{slo}} {{window}}'),
            { w: 12 },
          ),
          timeseries(
            'SLI events',
            'All and bad SLI events per second.',
            [
              q(`sum by (slo) (${rate(E.sloEvents)})`, 'all {{slo}}'),
              q(`sum by (slo) (${rate(E.sloErrors)})`, 'bad {{slo}}'),
            ],
            { w: 12, unit: 'ops' },
          ),
        ],
      },
    ],
  };
}
