// On-call: what is broken right now and where. Every panel that backs an alert links its runbook.
import { brokerMetrics as B, exporterMetrics as E, GroupStatus } from '../../common/metrics/index.js';
import { groupStatusTexts } from '../burrow-status.js';
import { instant, q, redBelow, redFrom, stat, stateTimeline, timeseries } from '../panels.js';
import { rate, sel } from '../promql.js';
import * as S from '../signals.js';
import { redAboveRate, type DashboardThresholds } from '../thresholds.js';
import { allVariables, type DashboardSpec } from '../types.js';
import { groupsByTypeAndStatePanel, shareLagPanel } from './group-types.js';
import { hangingTransactionsPanel, lsoLagTopPanel } from './transactions.js';

export function oncallDashboard(t: DashboardThresholds): DashboardSpec {
  return {
    uid: 'kafka-sre-oncall',
    title: 'Kafka / On-call',
    description:
      'What is broken now: availability, lag, replication, controller, errors, disk, pauses, security and the end-to-end probe.',
    tags: ['oncall'],
    variables: allVariables,
    from: 'now-3h',
    rows: [
      {
        title: 'Cluster health',
        panels: [
          stat(
            'Brokers online',
            'Brokers in the cluster metadata. Fewer than expected: KafkaBrokerDown.',
            instant(S.brokersOnline, '{{cluster}}'),
            { w: 3, thresholds: redBelow(1), runbooks: ['KafkaBrokerDown'] },
          ),
          stat(
            'Active controllers',
            'Brokers that are the active controller. Exactly 1 is healthy; 0 means no controller (KafkaNoActiveController).',
            instant(S.activeControllers),
            {
              w: 3,
              thresholds: [
                { value: null, color: 'red' },
                { value: 1, color: 'green' },
                { value: 2, color: 'red' },
              ],
              runbooks: ['KafkaNoActiveController'],
            },
          ),
          stat(
            'Under-replicated',
            'Partitions whose ISR is smaller than the replica set.',
            instant(S.clusterUrp, '{{cluster}}'),
            { w: 3, thresholds: redFrom(1), runbooks: ['KafkaUnderReplicatedPartitions'] },
          ),
          stat(
            'Under min ISR',
            'Partitions whose ISR is below min.insync.replicas: acks=all produces fail.',
            instant(S.clusterUnderMinIsr, '{{cluster}}'),
            { w: 3, thresholds: redFrom(1), runbooks: ['KafkaUnderMinIsrPartitions'] },
          ),
          stat(
            'At min ISR',
            'Partitions whose ISR equals min.insync.replicas: one more lost replica stops acks=all produces.',
            instant(`sum by (cluster) (${sel(E.partitionAtMinIsr)})`, '{{cluster}}'),
            { w: 3, thresholds: redFrom(1), runbooks: ['KafkaAtMinIsrPartitions'] },
          ),
          stat('Offline partitions', 'Partitions without a live leader.', instant(S.clusterOffline, '{{cluster}}'), {
            w: 3,
            thresholds: redFrom(1),
            runbooks: ['KafkaOfflinePartitions'],
          }),
          stat(
            'Offline log dirs',
            'Broker log directories taken offline after a storage error.',
            instant(S.offlineLogDirs),
            { w: 3, thresholds: redFrom(1), runbooks: ['KafkaLogDirectoryOffline'] },
          ),
          stat(
            'Exporter up',
            "Whether the exporter's last collection succeeded; when DOWN the exporter panels are stale.",
            instant(`min by (cluster) (${sel(E.exporterUp)})`, '{{cluster}}'),
            {
              w: 3,
              thresholds: redBelow(1),
              valueTexts: [
                { value: 0, text: 'DOWN', color: 'red' },
                { value: 1, text: 'UP', color: 'green' },
              ],
              runbooks: ['KafkaExporterDown'],
            },
          ),
        ],
      },
      {
        title: 'Consumer lag',
        panels: [
          timeseries(
            'Lag per group (records)',
            `Records behind per consumer group. Red line at ${t.consumerLagRecords}.`,
            q(S.lagByGroup, '{{consumergroup}}'),
            {
              thresholds: redFrom(t.consumerLagRecords),
              runbooks: ['KafkaConsumerLagHigh'],
              drilldowns: ['kafka-sre-lag'],
            },
          ),
          timeseries(
            'Lag per group (seconds)',
            `Age of the oldest unconsumed record per group. Red line at ${t.consumerLagSeconds} s.`,
            q(S.lagSecondsByGroup, '{{consumergroup}}'),
            {
              unit: 's',
              thresholds: redFrom(t.consumerLagSeconds),
              runbooks: ['KafkaConsumerLagSecondsHigh'],
              drilldowns: ['kafka-sre-lag'],
            },
          ),
          stateTimeline(
            'Lag status',
            'Burrow-style group status: OK, WARN (lag growing), ERR (a partition stalled or stopped).',
            q(`max by (consumergroup) (${sel(E.consumerGroupStatus)})`, '{{consumergroup}}'),
            {
              w: 8,
              valueTexts: groupStatusTexts,
              thresholds: redFrom(GroupStatus.ERR, GroupStatus.WARN),
              runbooks: ['KafkaConsumerStalled'],
              drilldowns: ['kafka-sre-lag'],
            },
          ),
          groupsByTypeAndStatePanel(),
          shareLagPanel(t),
        ],
      },
      {
        title: 'Transactions',
        panels: [hangingTransactionsPanel(), lsoLagTopPanel()],
      },
      {
        title: 'Replication, controller, elections',
        panels: [
          timeseries(
            'Under-replicated partitions per broker',
            'URP led by each broker (broker metric). A broker that stays at 0 while others rise is often the missing follower.',
            q(`sum by (instance) (${sel(B.underReplicatedPartitions)})`, '{{instance}}'),
            { w: 6, thresholds: redFrom(1), runbooks: ['KafkaUnderReplicatedPartitions'] },
          ),
          timeseries(
            'ISR shrinks / expands',
            'ISR changes per second. Shrinks without matching expands mean followers keep falling out.',
            [
              q(`sum by (instance) (${rate(B.isrShrinks)})`, 'shrink {{instance}}'),
              q(`sum by (instance) (${rate(B.isrExpands)})`, 'expand {{instance}}'),
            ],
            { w: 6, unit: 'ops', runbooks: ['KafkaIsrShrinking'] },
          ),
          timeseries(
            'Active controller',
            'Which broker is the active controller (1). A change is a controller failover.',
            q(`max by (instance) (${sel(B.activeControllerCount)})`, '{{instance}}'),
            { w: 6, min: 0, max: 1, runbooks: ['KafkaNoActiveController'] },
          ),
          timeseries(
            'Leader elections',
            'Leader elections per second, and unclean elections (data loss) in the interval.',
            [
              q(`sum(${rate(B.leaderElectionRateAndTimeMs, { suffix: '_count' })})`, 'elections/s'),
              q(`sum(${rate(B.uncleanLeaderElections)})`, 'unclean/s'),
            ],
            { w: 6, unit: 'ops', runbooks: ['KafkaUncleanLeaderElection'] },
          ),
        ],
      },
      {
        title: 'Errors, disk, pauses, security',
        panels: [
          timeseries(
            'Broker request errors',
            'Failed requests per second by request type and error code (error != NONE); zero lines when nothing fails.',
            q(S.requestErrorsByType, '{{request}} {{error}}'),
            { unit: 'ops' },
          ),
          timeseries(
            'Disk used per broker',
            `Used fraction of each log directory. Orange ${t.diskUsageWarnRatio * 100}%, red ${t.diskUsageCriticalRatio * 100}%.`,
            q(`max by (cluster, broker, logdir) (${S.diskUsedRatio})`, 'broker {{broker}} {{logdir}}'),
            {
              unit: 'percentunit',
              min: 0,
              max: 1,
              thresholds: redFrom(t.diskUsageCriticalRatio, t.diskUsageWarnRatio),
              runbooks: ['KafkaDiskUsageHigh', 'KafkaDiskFillingUp'],
            },
          ),
          timeseries(
            'Pause time',
            `Event-loop delay p99 and longest stall per broker, and GC pause p99 (the Node stand-ins for JVM pauses). KafkaBrokerPaused fires above ${t.pauseP99Seconds * 1000} ms p99 (orange line) or a ${t.pauseMaxSeconds} s single pause (red line).`,
            [
              q(S.pauseP99, 'p99 {{instance}}'),
              q(S.pauseMax, 'max {{instance}}'),
              q(S.gcPauseP99, 'gc p99 {{instance}}'),
            ],
            { unit: 's', thresholds: redFrom(t.pauseMaxSeconds, t.pauseP99Seconds), runbooks: ['KafkaBrokerPaused'] },
          ),
          timeseries(
            'Request handler idle',
            `Fraction of time request handler threads are idle. Below ${t.requestHandlerIdleRatio * 100}% the broker is saturated.`,
            q(`min by (instance) (${sel(B.requestHandlerIdle)})`, '{{instance}}'),
            {
              unit: 'percentunit',
              min: 0,
              max: 1,
              thresholds: redBelow(t.requestHandlerIdleRatio),
              runbooks: ['KafkaRequestHandlerSaturated'],
            },
          ),
          timeseries(
            'Authorization failures',
            'Requests denied by ACLs per second (*_AUTHORIZATION_FAILED), by request type.',
            q(S.authorizationFailures, '{{request}}'),
            {
              unit: 'ops',
              thresholds: redFrom(redAboveRate(t.authFailuresPerSecond)),
              runbooks: ['KafkaAuthorizationFailures'],
            },
          ),
          timeseries(
            'Authentication failures',
            'Failed SASL authentications per second by broker and listener.',
            q(S.authenticationFailures, '{{instance}} {{listener}}'),
            {
              unit: 'ops',
              thresholds: redFrom(redAboveRate(t.authFailuresPerSecond)),
              runbooks: ['KafkaAuthenticationFailures'],
            },
          ),
        ],
      },
      {
        title: 'End-to-end probe and exporter',
        panels: [
          timeseries(
            'Probe latency p99',
            `Produce (acks=all) and produce-to-consume latency of the exporter's probe. Red line at ${t.probeRoundtripSeconds} s (the e2e-latency SLO threshold).`,
            [q(S.probeProduceP99, 'produce'), q(S.probeRoundtripP99, 'roundtrip')],
            { w: 6, unit: 's', thresholds: redFrom(t.probeRoundtripSeconds), runbooks: ['KafkaEndToEndProbeFailing'] },
          ),
          timeseries(
            'Probe failure ratio',
            `Failed / attempted probe produces. KafkaEndToEndProbeFailing fires above ${t.probeFailureRatio * 100}%.`,
            q(S.probeFailureRatio, 'failed ratio'),
            {
              w: 6,
              unit: 'percentunit',
              thresholds: redFrom(t.probeFailureRatio),
              runbooks: ['KafkaEndToEndProbeFailing'],
            },
          ),
          timeseries(
            'Probe records lost',
            'Acknowledged probe records never consumed back, per second: data loss (acks, replication or retention).',
            q(S.probeLost, 'lost/s'),
            { w: 6, unit: 'ops', thresholds: redFrom(0.001), runbooks: ['KafkaMessagesLost'] },
          ),
          timeseries(
            'Exporter collection age',
            `Seconds since the exporter's last successful collection. KafkaExporterCollectionStale fires above ${t.exporterStaleSeconds} s.`,
            [q(`time() - max by (cluster) (${sel(E.exporterLastSuccess)})`, 'age {{cluster}}')],
            {
              w: 6,
              unit: 's',
              thresholds: redFrom(t.exporterStaleSeconds),
              runbooks: ['KafkaExporterDown', 'KafkaExporterCollectionStale'],
            },
          ),
        ],
      },
    ],
  };
}
