// Alert rules, SLOs, Alertmanager routing and the scrape config the rules assume (alerts/ owns
// this section). The exporter reads `slos` from here too, so rules and the exporter's own
// burn-rate estimate always describe the same objectives.
import { z } from 'zod';
import { defaultPorts } from '../../ports.js';
import { DEFAULT_SLO_WINDOW } from '../../slo/burn-rate-windows.js';
import { port } from '../types.js';

/** A Prometheus duration such as 30s, 5m, 1h30m, 3d. */
export const promDuration = z.string().regex(/^(\d+(ms|s|m|h|d|w|y))+$/, 'a Prometheus duration such as 30s, 5m, 1h');
/** A PromQL label-matcher list without braces, e.g. `job="kafka-broker"` (may be empty). */
const matchers = z
  .string()
  .regex(
    /^\s*$|^\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(=|!=|=~|!~)\s*"/,
    'PromQL label matchers without braces, e.g. job="kafka-broker"',
  );
/** SLO name: used as the `slo` label value and in rule names. */
const sloName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, - and _');
/** An SLO window such as 30d or 28d: the error-budget period. */
const sloWindow = z.string().regex(/^[1-9]\d?d$/, 'whole days, e.g. 30d or 28d');
const objective = z.number().gt(0.5).lt(1);

const sloBase = {
  name: sloName,
  objective: objective.describe('target good-event ratio, e.g. 0.999'),
  window: sloWindow.default(DEFAULT_SLO_WINDOW).describe('error-budget period'),
  description: z.string().default(''),
};

/** The SLIs the exporter can measure (docs/metrics.md, "SLIs and burn rates"): one discriminated shape per kind. */
export const sloSchema = z.discriminatedUnion('sli', [
  z
    .strictObject({ ...sloBase, sli: z.literal('produce_availability') })
    .describe('probe produce (acks=all) attempts that succeeded'),
  z.strictObject({
    ...sloBase,
    sli: z.literal('e2e_latency'),
    thresholdSeconds: z
      .number()
      .positive()
      .default(1)
      .describe('a probe record is good when produce-to-consume takes at most this long'),
  }),
  z.strictObject({
    ...sloBase,
    sli: z.literal('consumer_lag'),
    maxLagSeconds: z
      .number()
      .positive()
      .default(60)
      .describe('a group/partition sample is good when its lag in seconds is at most this'),
    consumerGroups: z.string().default('.+').describe('regular expression selecting the consumer groups measured'),
  }),
  z.strictObject({
    ...sloBase,
    sli: z.literal('broker_availability'),
    expectedBrokers: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('brokers expected in metadata (0: the most ever seen)'),
  }),
]);
export type SloDefinition = z.infer<typeof sloSchema>;
export type SliKind = SloDefinition['sli'];

export const defaultSlos: z.input<typeof sloSchema>[] = [
  {
    name: 'produce-availability',
    sli: 'produce_availability',
    objective: 0.999,
    description: 'Probe records produced with acks=all succeed',
  },
  {
    name: 'e2e-latency',
    sli: 'e2e_latency',
    objective: 0.99,
    thresholdSeconds: 1,
    description: 'Probe records are consumed within 1 s of being produced',
  },
  {
    name: 'consumer-lag',
    sli: 'consumer_lag',
    objective: 0.99,
    maxLagSeconds: 60,
    description: 'Consumer groups stay within 60 s of the head of their partitions',
  },
  {
    name: 'broker-availability',
    sli: 'broker_availability',
    objective: 0.999,
    description: 'Every expected broker is registered and reachable',
  },
];

const thresholds = z.strictObject({
  diskUsedRatio: z.number().gt(0).lt(1).default(0.85).describe('KafkaDiskUsageHigh: used/capacity of a log directory'),
  diskFillHorizonHours: z
    .number()
    .positive()
    .default(24)
    .describe('KafkaDiskFillingUp: predicted full within this many hours'),
  diskFillLookback: promDuration.default('6h').describe('KafkaDiskFillingUp: trend window'),
  diskFillMinUsedRatio: z
    .number()
    .min(0)
    .lt(1)
    .default(0.5)
    .describe('KafkaDiskFillingUp: only for log directories already this full'),
  consumerLagRecords: z
    .number()
    .positive()
    .default(1000)
    .describe('KafkaConsumerLagHigh: lag (records) per group and topic'),
  consumerLagSeconds: z
    .number()
    .positive()
    .default(60)
    .describe('KafkaConsumerLagSecondsHigh: age of the oldest unconsumed record'),
  stuckReconciliationMinutes: z
    .number()
    .int()
    .min(1)
    .default(10)
    .describe(
      'KafkaConsumerGroupReconciliationStuck: minutes a consumer-protocol (KIP-848) group may stay in Assigning/Reconciling (beyond the 5-minute default rebalance timeout)',
    ),
  shareGroupLagRecords: z
    .number()
    .positive()
    .default(1000)
    .describe('KafkaShareGroupLagHigh: share-group lag (records) per group and topic'),
  shareGroupLagGrowthPerSecond: z
    .number()
    .positive()
    .default(1)
    .describe('KafkaShareGroupLagGrowing: sustained growth of share-group lag (records per second over 15 minutes)'),
  rebalancingMinutes: z
    .number()
    .int()
    .min(1)
    .default(4)
    .describe(
      'KafkaConsumerGroupRebalancing: minutes (samples of windows.rebalancingStep) out of windows.rebalancing spent rebalancing',
    ),
  lsoStuckMinutes: z
    .number()
    .int()
    .min(1)
    .default(10)
    .describe(
      'KafkaLastStableOffsetStuck: minutes the last stable offset may stay put while the high watermark moves (a transaction open that long)',
    ),
  transactionAbortsPerHour: z
    .number()
    .positive()
    .default(5)
    .describe(
      'KafkaTransactionAbortRateHigh: aborts per transactional id in an hour (kafka_transaction_aborts_total, a lower bound: the aborts the exporter saw)',
    ),
  hotPartitionFactor: z
    .number()
    .gt(1)
    .default(2)
    .describe('KafkaHotPartition: partition rate above this multiple of the topic average'),
  hotPartitionMinRate: z
    .number()
    .min(0)
    .default(10)
    .describe('KafkaHotPartition: ignore partitions below this many records/s'),
  requestLatencyMs: z
    .number()
    .positive()
    .default(500)
    .describe('KafkaRequestLatencyHigh: total time at the quantile (ms)'),
  requestLatencyQuantile: z.enum(['0.50', '0.75', '0.95', '0.98', '0.99', '0.999']).default('0.99'),
  requestLatencyRequests: z
    .string()
    .default('Produce')
    .describe('KafkaRequestLatencyHigh: request types (regex); Fetch includes long-poll wait, so it is left out'),
  requestLatencyMinRate: z
    .number()
    .min(0)
    .default(0.1)
    .describe('KafkaRequestLatencyHigh: ignore request types below this many requests/s'),
  pauseP99Seconds: z.number().positive().default(0.2).describe('KafkaBrokerPaused: p99 event-loop delay'),
  pauseMaxSeconds: z.number().positive().default(1).describe('KafkaBrokerPaused: longest single pause'),
  gcTimeRatio: z.number().gt(0).lt(1).default(0.1).describe('KafkaBrokerPaused: fraction of time spent in GC'),
  pauseStallRatio: z
    .number()
    .gt(0)
    .lt(1)
    .default(0.1)
    .describe('KafkaBrokerPaused: fraction of windows.pause the event loop was stalled (sum of timer lateness)'),
  requestHandlerIdleRatio: z
    .number()
    .gt(0)
    .lt(1)
    .default(0.2)
    .describe('KafkaRequestHandlerSaturated: handler idle below this'),
  authFailuresPerSecond: z
    .number()
    .min(0)
    .default(0)
    .describe('KafkaAuthorizationFailures / KafkaAuthenticationFailures: rate above this'),
  probeFailureRatio: z
    .number()
    .gt(0)
    .lt(1)
    .default(0.1)
    .describe('KafkaEndToEndProbeFailing: failed/attempted probe produces'),
  topicIdle: promDuration
    .default('30m')
    .describe('KafkaTopicNoNewMessages: no new record for this long (after traffic in the day before)'),
  topicIdleTopics: z
    .string()
    .default('[^_].*')
    .describe('KafkaTopicNoNewMessages: topics watched (regex; internal __ topics excluded)'),
  preferredLeaderImbalanceRatio: z
    .number()
    .gt(0)
    .lt(1)
    .default(0.1)
    .describe('KafkaPreferredLeaderImbalance: share of partitions not led by their preferred replica'),
  exporterStaleSeconds: z
    .number()
    .positive()
    .default(300)
    .describe('KafkaExporterCollectionStale: seconds since the last successful collection'),
});
export type AlertThresholds = z.infer<typeof thresholds>;

/**
 * Look-back windows of the rules. The defaults suit production (15 s scrapes, pages that must not
 * flap); a game day with 1 s scrapes shortens them so an alert fires and clears within a minute of
 * the fault and its rollback (test/gameday-library.test.ts).
 */
const windows = z.strictObject({
  rate: promDuration
    .default('5m')
    .describe(
      'rate() window of the event alerts (ISR shrinks, follower fetch errors, authorization/authentication failures, pause and GC time, hot partitions, latency traffic); an alert clears about this long after the last event',
    ),
  pause: promDuration
    .default('5m')
    .describe(
      'KafkaBrokerPaused: window of the event-loop stall ratio; a game day uses a few seconds so one short pause stands out from scheduling noise',
    ),
  pauseHold: promDuration
    .optional()
    .describe(
      'KafkaBrokerPaused: keep the highest stall ratio of this long (max_over_time); with a window of a few seconds a pause is above the threshold only briefly',
    ),
  rebalancing: promDuration.default('15m').describe('KafkaConsumerGroupRebalancing: look-back window'),
  rebalancingStep: promDuration
    .default('1m')
    .describe('KafkaConsumerGroupRebalancing: sampling step (thresholds.rebalancingMinutes counts samples)'),
});
export type AlertWindows = z.infer<typeof windows>;

const override = z.strictObject({
  for: promDuration.optional().describe('how long the condition must hold'),
  severity: z.enum(['page', 'ticket']).optional(),
  disabled: z.boolean().optional(),
});

const clusterTargets = z.strictObject({
  name: z.string().min(1).describe('value of the `cluster` label'),
  brokers: z.array(z.string().min(1)).default([]).describe('broker /metrics host:port targets'),
  exporters: z.array(z.string().min(1)).default([]).describe('exporter /metrics host:port targets for this cluster'),
  gameday: z
    .array(z.string().min(1))
    .default([])
    .describe(
      'game-day runner /metrics host:port targets (`kafka-sre chaos run --metrics-port`) drilling this cluster',
    ),
  proxies: z
    .array(z.string().min(1))
    .default([])
    .describe('fault proxy API host:port targets (`kafka-sre chaos proxy --proxy-metrics`) in front of this cluster'),
});

export const alertsSection = z.strictObject({
  selectors: z
    .strictObject({
      broker: matchers.default('job="kafka-broker"').describe('matchers selecting broker series'),
      exporter: matchers.default('job="kafka-exporter"').describe('matchers selecting exporter series'),
      node: matchers
        .default('job="node",mountpoint=~"/var/lib/kafka.*"')
        .describe('matchers selecting node_exporter filesystem series of the log-dir mounts'),
    })
    .prefault({}),
  runbookBaseUrl: z.string().default('').describe('prefix of runbook_url (empty: relative docs/runbooks path)'),
  dashboardBaseUrl: z
    .string()
    .default('')
    .describe('Grafana base URL for the dashboard annotation (empty: relative /d/<uid>)'),
  thresholds: thresholds.prefault({}),
  windows: windows.prefault({}),
  overrides: z
    .record(z.string().regex(/^Kafka[A-Za-z]+$/), override)
    .default({})
    .describe('per-alert for/severity/disabled, keyed by alert name'),
  slos: z.array(sloSchema).default(() => defaultSlos.map((s) => sloSchema.parse(s))),
  slo: z
    .strictObject({
      fastBurnFor: promDuration.default('2m'),
      slowBurnFor: promDuration.default('15m'),
    })
    .prefault({}),
  evaluationInterval: promDuration.default('30s'),
  alertmanager: z
    .strictObject({
      pageWebhookUrl: z.string().default('').describe('webhook for page notifications (empty: no integration)'),
      ticketWebhookUrl: z.string().default('').describe('webhook for ticket notifications (empty: no integration)'),
      groupWait: promDuration.default('30s'),
      groupInterval: promDuration.default('5m'),
      pageRepeatInterval: promDuration.default('1h'),
      ticketRepeatInterval: promDuration.default('12h'),
    })
    .prefault({}),
  scrape: z
    .strictObject({
      interval: promDuration.default('15s'),
      brokerJob: z.string().default('kafka-broker'),
      exporterJob: z.string().default('kafka-exporter'),
      gamedayJob: z
        .string()
        .default('kafka-sre-gameday')
        .describe('job scraping the game-day runners (kafka_sre_gameday_*)'),
      proxyJob: z.string().default('kafka-sre-proxy').describe('job scraping the fault proxies (toxiproxy_proxy_*)'),
      gamedayMetricsPort: port
        .default(defaultPorts.gamedayMetrics)
        .describe(
          'reference cluster only (no clusters listed): the runner metrics port game days pass to `chaos run --metrics-port` (0: no game-day job)',
        ),
      alertmanagers: z.array(z.string()).default(['127.0.0.1:9093']),
      clusters: z
        .array(clusterTargets)
        .default([])
        .describe(
          'targets per cluster (empty: the reference cluster from the broker, exporter and proxy sections, cluster "local")',
        ),
    })
    .prefault({}),
  up: z
    .strictObject({
      prometheusPort: port
        .default(defaultPorts.prometheus)
        .describe('Prometheus started by `kafka-sre up` (0: a free port)'),
      alertmanagerPort: port
        .default(defaultPorts.alertmanager)
        .describe('Alertmanager started by `kafka-sre up` (0: a free port)'),
      dir: z
        .string()
        .min(1)
        .default('.kafka-sre/alerting')
        .describe('generated config and Prometheus/Alertmanager storage for `up`'),
    })
    .prefault({}),
  kubernetes: z
    .strictObject({
      name: z.string().default('kafka-sre'),
      namespace: z.string().default(''),
      labels: z.record(z.string(), z.string()).default({ role: 'alert-rules', app: 'kafka-sre' }),
    })
    .prefault({}),
});
export type AlertsConfig = z.infer<typeof alertsSection>;
