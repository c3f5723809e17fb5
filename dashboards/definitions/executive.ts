// Executive: is Kafka meeting its objectives, how much budget is left, how busy and how full.
import { exporterMetrics as E } from '../../common/metrics/index.js';
import { bargauge, gauge, instant, q, redBelow, redFrom, stat, timeseries } from '../panels.js';
import { sel } from '../promql.js';
import * as S from '../signals.js';
import { burnRateFor, type DashboardThresholds } from '../thresholds.js';
import { allVariables, type DashboardSpec } from '../types.js';

export function executiveDashboard(t: DashboardThresholds): DashboardSpec {
  return {
    uid: 'kafka-sre-executive',
    title: 'Kafka / Executive overview',
    description: 'Availability, SLO budget, throughput, consumer lag, replication and storage at a glance.',
    tags: ['executive'],
    variables: allVariables,
    from: 'now-24h',
    rows: [
      {
        title: 'Service level',
        panels: [
          stat(
            'Brokers online',
            'Brokers in the cluster metadata (exporter). A drop means a broker left the cluster: KafkaBrokerDown.',
            instant(S.brokersOnline, '{{cluster}}'),
            { w: 4, thresholds: redBelow(1), runbooks: ['KafkaBrokerDown'], drilldowns: ['kafka-sre-oncall'] },
          ),
          stat(
            `SLO budget remaining (${t.sloPeriod})`,
            `Error budget left per SLO over the ${t.sloPeriod} period: 1 - (error ratio / (1 - objective)). Below 0 the objective is missed.`,
            instant(S.sloBudgetRemaining(t.sloPeriod), '{{slo}}'),
            {
              w: 8,
              unit: 'percentunit',
              decimals: 1,
              thresholds: redBelow(0, 0.25),
              runbooks: ['KafkaSLOBudgetBurnFast', 'KafkaSLOBudgetBurnSlow'],
              drilldowns: ['kafka-sre-slo'],
            },
          ),
          stat(
            `SLI (${t.sloPeriod})`,
            `Good events / all events per SLO over the last ${t.sloPeriod}.`,
            instant(S.sloSli(t.sloPeriod), '{{slo}}'),
            { w: 6, unit: 'percentunit', decimals: 3 },
          ),
          stat(
            'Exporter up',
            "Whether the exporter's last collection succeeded; when 0 every exporter panel is stale.",
            instant(`min by (cluster) (${sel(E.exporterUp)})`, '{{cluster}}'),
            {
              w: 6,
              thresholds: redBelow(1),
              valueTexts: [
                { value: 0, text: 'DOWN', color: 'red' },
                { value: 1, text: 'UP', color: 'green' },
              ],
              runbooks: ['KafkaExporterDown'],
            },
          ),
          timeseries(
            'Burn rate (1h)',
            `Error-budget burn rate over 1 h per SLO (1 = burning exactly the budget). Page above ${burnRateFor(t, '1h')}, ticket above ${burnRateFor(t, '1d')} (over 1 d).`,
            q(S.sloBurnRate('1h'), '{{slo}}'),
            {
              w: 12,
              thresholds: redFrom(burnRateFor(t, '1h'), burnRateFor(t, '1d')),
              runbooks: ['KafkaSLOBudgetBurnFast'],
              drilldowns: ['kafka-sre-slo'],
            },
          ),
          timeseries(
            'Burn rate (6h)',
            `Error-budget burn rate over 6 h per SLO. Page above ${burnRateFor(t, '6h')}.`,
            q(S.sloBurnRate('6h'), '{{slo}}'),
            {
              w: 12,
              thresholds: redFrom(burnRateFor(t, '6h'), burnRateFor(t, '1d')),
              runbooks: ['KafkaSLOBudgetBurnFast'],
            },
          ),
        ],
      },
      {
        title: 'Throughput',
        panels: [
          timeseries(
            'Bytes in / out',
            'Bytes per second produced into and fetched out of the selected topics, all brokers (replication excluded).',
            [q(S.bytesIn, 'in'), q(S.bytesOut, 'out')],
            { w: 12, unit: 'Bps' },
          ),
          timeseries(
            'Records in',
            'Records per second appended to the selected topics, all brokers.',
            q(S.messagesIn, 'records/s'),
            { w: 12, unit: 'ops' },
          ),
        ],
      },
      {
        title: 'Consumers, replication, storage',
        panels: [
          bargauge(
            'Lag by consumer group (records)',
            `Records behind the high watermark per group (committed partitions). Red from ${t.consumerLagRecords}: KafkaConsumerLagHigh.`,
            instant(S.lagByGroup, '{{consumergroup}}'),
            {
              w: 8,
              thresholds: redFrom(t.consumerLagRecords),
              runbooks: ['KafkaConsumerLagHigh'],
              drilldowns: ['kafka-sre-lag'],
            },
          ),
          stat(
            'Max lag (seconds)',
            `Age of the oldest unconsumed record, worst group. Red from ${t.consumerLagSeconds} s.`,
            instant(`max(${S.lagSecondsByGroup})`),
            {
              w: 4,
              unit: 's',
              thresholds: redFrom(t.consumerLagSeconds),
              runbooks: ['KafkaConsumerLagSecondsHigh'],
              drilldowns: ['kafka-sre-lag'],
            },
          ),
          stat(
            'Under-replicated partitions',
            'Partitions whose ISR is smaller than the replica set. Anything above 0 for long: KafkaUnderReplicatedPartitions.',
            instant(S.clusterUrp, '{{cluster}}'),
            {
              w: 4,
              thresholds: redFrom(1),
              runbooks: ['KafkaUnderReplicatedPartitions'],
              drilldowns: ['kafka-sre-oncall'],
            },
          ),
          stat(
            'Offline partitions',
            'Partitions without a live leader: unavailable to producers and consumers.',
            instant(S.clusterOffline, '{{cluster}}'),
            { w: 4, thresholds: redFrom(1), runbooks: ['KafkaOfflinePartitions'], drilldowns: ['kafka-sre-oncall'] },
          ),
          gauge(
            'Fullest log directory',
            `Used fraction of the fullest broker log directory. Orange from ${t.diskUsageWarnRatio * 100}%, red from ${t.diskUsageCriticalRatio * 100}%: KafkaDiskUsageHigh.`,
            instant(`max(${S.diskUsedRatio})`),
            {
              w: 4,
              unit: 'percentunit',
              min: 0,
              max: 1,
              thresholds: redFrom(t.diskUsageCriticalRatio, t.diskUsageWarnRatio),
              runbooks: ['KafkaDiskUsageHigh'],
              drilldowns: ['kafka-sre-oncall'],
            },
          ),
          timeseries(
            'Stored bytes by broker',
            'Bytes held in log directories per broker (DescribeLogDirs), all replicas.',
            q(`sum by (cluster, broker) (${sel(E.logDirSizeBytes)})`, 'broker {{broker}}'),
            { w: 12, unit: 'bytes' },
          ),
          timeseries(
            'Disk used by broker',
            'Used fraction of each log directory over time.',
            q(`max by (cluster, broker) (${S.diskUsedRatio})`, 'broker {{broker}}'),
            {
              w: 12,
              unit: 'percentunit',
              min: 0,
              max: 1,
              thresholds: redFrom(t.diskUsageCriticalRatio, t.diskUsageWarnRatio),
              runbooks: ['KafkaDiskUsageHigh', 'KafkaDiskFillingUp'],
            },
          ),
        ],
      },
    ],
  };
}
