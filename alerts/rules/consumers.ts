// Consumer groups (F2, F4, and retention overtaking consumers): lag in records and seconds,
// Burrow-style stalled status, records lost to retention, rebalancing.
import { exporterMetrics as em, PartitionStatus } from '../../common/metrics/index.js';
import { dashboardUids } from '../../common/index.js';
import { cmd } from '../runbook-commands.js';
import { gauge, TEST_CLUSTER } from '../schema/cases.js';
import { num } from '../schema/promql.js';
import type { RuleGroupSpec } from '../schema/types.js';
import { handover, spoken, type RuleKit } from './common.js';
import { groupProtocolAlerts } from './group-protocols.js';
import { transactionAlerts } from './transactions.js';

export const REBALANCING_STATES = 'PreparingRebalance|CompletingRebalance';

export function consumerRules(kit: RuleKit): RuleGroupSpec {
  const { s, t, k, w } = kit;
  const g = { cluster: TEST_CLUSTER, consumergroup: 'orders-service', topic: 'orders' };
  const gp = (partition: string) => ({ consumergroup: 'orders-service', topic: 'orders', partition });
  const rebalancing = (segments: [number, number][]) =>
    k.e(em.consumerGroupState.name, { consumergroup: 'orders-service', state: 'PreparingRebalance' }, gauge(segments));
  const lagSum = (records: number) =>
    k.e(em.consumerGroupLagSum.name, { consumergroup: 'orders-service', topic: 'orders' }, gauge([[records, 20]]));
  const groupBy = ['consumergroup'] as const;
  return {
    name: 'kafka-sre-consumers',
    file: 'kafka',
    records: [],
    alerts: [
      {
        alert: 'KafkaConsumerLagHigh',
        // max, not sum: one series per group and topic, from whichever exporter replica has the group.
        expr: `max by (cluster, consumergroup, topic) (${handover(s.exporter(em.consumerGroupLagSum))}) > ${num(t.consumerLagRecords)}`,
        for: '10m',
        severity: 'ticket',
        groupBy,
        summary:
          'Consumer group {{ $labels.consumergroup }} is {{ $value | humanize }} records behind on {{ $labels.topic }} in cluster {{ $labels.cluster }}',
        description: `Consumer group {{ $labels.consumergroup }} has been more than ${t.consumerLagRecords} records behind the high watermark of topic {{ $labels.topic }} (cluster {{ $labels.cluster }}) for 10 minutes: {{ $value | humanize }} records.`,
        dashboard: dashboardUids.lag,
        runbook: {
          meaning:
            "Sum over the topic's partitions of high watermark minus the group's committed offset (partitions without a commit are not counted).",
          impact:
            'Data reaches the consumer late; if lag keeps growing, retention may delete records before they are consumed (KafkaRecordsLostToRetention).',
          queries: [`${s.exporter(em.consumerGroupLag)}`, `deriv(${s.exporter(em.consumerGroupLagSum)}[15m])`],
          confirm: [cmd.groupDescribe, cmd.topicDescribe],
          mitigation: [
            'Is lag growing (consumers too slow or stopped) or constant (a one-off burst being worked off)? Check the lag trend.',
            'Check that the group has members and that they are not crash-looping or rebalancing (KafkaConsumerGroupRebalancing).',
            'Scale consumers up to the number of partitions, or fix the slow processing path.',
          ],
          mitigationCommands: [cmd.groupResetToLatest],
          escalate:
            "Escalate to the group's owning team when lag grows for more than an hour or the lag-seconds SLO burns.",
        },
        cases: [
          {
            name: 'a group 5000 records behind for 15 minutes fires',
            series: [lagSum(5000)],
            evalTime: '15m',
            fires: [g],
          },
          {
            name: 'a group 500 records behind does not fire',
            series: [lagSum(500)],
            evalTime: '15m',
            fires: [],
          },
          {
            // Exporter fleet: the replica exporting the group dies at 8m (its series go stale),
            // another one exports it from 9m under a new instance: `for` keeps counting from 0m.
            name: 'a group moving between exporter replicas mid-`for` still fires at 15m',
            series: [
              k.e(em.consumerGroupLagSum.name, { consumergroup: 'orders-service', topic: 'orders' }, '5000x7 stale'),
              k.e(
                em.consumerGroupLagSum.name,
                { consumergroup: 'orders-service', topic: 'orders', instance: 'exporter-b:9308' },
                '_x8 5000x12',
              ),
            ],
            evalTime: '15m',
            fires: [g],
          },
        ],
      },
      {
        alert: 'KafkaConsumerLagSecondsHigh',
        expr: `max by (cluster, consumergroup, topic) (${handover(s.exporter(em.consumerGroupLagSeconds))}) > ${num(t.consumerLagSeconds)}`,
        for: '5m',
        severity: 'ticket',
        groupBy,
        summary:
          'Consumer group {{ $labels.consumergroup }} is {{ $value | humanizeDuration }} behind on {{ $labels.topic }} in cluster {{ $labels.cluster }}',
        description: `The oldest record consumer group {{ $labels.consumergroup }} has not consumed on topic {{ $labels.topic }} (cluster {{ $labels.cluster }}) is {{ $value | humanizeDuration }} old, above ${t.consumerLagSeconds} s for 5 minutes.`,
        dashboard: dashboardUids.lag,
        runbook: {
          meaning:
            'Lag in seconds: how long ago the oldest unconsumed record of the worst partition was written. Unlike lag in records it does not depend on traffic volume.',
          impact: 'Downstream systems see data that old; real-time consumers miss their freshness target.',
          queries: [`${s.exporter(em.consumerGroupLagSeconds)}`, `${s.exporter(em.consumerGroupMaxLagSeconds)}`],
          confirm: [cmd.groupDescribe],
          mitigation: [
            'Same as KafkaConsumerLagHigh: check the members, processing speed and rebalances of the group.',
            'If a single partition lags, look for a poison record or a hot partition on it.',
          ],
          mitigationCommands: [cmd.groupResetToLatest],
          escalate: 'Escalate to the owning team when the group is critical or lag keeps growing.',
        },
        cases: [
          {
            name: 'a partition 5 minutes behind fires',
            series: [
              k.e(em.consumerGroupLagSeconds.name, gp('0'), gauge([[300, 15]])),
              k.e(em.consumerGroupLagSeconds.name, gp('1'), gauge([[0, 15]])),
            ],
            evalTime: '10m',
            fires: [g],
          },
          {
            name: 'a partition 30 seconds behind does not fire',
            series: [k.e(em.consumerGroupLagSeconds.name, gp('0'), gauge([[30, 15]]))],
            evalTime: '10m',
            fires: [],
          },
        ],
      },
      {
        alert: 'KafkaConsumerStalled',
        expr: `max by (cluster, consumergroup, topic, partition) (${s.exporter(em.consumerGroupPartitionStatus)} == ${PartitionStatus.STOP} or ${s.exporter(em.consumerGroupPartitionStatus)} == ${PartitionStatus.STALL})`,
        for: '5m',
        severity: 'ticket',
        groupBy,
        summary:
          'Consumer group {{ $labels.consumergroup }} is stalled on {{ $labels.topic }}/{{ $labels.partition }} in cluster {{ $labels.cluster }}',
        description: `Consumer group {{ $labels.consumergroup }} has status {{ if eq $value ${PartitionStatus.STALL}.0 }}STALL (committing the same offset while lag stays){{ else }}STOP (no commits while lag stays){{ end }} on partition {{ $labels.topic }}/{{ $labels.partition }} of cluster {{ $labels.cluster }}.`,
        dashboard: dashboardUids.lag,
        runbook: {
          meaning: `Burrow-style evaluation of the committed-offset history: STOP (${PartitionStatus.STOP}) means the group stopped committing although there is lag; STALL (${PartitionStatus.STALL}) means it keeps committing the same offset while lag remains.`,
          impact: 'The partition is not being processed: lag grows without bound on it.',
          queries: [
            `${s.exporter(em.consumerGroupPartitionStatus)} >= ${PartitionStatus.STOP}`,
            `${s.exporter(em.consumerGroupCurrentOffset)}`,
          ],
          confirm: [cmd.groupDescribe, cmd.partitionOffsets],
          mitigation: [
            'STOP: the consumer for that partition is gone or hung; restart it, check for a stuck rebalance.',
            'STALL: the consumer is alive but cannot progress, often a poison record it fails on; look at its error log and the record at the committed offset.',
          ],
          mitigationCommands: [cmd.groupResetToLatest],
          escalate: "Escalate to the group's owning team; page them if the group is critical.",
        },
        cases: [
          {
            name: 'a partition in STALL for 10 minutes fires',
            series: [
              k.e(em.consumerGroupPartitionStatus.name, gp('3'), gauge([[PartitionStatus.STALL, 15]])),
              k.e(em.consumerGroupPartitionStatus.name, gp('0'), gauge([[PartitionStatus.OK, 15]])),
            ],
            evalTime: '10m',
            fires: [{ ...g, partition: '3' }],
          },
          {
            name: 'a partition in STOP for 10 minutes fires',
            series: [k.e(em.consumerGroupPartitionStatus.name, gp('3'), gauge([[PartitionStatus.STOP, 15]]))],
            evalTime: '10m',
            fires: [{ ...g, partition: '3' }],
          },
          {
            name: 'partitions in WARN and REWIND do not fire',
            series: [
              k.e(em.consumerGroupPartitionStatus.name, gp('3'), gauge([[PartitionStatus.WARN, 15]])),
              k.e(em.consumerGroupPartitionStatus.name, gp('4'), gauge([[PartitionStatus.REWIND, 15]])),
            ],
            evalTime: '10m',
            fires: [],
          },
        ],
      },
      {
        alert: 'KafkaRecordsLostToRetention',
        // Per partition the newest replica's value (max without instance/pod), then summed over partitions.
        expr: `sum by (cluster, consumergroup, topic) (max without (instance, pod) (${handover(s.exporter(em.consumerGroupLagLostRecords))})) > 0`,
        for: '1m',
        severity: 'ticket',
        groupBy,
        summary:
          'Consumer group {{ $labels.consumergroup }} lost {{ $value | humanize }} records of {{ $labels.topic }} to retention in cluster {{ $labels.cluster }}',
        description:
          'The committed offset of consumer group {{ $labels.consumergroup }} on topic {{ $labels.topic }} (cluster {{ $labels.cluster }}) is below the log start offset: {{ $value | humanize }} records were deleted by retention before the group consumed them.',
        dashboard: dashboardUids.lag,
        runbook: {
          meaning:
            "Records between the group's committed offset and the partition's log start offset were deleted (retention by time or size) before the group read them.",
          impact:
            'The group will never see those records: on its next fetch it resets per auto.offset.reset (earliest: skips the gap; none: fails).',
          queries: [`${s.exporter(em.consumerGroupLagLostRecords)} > 0`, `${s.exporter(em.partitionOldestOffset)}`],
          confirm: [cmd.groupDescribe, cmd.topicDescribe],
          mitigation: [
            'Tell the owning team which topic and how many records; they decide whether to replay from the source system.',
            'Make the group keep up (see KafkaConsumerLagHigh) or lengthen the topic retention.',
          ],
          escalate: 'Escalate to the owning team at once: data they depend on is gone.',
        },
        cases: [
          {
            name: '120 records lost to retention fires',
            series: [
              k.e(
                em.consumerGroupLagLostRecords.name,
                gp('0'),
                gauge([
                  [0, 3],
                  [120, 10],
                ]),
              ),
            ],
            evalTime: '8m',
            fires: [g],
          },
          {
            name: 'a committed offset inside the log does not fire',
            series: [k.e(em.consumerGroupLagLostRecords.name, gp('0'), gauge([[0, 13]]))],
            evalTime: '8m',
            fires: [],
          },
        ],
      },
      {
        alert: 'KafkaConsumerGroupRebalancing',
        expr: `count_over_time((max by (cluster, consumergroup) (${s.exporter(em.consumerGroupState, `state=~"${REBALANCING_STATES}"`)}) == 1)[${w.rebalancing}:${w.rebalancingStep}]) >= ${t.rebalancingMinutes}`,
        for: '0m',
        severity: 'ticket',
        groupBy,
        summary: 'Consumer group {{ $labels.consumergroup }} in cluster {{ $labels.cluster }} keeps rebalancing',
        description: `Consumer group {{ $labels.consumergroup }} (cluster {{ $labels.cluster }}) was rebalancing in {{ $value }} ${w.rebalancingStep === '1m' ? '' : `samples (one every ${spoken(w.rebalancingStep)}) `}of the last ${spoken(w.rebalancing)} (threshold ${t.rebalancingMinutes}): consumption stops during every rebalance.`,
        dashboard: dashboardUids.lag,
        runbook: {
          meaning:
            'The group spends a large share of its time in PreparingRebalance/CompletingRebalance: members join and leave repeatedly, or one rebalance never completes.',
          impact:
            'No partition of the group is consumed during a rebalance: lag grows; with eager assignors every member stops.',
          queries: [`${s.exporter(em.consumerGroupState)} == 1`, `${s.exporter(em.consumerGroupMembers)}`],
          confirm: [cmd.groupDescribe, cmd.groupsList],
          mitigation: [
            'Members time out: processing between polls exceeds max.poll.interval.ms, or heartbeats miss session.timeout.ms (GC pauses, overloaded hosts).',
            'Members crash-loop or a deployment rolls slowly: check the consumer application.',
            'Use static membership (group.instance.id) and the cooperative-sticky assignor to reduce rebalances on restarts.',
          ],
          escalate: 'Escalate to the owning team when rebalancing continues for more than 30 minutes.',
        },
        cases: [
          {
            name: 'a group rebalancing 6 of 15 minutes fires',
            series: [
              rebalancing([
                [0, 10],
                [1, 6],
                [0, 4],
              ]),
            ],
            evalTime: '18m',
            fires: [{ cluster: TEST_CLUSTER, consumergroup: 'orders-service' }],
          },
          {
            name: 'a group with one short rebalance does not fire',
            series: [
              rebalancing([
                [0, 10],
                [1, 2],
                [0, 8],
              ]),
            ],
            evalTime: '18m',
            fires: [],
          },
        ],
      },
      ...groupProtocolAlerts(kit),
      ...transactionAlerts(kit),
    ],
  };
}
