// Topic traffic (F7 and silent producers): per-partition produce rate, hot partitions, topics
// that stopped receiving records.
import { exporterMetrics as em } from '../../common/metrics/index.js';
import { dashboardUids } from '../../common/index.js';
import { cmd } from '../runbook-commands.js';
import { counter, gauge, TEST_CLUSTER } from '../schema/cases.js';
import { num } from '../schema/promql.js';
import type { RuleGroupSpec } from '../schema/types.js';
import type { RuleKit } from './common.js';

export const PARTITION_MESSAGES_IN = 'kafka_sre:topic_partition_messages_in:rate5m';

export function topicRules({ s, t, k, w }: RuleKit): RuleGroupSpec {
  const offsets = (topicMatcher = '') => s.exporter(em.partitionCurrentOffset, topicMatcher);
  const idleTopics = `topic=~"${t.topicIdleTopics}"`;
  const p = (partition: string, perStep: number, steps = 40) =>
    k.e(em.partitionCurrentOffset.name, { topic: 'orders', partition }, counter([[perStep, steps]]));
  // The alert reads the 5m recording rule (also a dashboard series) unless alerts.windows.rate asks
  // for another window: then its own rate, so a drill's hot key stops firing soon after it ends.
  const partitionRate =
    w.rate === '5m' ? PARTITION_MESSAGES_IN : `sum by (cluster, topic, partition) (rate(${offsets()}[${w.rate}]))`;
  return {
    name: 'kafka-sre-topics',
    file: 'kafka',
    records: [{ record: PARTITION_MESSAGES_IN, expr: `sum by (cluster, topic, partition) (rate(${offsets()}[5m]))` }],
    alerts: [
      {
        alert: 'KafkaHotPartition',
        expr: `${partitionRate}\n  > on (cluster, topic) group_left ()\n  (${num(t.hotPartitionFactor)} * avg by (cluster, topic) (${partitionRate}))\nand\n${partitionRate} > ${num(t.hotPartitionMinRate)}`,
        for: '15m',
        severity: 'ticket',
        groupBy: ['topic'],
        summary:
          'Partition {{ $labels.topic }}/{{ $labels.partition }} in cluster {{ $labels.cluster }} is hot ({{ $value | humanize }} records/s)',
        description: `Partition {{ $labels.partition }} of topic {{ $labels.topic }} (cluster {{ $labels.cluster }}) receives {{ $value | humanize }} records/s, more than ${t.hotPartitionFactor} times the topic's per-partition average, for 15 minutes.`,
        dashboard: dashboardUids.debug,
        runbook: {
          meaning:
            "One partition takes a disproportionate share of the topic's writes, usually because many records share one key (or a custom partitioner).",
          impact:
            'The leader broker of that partition and the consumer that owns it become the bottleneck: higher latency and lag on that partition while others idle.',
          queries: [`${PARTITION_MESSAGES_IN}{topic="orders"}`, `topk(5, ${PARTITION_MESSAGES_IN})`],
          confirm: [cmd.topicDescribe, cmd.topicTail],
          mitigation: [
            'Find the dominant key in the newest records of the partition and talk to the producing team about a better key (add entropy, key by a finer entity).',
            'If ordering per key is not needed, use the default sticky partitioner without keys.',
          ],
          escalate:
            'Escalate when the leader broker saturates (KafkaRequestHandlerSaturated) or the consumer cannot keep up.',
        },
        cases: [
          {
            name: 'one partition with 20/s while three have 1/s fires',
            series: [p('0', 1200), p('1', 60), p('2', 60), p('3', 60)],
            evalTime: '30m',
            fires: [{ cluster: TEST_CLUSTER, topic: 'orders', partition: '0' }],
          },
          {
            name: 'four partitions with 20/s each do not fire',
            series: [p('0', 1200), p('1', 1200), p('2', 1200), p('3', 1200)],
            evalTime: '30m',
            fires: [],
          },
          {
            name: 'a skewed but tiny topic does not fire',
            series: [p('0', 300), p('1', 6), p('2', 6), p('3', 6)],
            evalTime: '30m',
            fires: [],
          },
        ],
      },
      {
        alert: 'KafkaTopicNoNewMessages',
        expr: `sum by (cluster, topic) (changes(${offsets(idleTopics)}[${t.topicIdle}])) == 0\nand on (cluster, topic)\nsum by (cluster, topic) (changes(${offsets(idleTopics)}[1d] offset ${t.topicIdle})) > 0`,
        for: '0m',
        severity: 'ticket',
        groupBy: ['topic'],
        summary: `Topic {{ $labels.topic }} in cluster {{ $labels.cluster }} received no records for ${t.topicIdle}`,
        description: `No partition of topic {{ $labels.topic }} (cluster {{ $labels.cluster }}) advanced its high watermark in the last ${t.topicIdle}, although the topic received records in the day before: its producers may have stopped.`,
        dashboard: dashboardUids.debug,
        runbook: {
          meaning: `The topic had traffic in the previous day but none in the last ${t.topicIdle}. Topics that are always idle never fire.`,
          impact: 'Consumers see no new data: a producer crashed, lost its credentials, or writes somewhere else.',
          queries: [`sum by (topic) (rate(${offsets(idleTopics)}[5m]))`],
          confirm: [cmd.topicDescribe, cmd.topicTail],
          mitigation: [
            'Check the producing application and its errors (authorization failures, timeouts).',
            'If the silence is expected (batch job, decommissioned topic), exclude the topic through alerts.thresholds.topicIdleTopics.',
          ],
          escalate: 'Escalate to the producing team.',
        },
        cases: [
          {
            name: 'a topic silent for 35 minutes after an hour of traffic fires',
            series: [
              k.e(em.partitionCurrentOffset.name, { topic: 'orders', partition: '0' }, `${counter([[10, 60]])} 600x40`),
            ],
            evalTime: '95m',
            fires: [{ cluster: TEST_CLUSTER, topic: 'orders' }],
          },
          {
            name: 'a topic still receiving records does not fire',
            series: [k.e(em.partitionCurrentOffset.name, { topic: 'orders', partition: '0' }, counter([[10, 100]]))],
            evalTime: '95m',
            fires: [],
          },
          {
            name: 'a topic that never had traffic does not fire',
            series: [k.e(em.partitionCurrentOffset.name, { topic: 'orders', partition: '0' }, gauge([[0, 100]]))],
            evalTime: '95m',
            fires: [],
          },
        ],
      },
    ],
  };
}
