// Debug: per-partition and per-request detail for finding the cause once on-call shows a symptom.
import { brokerMetrics as B, exporterMetrics as E, type MetricDef } from '../../common/metrics/index.js';
import { heatmap, instant, q, redBelow, redFrom, stateTimeline, table, timeseries } from '../panels.js';
import { offsetRate, rate, sel, summaryQuantile } from '../promql.js';
import type { DashboardThresholds } from '../thresholds.js';
import { allVariables, type DashboardSpec } from '../types.js';
import { transactionDebugPanels } from './transactions.js';

const partitionRate = `sum by (cluster, topic, partition) (${offsetRate(E.partitionCurrentOffset)})`;
const produceFetch = { request: ['=~', 'Produce|Fetch|FetchConsumer|FetchFollower'] as const };

export function debugDashboard(t: DashboardThresholds): DashboardSpec {
  const p99 = (def: MetricDef, legend: string) =>
    q(`max by (request) (${summaryQuantile(def, '0.99', { where: { request: 'Produce' } })})`, legend);
  return {
    uid: 'kafka-sre-debug',
    title: 'Kafka / Debug',
    description:
      'Per-partition throughput and skew, request latency by phase, queues and idle, replica fetchers, log sizes and the rebalance timeline.',
    tags: ['debug'],
    variables: allVariables,
    from: 'now-1h',
    rows: [
      {
        title: 'Partitions',
        panels: [
          timeseries(
            'Records in per topic',
            "Growth of each topic's high watermarks (records/s). A topic that drops to 0 after steady traffic: KafkaTopicNoNewMessages.",
            q(`sum by (cluster, topic) (${offsetRate(E.partitionCurrentOffset)})`, '{{topic}}'),
            { w: 12, unit: 'ops', runbooks: ['KafkaTopicNoNewMessages'] },
          ),
          timeseries(
            'Records in per partition',
            "Growth of each partition's high watermark (records/s), from the exporter.",
            q(partitionRate, '{{topic}}/{{partition}}'),
            { w: 12, unit: 'ops', runbooks: ['KafkaHotPartition'] },
          ),
          timeseries(
            'Partition skew per topic',
            `Busiest partition's rate over the topic's mean partition rate. Red from ${t.hotPartitionFactor}: KafkaHotPartition (bad key choice).`,
            q(`max by (cluster, topic) (${partitionRate}) / avg by (cluster, topic) (${partitionRate})`, '{{topic}}'),
            { w: 12, thresholds: redFrom(t.hotPartitionFactor), runbooks: ['KafkaHotPartition'] },
          ),
          table(
            'Log size per partition',
            'Bytes per partition log on its leader broker (broker metric), largest first.',
            instant(`sort_desc(sum by (topic, partition) (${sel(B.logSize)}))`, undefined, { format: 'table' }),
            { w: 12, unit: 'bytes' },
          ),
          timeseries(
            'Log size per partition over time',
            'Top 10 partitions by size across replicas (exporter, DescribeLogDirs).',
            q(
              `topk(10, sum by (cluster, topic, partition) (${sel(E.partitionLogSizeBytes)}))`,
              '{{topic}}/{{partition}}',
            ),
            { w: 24, unit: 'bytes' },
          ),
        ],
      },
      {
        title: 'Transactions',
        panels: transactionDebugPanels(),
      },
      {
        title: 'Requests',
        panels: [
          timeseries(
            `Request latency p${Number(t.requestLatencyQuantile) * 100} by request`,
            `Total request time at the ${t.requestLatencyQuantile} quantile per request type (worst broker). KafkaRequestLatencyHigh watches ${t.requestLatencyRequests} above ${t.requestLatencyMs} ms (red line).`,
            q(`max by (request) (${summaryQuantile(B.totalTimeMs, t.requestLatencyQuantile)})`, '{{request}}'),
            { unit: 'ms', thresholds: redFrom(t.requestLatencyMs), runbooks: ['KafkaRequestLatencyHigh'] },
          ),
          timeseries(
            'Produce and fetch latency quantiles',
            'p50, p95 and p99 total time of produce and fetch requests.',
            [
              q(
                `max by (request) (${summaryQuantile(B.totalTimeMs, '0.50', { where: produceFetch })})`,
                '{{request}} p50',
              ),
              q(
                `max by (request) (${summaryQuantile(B.totalTimeMs, '0.95', { where: produceFetch })})`,
                '{{request}} p95',
              ),
              q(
                `max by (request) (${summaryQuantile(B.totalTimeMs, '0.99', { where: produceFetch })})`,
                '{{request}} p99',
              ),
            ],
            { unit: 'ms', thresholds: redFrom(t.requestLatencyMs) },
          ),
          timeseries(
            'Produce latency by phase (p99)',
            'Where produce time goes: request queue, local append, remote (waiting for followers with acks=all), response queue, send.',
            [
              p99(B.requestQueueTimeMs, 'request queue'),
              p99(B.localTimeMs, 'local'),
              p99(B.remoteTimeMs, 'remote'),
              p99(B.responseQueueTimeMs, 'response queue'),
              p99(B.responseSendTimeMs, 'send'),
            ],
            { unit: 'ms', stack: true },
          ),
          timeseries(
            'Requests per second by type',
            'Request rate per API.',
            q(`sum by (request) (${rate(B.requests)})`, '{{request}}'),
            { unit: 'reqps' },
          ),
          timeseries(
            'Request and response queues',
            'Requests waiting for a handler thread, responses waiting to be sent, per broker.',
            [
              q(`sum by (instance) (${sel(B.requestQueueSize)})`, 'requests {{instance}}'),
              q(`sum by (instance) (${sel(B.responseQueueSize)})`, 'responses {{instance}}'),
            ],
          ),
          timeseries(
            'Handler and network idle',
            `Idle fraction of request handlers and network processors. Below ${t.requestHandlerIdleRatio * 100}% the broker is saturated.`,
            [
              q(`min by (instance) (${sel(B.requestHandlerIdle)})`, 'handlers {{instance}}'),
              q(`min by (instance) (${sel(B.networkProcessorIdle)})`, 'network {{instance}}'),
            ],
            {
              unit: 'percentunit',
              min: 0,
              max: 1,
              thresholds: redBelow(t.requestHandlerIdleRatio),
              runbooks: ['KafkaRequestHandlerSaturated'],
            },
          ),
        ],
      },
      {
        title: 'Replication',
        panels: [
          timeseries(
            'Replica fetcher max lag',
            'Records the follower fetchers of each broker are behind their leaders.',
            q(`max by (instance, clientid) (${sel(B.replicaFetcherMaxLag)})`, '{{instance}} {{clientid}}'),
            { w: 6, runbooks: ['KafkaIsrShrinking'] },
          ),
          timeseries(
            'Replica fetch problems',
            'Failed follower fetch requests per second and partitions whose fetch is failing.',
            [
              q(`sum by (instance) (${rate(B.followerFetchErrors)})`, 'fetch errors/s {{instance}}'),
              q(`sum by (instance) (${sel(B.replicaFetcherFailedPartitions)})`, 'failed partitions {{instance}}'),
            ],
            { w: 6, runbooks: ['KafkaUnderReplicatedPartitions'] },
          ),
          timeseries(
            'Replication traffic',
            'Bytes per second served to followers and fetched as follower, per broker.',
            [
              q(`sum by (instance) (${rate(B.replicationBytesOut)})`, 'out {{instance}}'),
              q(`sum by (instance) (${rate(B.replicationBytesIn)})`, 'in {{instance}}'),
            ],
            { w: 6, unit: 'Bps' },
          ),
          timeseries(
            'Preferred leader imbalance',
            `Share of partitions not led by their preferred replica. KafkaPreferredLeaderImbalance fires above ${t.preferredLeaderImbalanceRatio * 100}%.`,
            q(
              `sum by (cluster) (1 - ${sel(E.partitionLeaderIsPreferred)}) / count by (cluster) (${sel(E.partitionLeaderIsPreferred)})`,
              '{{cluster}}',
            ),
            {
              w: 6,
              unit: 'percentunit',
              thresholds: redFrom(t.preferredLeaderImbalanceRatio),
              runbooks: ['KafkaPreferredLeaderImbalance'],
            },
          ),
        ],
      },
      {
        title: 'End-to-end probe',
        panels: [
          heatmap(
            'Probe roundtrip latency distribution',
            "Produce-to-consume latency of the exporter's probe records, per histogram bucket. A band moving up is the whole path slowing down.",
            q(`sum by (le) (${rate(E.probeRoundtripLatency, { suffix: '_bucket' })})`, '{{le}}', { format: 'heatmap' }),
            { w: 12, unit: 's', runbooks: ['KafkaEndToEndProbeFailing'] },
          ),
          heatmap(
            'Probe produce latency distribution',
            'Produce (acks=all) latency of the probe per bucket: replication and disk time on the leader.',
            q(`sum by (le) (${rate(E.probeProduceLatency, { suffix: '_bucket' })})`, '{{le}}', { format: 'heatmap' }),
            { w: 12, unit: 's' },
          ),
        ],
      },
      {
        title: 'Consumer groups and rebalances',
        panels: [
          stateTimeline(
            'Rebalance timeline',
            "Each group's state over time (one lane per group and state; coloured while the group is in it). PreparingRebalance / CompletingRebalance lanes are rebalances.",
            q(`max by (consumergroup, state) (${sel(E.consumerGroupState)}) > 0`, '{{consumergroup}} {{state}}'),
            {
              w: 12,
              valueTexts: [{ value: 1, text: 'in state', color: 'blue' }],
              runbooks: ['KafkaConsumerGroupRebalancing'],
            },
          ),
          timeseries(
            'Rebalances per minute',
            'Rebalances started per minute (coordinators). Steady state is 0.',
            q(`sum(${rate(B.rebalances)}) * 60`, 'rebalances/min'),
            { w: 6, runbooks: ['KafkaConsumerGroupRebalancing'] },
          ),
          timeseries(
            'Groups by state',
            'Groups per coordinator state, all brokers.',
            [
              q(`sum(${sel(B.numGroupsStable)})`, 'Stable'),
              q(`sum(${sel(B.numGroupsPreparingRebalance)})`, 'PreparingRebalance'),
              q(`sum(${sel(B.numGroupsCompletingRebalance)})`, 'CompletingRebalance'),
              q(`sum(${sel(B.numGroupsEmpty)})`, 'Empty'),
              q(`sum(${sel(B.numGroupsDead)})`, 'Dead'),
            ],
            { w: 6, stack: true },
          ),
        ],
      },
    ],
  };
}
