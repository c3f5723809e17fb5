// Exporter settings (exporter/ owns this section). SLO definitions are not here: the exporter
// reads `alerts.slos`, so the generated rules and the exporter's own burn rates agree.
import { z } from 'zod';
import { defaultPorts } from '../../ports.js';
import { durationMs, port } from '../types.js';

const filter = z
  .strictObject({
    allow: z.array(z.string()).default([]).describe('anchored regular expressions; empty allows all'),
    deny: z.array(z.string()).default([]).describe('anchored regular expressions; a match always excludes'),
  })
  .prefault({});

const sasl = z.strictObject({
  mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
  username: z.string().min(1),
  passwordEnv: z.string().optional().describe('environment variable holding the password (preferred)'),
  passwordFile: z.string().optional().describe('file holding the password'),
  password: z.string().optional().describe('inline password (avoid; never logged)'),
});

const tls = z.strictObject({
  enabled: z.boolean().default(true),
  caFile: z.string().optional(),
  certFile: z.string().optional(),
  keyFile: z.string().optional(),
  insecureSkipVerify: z.boolean().default(false).describe('accept any server certificate (testing only)'),
  serverName: z.string().optional(),
});

export const exporterClusterSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits, _ . : -')
    .describe('value of the `cluster` label'),
  bootstrap: z
    .array(z.string().regex(/^(\[[^\]]+\]|[^:,\s]+):\d{1,5}$/, 'host:port'))
    .min(1)
    .describe('bootstrap brokers host:port'),
  clientId: z.string().optional(),
  tls: tls.optional(),
  sasl: sasl.optional(),
  connectionTimeoutMs: durationMs.default(3000),
  requestTimeoutMs: durationMs.default(10_000),
});
export type ExporterClusterConfig = z.infer<typeof exporterClusterSchema>;

export const exporterSection = z.strictObject({
  port: port.default(defaultPorts.exporter).describe('/metrics port'),
  host: z
    .string()
    .default('127.0.0.1')
    .describe('bind address of /metrics (loopback by default; 0.0.0.0 to let another host scrape it)'),
  intervalMs: durationMs.min(1000).default(15_000).describe('collection interval'),
  clusters: z
    .array(exporterClusterSchema)
    .default([])
    .describe('clusters to collect (empty: --bootstrap, else the reference cluster)'),
  topics: filter.describe('topic allow/deny filter (applies to lag series too)'),
  groups: filter.describe('consumer group allow/deny filter'),
  includeInternalTopics: z.boolean().default(false).describe('collect __consumer_offsets and other internal topics'),
  seriesLimit: z.number().int().min(100).default(200_000).describe('cardinality guard: most series per cluster'),
  aggregateLagToTopic: z
    .boolean()
    .default(false)
    .describe('only topic-level lag series (no per-partition group series)'),
  readCommittedGroups: z
    .array(z.string())
    .default([])
    .describe(
      "consumer groups (anchored regular expressions) whose consumers read with isolation.level=read_committed: their lag is measured to the last stable offset, not the high watermark (the broker does not know a consumer's isolation level)",
    ),
  statusWindow: z
    .number()
    .int()
    .min(2)
    .max(100)
    .default(10)
    .describe('observations per partition for the Burrow-style status'),
  groupConcurrency: z
    .number()
    .int()
    .min(1)
    .max(64)
    .default(8)
    .describe('OffsetFetch requests in flight per coordinator'),
  describeIntervalMs: durationMs
    .optional()
    .describe(
      'DescribeConfigs (min.insync.replicas) and DescribeLogDirs (log sizes, offline log dirs) at most this often (default: 4 collection intervals; 0: every cycle); new topics and brokers at once',
    ),
  readRecordTimestamps: z
    .boolean()
    .default(true)
    .describe('read the record at the committed offset for exact lag seconds'),
  transactions: z
    .strictObject({
      enabled: z
        .boolean()
        .default(true)
        .describe('transaction series from ListTransactions, DescribeTransactions and DescribeProducers (KIP-664)'),
      intervalMs: durationMs
        .optional()
        .describe(
          'read the transaction APIs at most this often (default: 4 collection intervals; 0: every collection); open ages grow between reads',
        ),
      hangingMarginMs: durationMs
        .default(60_000)
        .describe(
          'a transaction open longer than its timeout plus this, or open on a partition this long while no coordinator lists it, is hanging',
        ),
      maxTransactionalIds: z
        .number()
        .int()
        .min(0)
        .default(1000)
        .describe('most transactional ids with series per cluster (open transactions first)'),
    })
    .prefault({}),
  probe: z
    .strictObject({
      enabled: z.boolean().default(false).describe('end-to-end probe (on in `up`)'),
      topic: z.string().default('_kafka_sre_probe'),
      groupId: z.string().default('kafka-sre-probe'),
      intervalMs: durationMs.min(100).default(1000).describe('one acks=all produce per partition per interval'),
      lossTimeoutMs: durationMs
        .min(1000)
        .default(30_000)
        .describe('an acknowledged record not consumed within this is lost'),
      replicationFactor: z.number().int().min(0).default(0).describe('probe topic replication (0: min(3, brokers))'),
    })
    .prefault({}),
  coordination: z
    .strictObject({
      group: z
        .string()
        .min(1)
        .optional()
        .describe(
          'consumer group the exporter replicas join to split the work (unset: this process exports everything)',
        ),
      topic: z
        .string()
        .min(1)
        .default('_kafka_sre_exporter_shards')
        .describe(
          'coordination topic: its partitions are the shards (created when missing; an existing one is used as is)',
        ),
      partitions: z
        .number()
        .int()
        .min(1)
        .max(1000)
        .default(24)
        .describe('partitions of a created coordination topic: the most replicas that get a share'),
      replicationFactor: z
        .number()
        .int()
        .min(0)
        .default(0)
        .describe('of a created coordination topic (0: min(3, brokers))'),
      sessionTimeoutMs: durationMs.min(1000).default(10_000).describe('a replica silent this long loses its shards'),
      heartbeatIntervalMs: durationMs.min(100).default(3000),
      rebalanceTimeoutMs: durationMs
        .min(1000)
        .default(10_000)
        .describe('how long a rebalance waits for every replica to rejoin'),
    })
    .prefault({}),
  otel: z
    .strictObject({
      traces: z
        .enum(['auto', 'on', 'off'])
        .default('auto')
        .describe('OTLP traces; auto: on when OTEL_TRACES_EXPORTER or OTEL_EXPORTER_OTLP_ENDPOINT is set'),
      metrics: z
        .enum(['auto', 'on', 'off'])
        .default('auto')
        .describe('OTLP metrics alongside Prometheus; auto: on when OTEL_METRICS_EXPORTER is set'),
    })
    .prefault({}),
});
export type ExporterConfig = z.infer<typeof exporterSection>;
