// Game day: the injected faults as annotations and a timeline, what alerted, and the impact on
// lag, replication, the probe and the SLOs while the drill runs.
import { brokerMetrics as B, chaosMetrics as C, proxyMetrics as P } from '../../common/metrics/index.js';
import { q, redBelow, redFrom, stateTimeline, timeseries } from '../panels.js';
import { rate, sel } from '../promql.js';
import * as S from '../signals.js';
import { burnRateFor, type DashboardThresholds } from '../thresholds.js';
import { allVariables, type DashboardSpec } from '../types.js';

export function gamedayDashboard(t: DashboardThresholds): DashboardSpec {
  return {
    uid: 'kafka-sre-gameday',
    title: 'Kafka / Game day',
    description:
      'A chaos drill as it happens: faults injected (also as annotations on every panel), alerts pending and firing, and the impact on brokers, replication, lag, the probe and the SLOs.',
    tags: ['gameday', 'chaos'],
    variables: allVariables,
    from: 'now-1h',
    gamedayAnnotations: true,
    rows: [
      {
        title: 'Drill',
        panels: [
          stateTimeline(
            'Faults injected',
            "Each fault while it is injected, from the chaos runner's kafka_sre_gameday_fault_active.",
            q(`max by (gameday, fault, target) (${sel(C.faultActive)})`, '{{fault}} on {{target}}', {
              faultOnly: 'the chaos runner exposes fault series only during a game day',
            }),
            {
              valueTexts: [
                { value: 0, text: 'off', color: 'green' },
                { value: 1, text: 'injected', color: 'red' },
              ],
              thresholds: redFrom(1),
            },
          ),
          stateTimeline(
            'Alerts',
            "Prometheus alerts pending and firing during the drill (ALERTS series). The drill expects the fault's alert to fire and to clear after rollback.",
            [
              q(S.alertsFiring('firing'), 'firing {{alertname}} ({{severity}})', {
                faultOnly: 'no alert fires on a healthy cluster',
              }),
              q(S.alertsFiring('pending'), 'pending {{alertname}} ({{severity}})', {
                faultOnly: 'no alert is pending on a healthy cluster',
              }),
            ],
            { valueTexts: [{ value: 1, text: 'active', color: 'red' }], thresholds: redFrom(1) },
          ),
          stateTimeline(
            'Game day running',
            'Which game day is running (kafka_sre_gameday_active).',
            q(`max by (gameday) (${sel(C.gamedayActive)})`, '{{gameday}}', {
              faultOnly: 'the chaos runner exposes this only while a game day runs',
            }),
            {
              w: 24,
              h: 4,
              valueTexts: [
                { value: 0, text: 'idle', color: 'green' },
                { value: 1, text: 'running', color: 'blue' },
              ],
            },
          ),
        ],
      },
      {
        title: 'Impact',
        panels: [
          timeseries('Brokers online', 'Brokers in the cluster metadata.', q(S.brokersOnline, '{{cluster}}'), {
            thresholds: redBelow(1),
            runbooks: ['KafkaBrokerDown'],
          }),
          timeseries(
            'Replication health',
            'Under-replicated, under-min-ISR and offline partitions.',
            [
              q(S.clusterUrp, 'under-replicated'),
              q(S.clusterUnderMinIsr, 'under min ISR'),
              q(S.clusterOffline, 'offline'),
            ],
            {
              thresholds: redFrom(1),
              runbooks: ['KafkaUnderReplicatedPartitions', 'KafkaUnderMinIsrPartitions', 'KafkaOfflinePartitions'],
            },
          ),
          timeseries(
            'Consumer lag (records)',
            `Lag per group. Red line at ${t.consumerLagRecords}.`,
            q(S.lagByGroup, '{{consumergroup}}'),
            {
              thresholds: redFrom(t.consumerLagRecords),
              runbooks: ['KafkaConsumerLagHigh'],
              drilldowns: ['kafka-sre-lag'],
            },
          ),
          timeseries(
            'Consumer lag (seconds)',
            `Oldest unconsumed record per group. Red line at ${t.consumerLagSeconds} s.`,
            q(S.lagSecondsByGroup, '{{consumergroup}}'),
            { unit: 's', thresholds: redFrom(t.consumerLagSeconds), runbooks: ['KafkaConsumerLagSecondsHigh'] },
          ),
          timeseries(
            'Probe failure ratio',
            `Failed / attempted probe produces; red from ${t.probeFailureRatio * 100}% (KafkaEndToEndProbeFailing).`,
            q(S.probeFailureRatio, 'failed ratio'),
            { unit: 'percentunit', thresholds: redFrom(t.probeFailureRatio), runbooks: ['KafkaEndToEndProbeFailing'] },
          ),
          timeseries(
            'Probe roundtrip p99',
            `Produce-to-consume latency of the probe; red from ${t.probeRoundtripSeconds} s.`,
            q(S.probeRoundtripP99, 'roundtrip p99'),
            { unit: 's', thresholds: redFrom(t.probeRoundtripSeconds), runbooks: ['KafkaEndToEndProbeFailing'] },
          ),
          timeseries(
            'SLO burn rate (5m)',
            'Short-window burn rate per SLO: how fast the drill spends budget.',
            q(S.sloBurnRate('5m'), '{{slo}}'),
            { thresholds: redFrom(burnRateFor(t, '1h')), runbooks: ['KafkaSLOBudgetBurnFast'] },
          ),
          timeseries(
            'Request errors',
            'Failed requests per second by type and error code.',
            q(S.requestErrorsByType, '{{request}} {{error}}'),
            { unit: 'ops' },
          ),
          timeseries(
            'Pause time',
            'Longest event-loop stall per broker (slow-broker and pause drills).',
            q(S.pauseMax, '{{instance}}'),
            { unit: 's', thresholds: redFrom(t.pauseMaxSeconds), runbooks: ['KafkaBrokerPaused'] },
          ),
          timeseries(
            'Proxy traffic',
            'Bytes per second through the fault proxy per proxy and direction (latency and bandwidth toxics show here).',
            q(`sum by (proxy, direction) (${rate(P.sentBytes)})`, '{{proxy}} {{direction}}', {
              faultOnly: 'the fault proxy runs only when clients are routed through it (game days)',
            }),
            { unit: 'Bps' },
          ),
          timeseries(
            'ISR shrinks',
            'ISR shrinks per second per broker (network partition and slow-follower drills).',
            q(`sum by (instance) (${rate(B.isrShrinks)})`, '{{instance}}'),
            { unit: 'ops', runbooks: ['KafkaIsrShrinking'] },
          ),
        ],
      },
    ],
  };
}
