// Reference cluster settings (broker/ owns this section). Names follow Kafka's broker configs in
// camelCase (socket.request.max.bytes -> socketRequestMaxBytes); topic-level defaults (log.*) are
// what a topic gets unless CreateTopics/AlterConfigs set its own value.
import { z } from 'zod';
import { brokerListenerBases, defaultPorts } from '../../ports.js';
import { durationMs, port } from '../types.js';

// Security of the client listener (issue 4). Passwords come from the environment or a file,
// never inline, so a config file can be shared without leaking them.
const aclSpec = z.strictObject({
  resourceType: z.enum(['topic', 'group', 'cluster']),
  name: z
    .string()
    .min(1)
    .default('kafka-cluster')
    .describe('resource name ("*" = every resource of the type; cluster: kafka-cluster)'),
  patternType: z.enum(['literal', 'prefixed']).default('literal'),
  principal: z
    .string()
    .regex(/^User:/)
    .describe('"User:alice" or "User:*"'),
  host: z.string().default('*'),
  operation: z.enum([
    'all',
    'read',
    'write',
    'create',
    'delete',
    'alter',
    'describe',
    'cluster_action',
    'describe_configs',
    'alter_configs',
    'idempotent_write',
  ]),
  permission: z.enum(['allow', 'deny']).default('allow'),
});
export const securitySection = z.strictObject({
  listener: z
    .enum(['PLAINTEXT', 'SASL_PLAINTEXT', 'SSL', 'SASL_SSL'])
    .default('PLAINTEXT')
    .describe('security protocol of the client listener'),
  interBrokerProtocol: z
    .enum(['PLAINTEXT', 'SASL_PLAINTEXT'])
    .optional()
    .describe(
      'security.inter.broker.protocol of the inter-broker (replication) listener (default: SASL_PLAINTEXT when the client listener uses SASL, else PLAINTEXT)',
    ),
  interBrokerMechanism: z
    .enum(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'])
    .optional()
    .describe('sasl.mechanism.inter.broker.protocol (default: the first of mechanisms)'),
  interBrokerUser: z
    .string()
    .min(1)
    .optional()
    .describe(
      'SASL user the brokers log in as on the inter-broker listener, one of users (default: the first superUsers entry that is one); a super user',
    ),
  mechanisms: z
    .array(z.enum(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']))
    .min(1)
    .default(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'])
    .describe('sasl.enabled.mechanisms'),
  users: z
    .record(
      z.string().min(1),
      z
        .strictObject({ passwordEnv: z.string().min(1).optional(), passwordFile: z.string().min(1).optional() })
        .refine(
          (u) => (u.passwordEnv === undefined) !== (u.passwordFile === undefined),
          'give exactly one of passwordEnv, passwordFile',
        ),
    )
    .default({})
    .describe('SASL users: name -> where the password is read from (env variable or file)'),
  tls: z
    .strictObject({ certFile: z.string().min(1), keyFile: z.string().min(1), caFile: z.string().min(1).optional() })
    .optional()
    .describe('PEM files for SSL / SASL_SSL (caFile: the CA that signs client certificates, for sslClientAuth)'),
  sslClientAuth: z
    .enum(['required', 'requested', 'none'])
    .default('none')
    .describe(
      'ssl.client.auth on SSL / SASL_SSL: ask for a client certificate signed by tls.caFile; on SSL its subject is the principal (User:CN=...,O=...)',
    ),
  authorizer: z.boolean().default(false).describe('enforce ACLs (authorizer.class.name set)'),
  superUsers: z
    .array(z.string().regex(/^User:/))
    .default([])
    .describe('super.users: bypass ACLs'),
  allowEveryoneIfNoAclFound: z
    .boolean()
    .default(false)
    .describe('allow.everyone.if.no.acl.found: a resource without any ACL is open'),
  acls: z.array(aclSpec).default([]).describe('ACLs created at startup'),
});

export const brokerSection = z
  .strictObject({
    brokers: z
      .number()
      .int()
      .min(1)
      .max(9)
      .default(3)
      .describe('number of brokers (each its own OS process under a launcher when more than 1)'),
    controllers: z
      .number()
      .int()
      .min(1)
      .max(9)
      .default(3)
      .describe('controller quorum voters (nodes 0..n-1, co-located with brokers; capped at the broker count)'),
    dataDir: z.string().min(1).default('.kafka-sre/data').describe('data directory (one subdirectory per broker)'),
    port: port.default(defaultPorts.brokerClient).describe('first client port (+100 per broker)'),
    metricsPort: port.default(defaultPorts.brokerMetrics).describe('first /metrics port (+1 per broker)'),
    // Not set: 19092 / 29092 with the default client port, else port + 10 / port + 20 (they follow
    // --port, so two clusters on different ports do not collide); resolved by the transform below.
    interBrokerPort: port
      .optional()
      .describe(
        'first inter-broker (replication) listener port (+100 per broker; default 19092, or port + 10 when port is not the default)',
      ),
    controllerPort: port
      .optional()
      .describe(
        'first controller (Raft) listener port (+100 per broker; default 29092, or port + 20 when port is not the default)',
      ),
    launcherPort: port.default(defaultPorts.launcherAdmin).describe('cluster launcher admin API port (loopback)'),
    host: z.string().default('127.0.0.1').describe('bind address'),
    advertisedHost: z.string().optional().describe('host clients are told to connect to (default: the bind address)'),
    autoCreateTopics: z
      .boolean()
      .default(true)
      .describe('create topics on first produce/metadata request (auto.create.topics.enable)'),
    defaultPartitions: z.number().int().min(1).max(10000).default(1).describe('num.partitions for auto-created topics'),
    socketRequestMaxBytes: z
      .number()
      .int()
      .min(1024)
      .default(104_857_600)
      .describe('socket.request.max.bytes: larger frames close the connection'),
    queuedMaxRequestBytes: z
      .number()
      .int()
      .min(1024)
      .default(104_857_600)
      .describe(
        'queued.max.request.bytes: request bytes buffered broker-wide; beyond it connections stop being read until requests finish',
      ),
    saslServerMaxReceiveSize: z
      .number()
      .int()
      .min(1024)
      .default(524_288)
      .describe('sasl.server.max.receive.size: frame cap on a SASL listener until the connection has authenticated'),
    maxDecompressedBatchBytes: z
      .number()
      .int()
      .min(1024)
      .default(67_108_864)
      .describe(
        'largest decompressed size of one record batch the broker decompresses (compacted topics); larger is CORRUPT_MESSAGE',
      ),
    connectionsMaxIdleMs: durationMs
      .min(1000)
      .default(600_000)
      .describe('connections.max.idle.ms: idle connections are closed'),
    messageMaxBytes: z
      .number()
      .int()
      .min(64)
      .default(1_048_588)
      .describe('message.max.bytes: default max.message.bytes of topics'),
    offsetsTopicPartitions: z.number().int().min(1).max(1000).default(50).describe('offsets.topic.num.partitions'),
    // Transactions (broker/txn): Kafka's default is 50 partitions; a small count keeps the reference
    // cluster's start and coordinator moves quick and still spreads coordinators over the brokers.
    transactionStateLogNumPartitions: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(5)
      .describe('transaction.state.log.num.partitions'),
    transactionMaxTimeoutMs: durationMs.min(1).default(900_000).describe('transaction.max.timeout.ms'),
    transactionAbortTimedOutTransactionCleanupIntervalMs: durationMs
      .min(10)
      .default(10_000)
      .describe('transaction.abort.timed.out.transaction.cleanup.interval.ms'),
    transactionPartitionVerificationEnable: z
      .boolean()
      .default(true)
      .describe('transaction.partition.verification.enable'),
    groupInitialRebalanceDelayMs: durationMs.default(0).describe('group.initial.rebalance.delay.ms'),
    groupMinSessionTimeoutMs: durationMs.default(6000).describe('group.min.session.timeout.ms'),
    groupMaxSessionTimeoutMs: durationMs.default(1_800_000).describe('group.max.session.timeout.ms'),
    groupConsumerSessionTimeoutMs: durationMs
      .min(1000)
      .default(45_000)
      .describe('group.consumer.session.timeout.ms: KIP-848 consumer-group member session timeout'),
    groupConsumerHeartbeatIntervalMs: durationMs
      .min(100)
      .default(5000)
      .describe('group.consumer.heartbeat.interval.ms: KIP-848 heartbeat interval handed to members'),
    groupConsumerAssignors: z
      .array(z.enum(['uniform', 'range']))
      .min(1)
      .default(['uniform', 'range'])
      .describe('group.consumer.assignors: server-side assignors; the first is the default'),
    groupShareSessionTimeoutMs: durationMs
      .min(1000)
      .default(45_000)
      .describe('group.share.session.timeout.ms: KIP-932 share-group member session timeout'),
    groupShareMaxShareSessions: z
      .number()
      .int()
      .min(1)
      .default(2000)
      .describe('group.share.max.share.sessions: share sessions a broker keeps at most'),
    groupShareMaxSize: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(200)
      .describe('group.share.max.size: members of one share group at most'),
    groupShareHeartbeatIntervalMs: durationMs
      .min(100)
      .default(5000)
      .describe('group.share.heartbeat.interval.ms: KIP-932 heartbeat interval handed to members'),
    groupShareRecordLockDurationMs: durationMs
      .min(1000)
      .default(30_000)
      .describe('group.share.record.lock.duration.ms: how long a share consumer holds acquired records'),
    groupShareDeliveryCountLimit: z
      .number()
      .int()
      .min(2)
      .max(10)
      .default(5)
      .describe('group.share.delivery.count.limit: deliveries of a record before it is archived'),
    groupConsumerMigrationPolicy: z
      .enum(['bidirectional', 'upgrade', 'downgrade', 'disabled'])
      .default('bidirectional')
      .describe(
        'group.consumer.migration.policy: online conversion of non-empty groups between the classic and consumer protocols',
      ),
    logSegmentBytes: z
      .number()
      .int()
      .min(1024)
      .default(1_073_741_824)
      .describe('log.segment.bytes (topic default segment.bytes)'),
    logRetentionMs: z
      .number()
      .int()
      .min(-1)
      .default(604_800_000)
      .describe('log.retention.ms (topic default retention.ms; -1 = forever)'),
    logRetentionBytes: z
      .number()
      .int()
      .min(-1)
      .default(-1)
      .describe('log.retention.bytes (topic default retention.bytes; -1 = unlimited)'),
    logFlushMessages: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('log.flush.interval.messages (default: leave flushing to the OS)'),
    logFlushMs: durationMs.optional().describe('log.flush.interval.ms (default: leave flushing to the OS)'),
    logDirCapacityBytes: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe(
        'simulated log directory size in bytes (default: the real file system); appends beyond it fail with KAFKA_STORAGE_ERROR',
      ),
    defaultReplicationFactor: z
      .number()
      .int()
      .min(1)
      .max(9)
      .optional()
      .describe('default.replication.factor for auto-created and RF=-1 topics (default: min(3, brokers))'),
    minInsyncReplicas: z.number().int().min(1).default(1).describe('min.insync.replicas (topic default)'),
    uncleanLeaderElectionEnable: z.boolean().default(false).describe('unclean.leader.election.enable (topic default)'),
    replicaLagTimeMaxMs: durationMs
      .min(100)
      .default(30_000)
      .describe('replica.lag.time.max.ms: a follower not caught up for this long leaves the ISR'),
    replicaFetchWaitMaxMs: durationMs.default(500).describe('replica.fetch.wait.max.ms'),
    brokerHeartbeatIntervalMs: durationMs.min(50).default(2000).describe('broker.heartbeat.interval.ms'),
    brokerSessionTimeoutMs: durationMs
      .min(200)
      .default(9000)
      .describe('broker.session.timeout.ms: a broker silent this long is fenced'),
    controllerElectionTimeoutMs: durationMs
      .min(100)
      .default(1000)
      .describe('controller.quorum.election.timeout.ms (randomized up to 2x)'),
    controlledShutdownTimeoutMs: durationMs
      .default(5_000)
      .describe(
        'how long SIGTERM waits for leaderships to move before stopping anyway (at most 5 s: every node is gone within 10 s of SIGTERM)',
      ),
    autoLeaderRebalanceEnable: z.boolean().default(true).describe('auto.leader.rebalance.enable'),
    leaderImbalanceCheckIntervalMs: durationMs
      .min(1000)
      .default(300_000)
      .describe('leader.imbalance.check.interval.seconds (in ms)'),
    leaderImbalancePerBrokerPercentage: z
      .number()
      .min(0)
      .max(100)
      .default(10)
      .describe('leader.imbalance.per.broker.percentage'),
    logRetentionCheckIntervalMs: durationMs.default(300_000).describe('log.retention.check.interval.ms'),
    security: securitySection.prefault({}).describe('listener security (SASL/TLS) and ACLs'),
  })
  .transform((b) => ({ ...b, ...brokerListenerBases(b) }));
