// The game-day spec schema (zod 4). Parse -> validate -> model are separate steps (schema/parse.ts
// turns zod issues into line:column errors). Every object is strict: a misspelt field is an error,
// never silently ignored, because a drill that quietly skips a check proves nothing.
import { z } from 'zod';
import { parseDuration } from './duration.js';
import { saslSpec } from './sasl.js';

/** A duration string ("30s", "2m", "500ms") -> milliseconds. */
export const duration = z
  .string({
    error: (iss) =>
      iss.input === undefined ? 'required' : 'durations are strings with a unit, e.g. "30s", "2m", "500ms"',
  })
  .transform((s, ctx) => {
    try {
      return parseDuration(s);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
      return z.NEVER;
    }
  });

const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:9092');
const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL, e.g. http://127.0.0.1:9090' });
const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'names use letters, digits, "_", "." and "-"');
const listener = z.enum(['client', 'replication', 'controller']);

export const loopbackHosts = ['127.0.0.1', 'localhost', '::1'] as const;

const targetCommon = {
  /** Lock and history key; defaults to the bootstrap servers (existing) or "embedded". */
  name: name.optional(),
  /** Hosts the runner may touch (URLs and bootstrap servers). Loopback only unless widened. */
  allowedHosts: z
    .array(z.string().min(1))
    .min(1)
    .default([...loopbackHosts]),
  /** Proxy name per broker listener, Toxiproxy side: placeholders {broker} and {listener}. */
  proxyNaming: z
    .string()
    .includes('{broker}', { message: 'must contain {broker}' })
    .default('broker{broker}-{listener}'),
  /** Where the runner listens for Alertmanager webhooks (expectations.notifications). */
  webhookListen: hostPort.optional(),
};

export const existingTarget = z.strictObject({
  kind: z.literal('existing'),
  ...targetCommon,
  bootstrapServers: z.array(hostPort).min(1),
  prometheusUrl: httpUrl,
  proxyApiUrl: httpUrl.optional(),
  /** The reference cluster launcher's admin API (issue 4); needed by process-level faults. */
  launcherUrl: httpUrl.optional(),
  alertmanagerUrl: httpUrl.optional(),
  /** Credentials of the runner's admin and probe clients on a SASL listener (acl-remove needs a principal allowed to alter ACLs). */
  sasl: saslSpec.optional(),
});

/**
 * The reference cluster the runner starts for the drill and stops afterwards (chaos/embedded):
 * brokers behind a proxy per listener, the exporter, Prometheus with the generated rules at drill
 * speed (1 s intervals, `alertFor` on the alerts the spec names, drill-sized windows).
 */
export const embeddedTarget = z
  .strictObject({
    kind: z.literal('embedded'),
    ...targetCommon,
    // Two or more: process faults need the launcher, which runs a cluster.
    brokers: z.number().int().min(2).max(9).default(3),
    controllers: z.number().int().min(1).max(9).default(3),
    /** `for` of the alerts the spec expects or forbids (production keeps its minutes). */
    alertFor: z
      .string()
      .regex(/^\d+(ms|s|m)$/, 'a Prometheus duration, e.g. "2s"')
      .default('2s'),
    /** `alerts.thresholds` for the drill (e.g. consumerLagRecords: 300). */
    thresholds: z.record(z.string(), z.number()).default({}),
    /** Route the controller listeners through proxies too (needed by broker-isolate). */
    proxyControllers: z.boolean().default(true),
    /** Keep the cluster's directory (data, logs/, TSDB) after the drill, for a post-mortem. */
    keep: z.boolean().default(false),
    /** Log level of the cluster, exporter and their logs/ files (info for a post-mortem of a drill). */
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug']).default('warn'),
  })
  .refine((t) => t.controllers <= t.brokers, {
    message: 'controllers cannot outnumber brokers (every controller is a broker node)',
    path: ['controllers'],
  });

export const targetSchema = z.discriminatedUnion('kind', [existingTarget, embeddedTarget]);

// ---- steady state -------------------------------------------------------------------------
export const comparators = ['==', '!=', '<', '<=', '>', '>='] as const;
const phases = z.array(z.enum(['before', 'during', 'after'])).min(1);

export const prometheusProbe = z.strictObject({
  type: z.literal('prometheus'),
  name,
  /** PromQL; every series of the result must satisfy the comparison (empty result: see ifEmpty). */
  query: z.string().min(1),
  comparator: z.enum(comparators),
  value: z.number(),
  /** Absolute slack added in the comparator's favour (e.g. "< 100" with tolerance 5 accepts 104). */
  tolerance: z.number().min(0).default(0),
  /** What an empty result means: pass (no series = nothing wrong) or fail (metric missing). */
  ifEmpty: z.enum(['pass', 'fail']).default('fail'),
  when: phases.default(['before', 'after']),
});

export const produceConsumeProbe = z.strictObject({
  type: z.literal('produce-consume'),
  name,
  topic: z.string().min(1),
  timeout: duration.default(10_000),
  when: phases.default(['before', 'after']),
});

export const probeSchema = z.discriminatedUnion('type', [prometheusProbe, produceConsumeProbe]);

export const steadyStateSchema = z.strictObject({
  /** How often "during" probes run while faults are active. */
  interval: duration.default(5000),
  probes: z.array(probeSchema).default([]),
});

// ---- load ---------------------------------------------------------------------------------
/** k6 threshold expressions per metric, e.g. { kafka_writer_error_count: ["count<10"] }. */
export const thresholdsSchema = z.record(
  z.string().regex(/^kafka_(writer|reader)_[a-z_]+$/, 'thresholds apply to kafka_writer_* / kafka_reader_* metrics'),
  z.array(z.string().min(1)).min(1),
);

/**
 * Transactional load on the same topic (load/transactions.ts): each producer is its own child
 * process (so a fault can SIGKILL or SIGSTOP it mid-transaction) with transactional id
 * "<transactionalIdPrefix>-<index>"; it opens a transaction, sends `recordsPerTransaction` records,
 * holds it open for `interval` and ends it (so a kill almost always lands mid-transaction).
 * `read_committed` consumers read the topic; the data check (expectations.data) proves every
 * committed record was read and no aborted one is visible.
 */
export const transactionsSchema = z.strictObject({
  producers: z.number().int().min(1).max(16).default(2),
  transactionalIdPrefix: name.default('kafka-sre-gameday-txn'),
  recordsPerTransaction: z.number().int().min(1).max(10_000).default(10),
  /** How long each transaction stays open before it is committed (or aborted). */
  interval: duration.default(1000),
  /** Every Nth transaction of a producer is aborted on purpose (0: none), so aborted records exist to hide. */
  abortEvery: z.number().int().min(0).default(5),
  /**
   * Only the first N producers abort on purpose (default: all). kafkajs 2.2.4's read_committed
   * filter takes one aborted-transaction entry per record, so aborted transactions of two producers
   * that overlap in the log can leak records to a kafkajs consumer fetching from inside both.
   */
  abortingProducers: z.number().int().min(0).optional(),
  /** transaction.timeout.ms of the producers: the coordinator aborts a transaction open longer. */
  transactionTimeout: duration.default(60_000),
  /** The read_committed consumer group (its own group, not load.consumers). */
  consumers: z.strictObject({
    groupId: z.string().min(1),
    count: z.number().int().min(1).default(1),
  }),
});

export const loadSchema = z.strictObject({
  engine: z.enum(['builtin', 'k6']).default('builtin'),
  topic: z.string().min(1),
  /** Create the topic when missing (RF and min ISR make the data check meaningful). */
  createTopic: z
    .strictObject({
      partitions: z.number().int().min(1).default(6),
      replicationFactor: z.number().int().min(1).default(3),
      minInsyncReplicas: z.number().int().min(1).default(2),
    })
    .optional(),
  producers: z.number().int().min(0).default(1),
  /** Records per second over all producers. */
  rate: z.number().positive().default(100),
  recordSize: z.number().int().min(16).max(1_000_000).default(256),
  acks: z.enum(['all', 'leader', 'none']).default('all'),
  keys: z
    .strictObject({
      distribution: z.enum(['none', 'uniform', 'hot']).default('uniform'),
      cardinality: z.number().int().min(1).default(1000),
      /** With distribution "hot": the share of records that carry the hot key. */
      hotKeyShare: z.number().min(0).max(1).default(0.8),
      hotKey: z.string().min(1).default('hot-key'),
    })
    .default({ distribution: 'uniform', cardinality: 1000, hotKeyShare: 0.8, hotKey: 'hot-key' }),
  consumers: z
    .strictObject({
      groupId: z.string().min(1),
      count: z.number().int().min(0).default(1),
    })
    .optional(),
  /** After the last fault's rollback: how long consumers may take to read everything. */
  drainTimeout: duration.default(30_000),
  thresholds: thresholdsSchema.default({}),
  /** SASL for the load clients (what "credentials-revoke" swaps for wrong credentials). */
  sasl: saslSpec.optional(),
  transactions: transactionsSchema.optional(),
});

// ---- faults -------------------------------------------------------------------------------
const brokerTarget = z.strictObject({ broker: z.number().int().min(0) });
const brokerListenerTarget = z.strictObject({ broker: z.number().int().min(0), listener: listener.default('client') });
const proxyTarget = z.strictObject({ proxy: z.string().min(1) });
const networkTarget = z.union([brokerListenerTarget, proxyTarget], {
  error: 'expected { broker: N, listener: client|replication|controller } or { proxy: NAME }',
});
const stream = z.enum(['upstream', 'downstream', 'both']).default('downstream');
const toxicity = z.number().min(0).max(1).default(1);
const groupTarget = z.strictObject({ group: z.string().min(1) });
const topicTarget = z.strictObject({ topic: z.string().min(1) });

const faultCommon = {
  /** Defaults to "<type>-<index>"; expectations refer to faults by this name. */
  name: name.optional(),
  /** Offset from the start of the inject phase. */
  start: duration.default(0),
  duration,
};

function fault<T extends string, Tg extends z.ZodType, P extends z.ZodType>(type: T, target: Tg, params: P) {
  return z.strictObject({ type: z.literal(type), ...faultCommon, target, params });
}
const none = z.strictObject({}).default({});

export const faultSchemas = [
  // Through the proxy (toxiproxy-node-client): one broker listener or one named proxy.
  fault(
    'network-latency',
    networkTarget,
    z.strictObject({ latency: z.number().int().min(0), jitter: z.number().int().min(0).default(0), stream, toxicity }),
  ),
  fault(
    'network-bandwidth',
    networkTarget,
    z.strictObject({ rate: z.number().int().min(1).describe('KB/s'), stream, toxicity }),
  ),
  fault(
    'network-reset',
    networkTarget,
    z
      .strictObject({ timeout: z.number().int().min(0).default(0), stream, toxicity })
      .default({ timeout: 0, stream: 'downstream', toxicity: 1 }),
  ),
  fault(
    'network-timeout',
    networkTarget,
    z
      .strictObject({ timeout: z.number().int().min(0).default(0), stream, toxicity })
      .default({ timeout: 0, stream: 'downstream', toxicity: 1 }),
  ),
  fault(
    'network-slicer',
    networkTarget,
    z.strictObject({
      averageSize: z.number().int().min(1),
      sizeVariation: z.number().int().min(0).default(0),
      delayUs: z.number().int().min(0).default(0),
      stream,
      toxicity,
    }),
  ),
  fault('network-limit-data', networkTarget, z.strictObject({ bytes: z.number().int().min(0), stream, toxicity })),
  fault('network-partition', networkTarget, none),
  // All of a broker's inter-node listeners (replication + controller): it gets fenced, leaders move.
  // `broker: active-controller` picks the Raft leader at injection: the proxies stand in front of
  // each broker's listeners, so they cut what reaches a broker, not what it sends; only the active
  // controller (which the others must reach) is then reliably fenced.
  fault(
    'broker-isolate',
    z.strictObject({ broker: z.union([z.number().int().min(0), z.literal('active-controller')]) }),
    none,
  ),
  // Only the replication listener: followers fall out of the ISR (URP) but the broker stays registered.
  fault('replication-cut', brokerTarget, none),
  // Through the cluster launcher's admin API (issue 4).
  fault('broker-kill', brokerTarget, z.strictObject({ restart: z.boolean().default(true) }).default({ restart: true })),
  fault('broker-pause', brokerTarget, none),
  fault('controller-kill', z.strictObject({ controller: z.literal('active') }), none),
  fault('controller-quorum-loss', z.strictObject({ controllers: z.literal('majority') }), none),
  fault(
    'log-dir-fill',
    brokerTarget,
    z
      .strictObject({
        capacityBytes: z.number().int().min(0).optional(),
        headroomBytes: z.number().int().min(0).default(0),
      })
      .default({ headroomBytes: 0 }),
  ),
  // Through Kafka's own admin API (kafkajs).
  fault(
    'acl-remove',
    z.strictObject({ principal: z.string().min(1) }),
    z
      .strictObject({
        resourceType: z.enum(['topic', 'group', 'cluster']).default('topic'),
        resourceName: z.string().min(1).default('*'),
      })
      .default({ resourceType: 'topic', resourceName: '*' }),
  ),
  // segment (default: the retention) rolls the active segment that often: retention deletes only
  // closed segments, so without it a lagging consumer's records in the active one would survive.
  fault('retention-shorten', topicTarget, z.strictObject({ retention: duration, segment: duration.optional() })),
  // Through the runner's own load driver (client side).
  fault('credentials-revoke', z.strictObject({ client: z.enum(['producers', 'consumers', 'all']) }), none),
  fault('consumer-slow', groupTarget, z.strictObject({ delayPerRecord: duration })),
  fault('consumer-stop', groupTarget, none),
  // A transactional producer of load.transactions (its child process): SIGKILL leaves its open
  // transaction to the coordinator's timeout; SIGSTOP pauses it (SIGCONT on rollback, when it tries
  // to end the transaction). On rollback a killed producer is replaced by a new instance with the
  // same transactional id: `duration` is how long the drill leaves the transaction hanging before
  // that (InitProducerId of the new instance would abort the open transaction at once).
  fault(
    'transaction-producer-kill',
    z.strictObject({ producer: z.number().int().min(0) }),
    z
      .strictObject({ signal: z.enum(['SIGKILL', 'SIGSTOP']).default('SIGKILL'), restart: z.boolean().default(true) })
      .default({ signal: 'SIGKILL', restart: true }),
  ),
  fault(
    'hot-partition',
    topicTarget,
    z
      .strictObject({ share: z.number().min(0).max(1).default(0.9), key: z.string().min(1).default('hot-key') })
      .default({ share: 0.9, key: 'hot-key' }),
  ),
] as const;

export const faultTypes = faultSchemas.map((s) => s.shape.type.value);
export const faultSchema = z.discriminatedUnion('type', [...faultSchemas]);

// ---- expectations ---------------------------------------------------------------------------
const labelMatch = z.record(z.string(), z.string()).default({});

export const alertExpectation = z.strictObject({
  alert: z.string().min(1),
  /** Only alerts whose labels include these. */
  labels: labelMatch,
  /** The fault it answers (by name); defaults to the first fault. */
  fault: name.optional(),
  /** Must be firing at most this long after the fault was injected. */
  fireWithin: duration,
  /** Must be resolved at most this long after the fault was rolled back. */
  resolveWithin: duration,
});

export const expectationsSchema = z.strictObject({
  alerts: z.array(alertExpectation).default([]),
  mustNotFire: z.array(z.strictObject({ alert: z.string().min(1), labels: labelMatch })).default([]),
  /** Routing proof: Alertmanager must notify this receiver (webhook to target.webhookListen). */
  notifications: z
    .array(
      z.strictObject({
        alert: z.string().min(1),
        receiver: z.string().min(1),
        labels: labelMatch,
        fault: name.optional(),
        within: duration,
      }),
    )
    .default([]),
  /**
   * The data check (load/data-check.ts): the whole topic read back after the drill against the
   * load's ack log, in Jepsen's Kafka checker terms. A nonmonotonic send always fails.
   */
  data: z
    .strictObject({
      /** Allowed lost-write: acknowledged records absent from the log. */
      maxLost: z.number().int().min(0).default(0),
      /** Allowed duplicate: record ids present more than once in the log; omitted = report only. */
      maxDuplicates: z.number().int().min(0).optional(),
    })
    .optional(),
});

// ---- safety and hygiene ---------------------------------------------------------------------
export const abortCondition = z.strictObject({
  name,
  query: z.string().min(1),
  comparator: z.enum(comparators),
  value: z.number(),
  /** Consecutive violations before aborting (one bad scrape should not end a drill). */
  consecutive: z.number().int().min(1).default(2),
});

export const safetySchema = z.strictObject({
  maxDuration: duration.default(600_000),
  /** Abort when a "during" steady-state probe fails this many times in a row (0 = never). */
  abortOnProbeFailures: z.number().int().min(0).default(0),
  abortWhen: z.array(abortCondition).default([]),
});

export const hygieneSchema = z.strictObject({
  /** silence: an Alertmanager silence for the drill; drill-receiver: alerts carry the label only. */
  mode: z.enum(['silence', 'drill-receiver', 'none']).default('none'),
  /** The label that marks drill alerts (Alertmanager routes/silences on it). */
  label: z
    .strictObject({ name: z.string().min(1).default('gameday'), value: z.string().min(1).optional() })
    .default({ name: 'gameday' }),
});

export const specSchema = z.strictObject({
  version: z.literal(1),
  name,
  description: z.string().default(''),
  target: targetSchema,
  /** How often the runner polls Prometheus' alerts API during the drill. */
  pollInterval: duration.default(1000),
  steadyState: steadyStateSchema.default({ interval: 5000, probes: [] }),
  load: loadSchema.optional(),
  faults: z.array(faultSchema).min(1, 'a game day needs at least one fault'),
  expectations: expectationsSchema.default({ alerts: [], mustNotFire: [], notifications: [] }),
  safety: safetySchema.default({ maxDuration: 600_000, abortOnProbeFailures: 0, abortWhen: [] }),
  hygiene: hygieneSchema.default({ mode: 'none', label: { name: 'gameday' } }),
  /** Free text copied into the report's follow-up section. */
  followUps: z.array(z.string()).default([]),
});

export type GameDaySpec = z.output<typeof specSchema>;
export type GameDaySpecInput = z.input<typeof specSchema>;

/** Every alert a spec names: expected to fire or forbidden (what a drill silences and speeds up). */
export function alertsNamedBy(spec: GameDaySpec): string[] {
  return [
    ...new Set([...spec.expectations.alerts.map((a) => a.alert), ...spec.expectations.mustNotFire.map((a) => a.alert)]),
  ];
}
export type TargetSpec = GameDaySpec['target'];
export type FaultSpec = GameDaySpec['faults'][number];
export type FaultType = FaultSpec['type'];
export type ProbeSpec = GameDaySpec['steadyState']['probes'][number];
export type LoadSpec = z.output<typeof loadSchema>;
export type TransactionsSpec = z.output<typeof transactionsSchema>;
export type AlertExpectation = z.output<typeof alertExpectation>;
