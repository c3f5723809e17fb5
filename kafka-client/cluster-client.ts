// The one Kafka client layer of the toolkit (exporter, operator CLI, benchmarks): kafkajs for
// the wire, with requests batched per broker and brokers asked in parallel. Topic and group
// filters are the caller's (parameters of metadata/groups/collect), applied before requests are sent. A dead broker or a leaderless partition only
// costs the partitions it owns: their offsets are missing this cycle, everything else is there.
import { Kafka, type Admin } from 'kafkajs';
import { type Logger, traced } from '../common/index.js';
import {
  isInternalTopic,
  tpKey,
  type BrokerInfo,
  type ClusterState,
  type GroupState,
  type LogDirState,
  type PartitionState,
  type TopicState,
} from './model.js';
import {
  type ElectLeadersResponse,
  type ApiCodec,
  errorName,
  listOffsetsCodec,
  offsetFetchCodec,
  metadataCodec,
  type MetadataResponse,
} from '../protocol/index.js';
import {
  callApi,
  describeCluster,
  describeLogDirs,
  electLeaders,
  negotiateVersion,
  UnsupportedApiError,
} from './protocol-apis.js';
import { kafkaConfig, type ClusterConnection } from './connection.js';
import {
  describeProducers,
  describeTransactions,
  listTransactions,
  type ListTransactionsFilter,
  type ProducersPartition,
  type PartitionProducers,
  type TransactionDescription,
  type TransactionListing,
} from './transactions.js';
import {
  describeConsumerGroups,
  describeShareGroupsOn,
  groupVisibility,
  listedOnly,
  listGroupsOn,
  type GroupVisibility,
  type ListedGroup,
} from './group-listing.js';
import {
  adoptBrokers,
  createAdminOn,
  createInternalCluster,
  decodeConsumerAssignment,
  type KjsBroker,
  type KjsCluster,
} from './kafkajs-internals.js';

/** Failed requests of one cycle, by Kafka API name. */
export class RequestErrors {
  readonly byApi = new Map<string, number>();
  readonly messages: string[] = [];
  add(api: string, err: unknown): void {
    this.byApi.set(api, (this.byApi.get(api) ?? 0) + 1);
    if (this.messages.length < 20) this.messages.push(`${api}: ${(err as Error)?.message ?? String(err)}`);
  }
}

/** APIs kafkajs lacks, provided by the project's protocol/ codecs when available. */
export interface ExtraApis {
  describeLogDirs?(brokers: readonly BrokerInfo[], errors: RequestErrors): Promise<LogDirState[] | undefined>;
  /** min.insync.replicas per topic in collect() (default: minInsyncReplicas(), every call; the exporter caches it). */
  minInsyncReplicas?(topics: readonly string[], errors: RequestErrors): Promise<Map<string, number>>;
}

/** Which names a call asks about (the exporter builds these from its allow/deny configuration). */
export type NameFilter = (name: string) => boolean;

/** What one read of the cluster covers; the caller's filters, applied before requests are sent. */
export interface CollectFilters {
  topics: NameFilter;
  groups: NameFilter;
  /** Include internal topics such as __consumer_offsets (the exporter hides them by default, as kafka_exporter does). */
  includeInternal: boolean;
}

type MutablePartition = { -readonly [K in keyof PartitionState]: PartitionState[K] };

export interface PartitionRef {
  topic: string;
  partition: number;
  leader: number;
}

/** One ListOffsets question asked of every partition of a listOffsetsEach call. */
interface OffsetQuery {
  /** -2 earliest (log start), -1 latest, else a timestamp. */
  timestamp: number;
  /** 1 = read_committed (ListOffsets v2+): latest is then the last stable offset. */
  isolationLevel: 0 | 1;
  found: (topic: string, partition: number, offset: number) => void;
}

const OFFSET_FETCH_API_KEY = 9;
/** Groups per batched OffsetFetch (v8+) request. */
const OFFSET_FETCH_GROUPS = 100;
/** Partitions per ListOffsets request (see listOffsetsEach). */
const LIST_OFFSETS_BATCH = 1000;
const EARLIEST = -2;
const LATEST = -1;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Consecutive slices of at most `size` items, each made only when the loop reaches it. */
function* chunksOf<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** Run `fn` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  });
  await Promise.all(workers);
  return out;
}

function groupBy<T>(items: readonly T[], key: (t: T) => number): Map<number, T[]> {
  const m = new Map<number, T[]>();
  for (const it of items) {
    const k = key(it);
    let l = m.get(k);
    if (!l) m.set(k, (l = []));
    l.push(it);
  }
  return m;
}

function byTopic<T extends { topic: string }>(items: readonly T[]): { topic: string; items: T[] }[] {
  const m = new Map<string, T[]>();
  for (const it of items) {
    let l = m.get(it.topic);
    if (!l) m.set(it.topic, (l = []));
    l.push(it);
  }
  return [...m].map(([topic, list]) => ({ topic, items: list }));
}

export class ClusterClient {
  readonly kafka: Kafka;
  private readonly cluster: KjsCluster;
  private adminClient?: Admin;
  private readonly timeoutMs: number;

  private readonly extras: ExtraApis;

  constructor(
    readonly connection: ClusterConnection,
    private readonly logger?: Logger,
    extras?: ExtraApis,
  ) {
    this.extras = extras ?? { describeLogDirs: (brokers, errors) => this.logDirs(brokers, errors) };
    this.kafka = new Kafka(kafkaConfig(connection, logger));
    this.cluster = createInternalCluster(this.kafka);
    this.timeoutMs = (connection.requestTimeoutMs ?? 10_000) + 1000;
  }

  /** kafkajs Admin sharing this client's connections (topic/config management for ops). */
  admin(): Admin {
    this.adminClient ??= createAdminOn(this.kafka, this.cluster);
    return this.adminClient;
  }

  async connect(): Promise<void> {
    if (!this.cluster.isConnected()) await withTimeout(this.cluster.connect(), this.timeoutMs, 'connect');
  }

  async close(): Promise<void> {
    await this.cluster.disconnect().catch(() => undefined);
  }

  private async broker(nodeId: number): Promise<KjsBroker> {
    try {
      return await withTimeout(this.cluster.findBroker({ nodeId }), this.timeoutMs, `connect to broker ${nodeId}`);
    } catch (e) {
      if ((e as Error).name !== 'KafkaJSBrokerNotFound') throw e;
      // A broker kafkajs has not met: learn the broker list from the project's Metadata codec
      // (kafkajs's own refresh fails as a whole while any partition is offline).
      await this.metadata({ topics: () => false, groups: () => false, includeInternal: false });
      return withTimeout(this.cluster.findBroker({ nodeId }), this.timeoutMs, `connect to broker ${nodeId}`);
    }
  }

  /**
   * One Metadata request for every topic; the topic filter decides what the rest asks about.
   * Sent with the project's codec, not kafkajs: kafkajs rejects a whole Metadata response when any
   * partition carries an error (LEADER_NOT_AVAILABLE for an offline partition, as real brokers
   * answer), which is exactly when the exporter must keep reporting.
   */
  async metadata(
    filters: CollectFilters,
  ): Promise<{ clusterId?: string; controllerId: number; brokers: BrokerInfo[]; topics: TopicState[] }> {
    await this.connect();
    const md = await withTimeout(this.rawMetadata(), this.timeoutMs, 'Metadata');
    const brokers = md.brokers
      .map((b) => ({ id: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? undefined }))
      .sort((a, b) => a.id - b.id);
    this.knownBrokers = brokers.map((b) => b.id);
    this.knownController = md.controllerId;
    await adoptBrokers(this.cluster, brokers);
    const topics: TopicState[] = [];
    for (const t of md.topics) {
      if (t.errorCode !== 0) continue;
      const internal = t.isInternal || isInternalTopic(t.name);
      if (internal && !filters.includeInternal) continue;
      if (!filters.topics(t.name)) continue;
      topics.push({
        name: t.name,
        internal,
        partitions: t.partitions
          .map((p) => ({
            topic: t.name,
            partition: p.partitionIndex,
            leader: p.leaderId,
            replicas: p.replicaNodes,
            isr: p.isrNodes,
            offlineReplicas: p.offlineReplicas,
          }))
          .sort((a, b) => a.partition - b.partition),
      });
    }
    topics.sort((a, b) => a.name.localeCompare(b.name));
    return { clusterId: md.clusterId ?? undefined, controllerId: md.controllerId, brokers, topics };
  }

  private knownBrokers: number[] = [];
  private knownController = -1;

  /** Metadata for all topics from the first broker that answers: kafkajs's seed, then any known one. */
  private async rawMetadata(): Promise<MetadataResponse> {
    const request = { topics: null, allowAutoTopicCreation: false };
    const seed = (this.cluster as unknown as { brokerPool?: { seedBroker?: KjsBroker } }).brokerPool?.seedBroker;
    let last: unknown = new Error('no broker to ask');
    const candidates: (() => Promise<KjsBroker>)[] = [
      ...(seed ? [async () => seed] : []),
      ...this.knownBrokers.map(
        (id) => () => withTimeout(this.cluster.findBroker({ nodeId: id }), this.timeoutMs, `connect to broker ${id}`),
      ),
    ];
    for (const get of candidates) {
      try {
        return (await callApi(await get(), metadataCodec, request)).response;
      } catch (e) {
        last = e;
      }
    }
    throw last;
  }

  /**
   * min.insync.replicas per topic (DescribeConfigs, chunked). Sent straight to one broker (any
   * broker answers for topic resources; the controller when known): kafkajs's admin
   * describeConfigs first refreshes kafkajs's own metadata for every topic, which at 10k
   * partitions cost a full Metadata decode per chunk per cycle and kept a second copy of it.
   */
  async minInsyncReplicas(topics: readonly string[], errors: RequestErrors): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const chunks = [...chunksOf(topics, 500)];
    const target = this.knownBrokers.includes(this.knownController) ? this.knownController : this.knownBrokers[0];
    await mapLimit(chunks, 2, async (chunk) => {
      try {
        const resources = chunk.map((name) => ({ type: 2, name, configNames: ['min.insync.replicas'] }));
        const res = await withTimeout(
          target === undefined
            ? this.admin().describeConfigs({ includeSynonyms: false, resources })
            : (await this.broker(target)).describeConfigs({ includeSynonyms: false, resources }),
          this.timeoutMs,
          'DescribeConfigs',
        );
        for (const r of res.resources) {
          const v = r.configEntries.find((e) => e.configName === 'min.insync.replicas')?.configValue;
          if (r.errorCode === 0 && v !== undefined && v !== null && v !== '') out.set(r.resourceName, Number(v));
        }
      } catch (e) {
        errors.add('DescribeConfigs', e);
      }
    });
    return out;
  }

  /**
   * ListOffsets for many partitions: one request per leader broker per timestamp, brokers in
   * parallel. Leaderless partitions and failed brokers are simply absent from the result.
   */
  async listOffsets(
    partitions: readonly PartitionRef[],
    timestamp: number,
    errors: RequestErrors,
  ): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    await this.listOffsetsEach(
      partitions,
      [{ timestamp, isolationLevel: 0, found: (topic, partition, offset) => out.set(tpKey(topic, partition), offset) }],
      errors,
    );
    return out;
  }

  /**
   * ListOffsets handing each answer to its query's `found` (no map keyed by partition: collect()
   * stores them in place). Per leader and batch of partitions, one request per query, the queries
   * of a batch sent together, in order, on the leader's connection: a broker handles a
   * connection's requests one at a time in order (as Kafka does), so a later query reads the
   * partition at the same moment as an earlier one or later, and costs no extra round trip. A
   * read_committed query is left out on a broker without ListOffsets v2, which would answer it as
   * a read_uncommitted one.
   */
  private async listOffsetsEach(
    partitions: readonly PartitionRef[],
    queries: readonly OffsetQuery[],
    errors: RequestErrors,
  ): Promise<void> {
    const byLeader = groupBy(
      partitions.filter((p) => p.leader >= 0),
      (p) => p.leader,
    );
    await Promise.all(
      [...byLeader].map(async ([leader, parts]) => {
        try {
          const broker = await this.broker(leader);
          const version = negotiateVersion(listOffsetsCodec, broker.versions?.[listOffsetsCodec.apiKey]) ?? 0;
          const asked = queries.filter((q) => q.isolationLevel === 0 || version >= 2);
          // protocol/'s codec rather than kafkajs's: at 10,000 partitions kafkajs's Long-based
          // int64 encoding and decoding blocked the event loop for tens of milliseconds per request.
          // Requests of at most LIST_OFFSETS_BATCH partitions, one after another: a response of
          // 10k partitions arrived in many socket reads that kafkajs concatenates one by one
          // (megabytes of garbage buffers), and its request and response objects lived long
          // enough to reach the old generation; a batch of 1k is one read and dies young.
          for (const batch of chunksOf(parts, LIST_OFFSETS_BATCH)) {
            const grouped = byTopic(batch);
            const answers = await Promise.all(
              asked.map((q) =>
                withTimeout(
                  callApi(broker, listOffsetsCodec, {
                    replicaId: -1,
                    isolationLevel: q.isolationLevel,
                    topics: grouped.map(({ topic, items }) => ({
                      name: topic,
                      partitions: items.map((p) => ({
                        partitionIndex: p.partition,
                        timestamp: q.timestamp,
                        maxNumOffsets: 1,
                      })),
                    })),
                  }),
                  this.timeoutMs,
                  'ListOffsets',
                ),
              ),
            );
            answers.forEach(({ response }, i) => {
              for (const t of response.topics)
                for (const p of t.partitions) {
                  if (p.errorCode === 0) asked[i].found(t.name, p.partitionIndex, p.offset);
                  else errors.add('ListOffsets', new Error(`${t.name}/${p.partitionIndex}: error code ${p.errorCode}`));
                }
            });
          }
        } catch (e) {
          errors.add('ListOffsets', e);
        }
      }),
    );
  }

  /** Log start and high watermark per partition (two batched ListOffsets rounds per broker). */
  async partitionOffsets(
    partitions: readonly PartitionRef[],
    errors: RequestErrors,
  ): Promise<Map<string, { logStartOffset: number; highWatermark: number }>> {
    const [start, end] = await Promise.all([
      this.listOffsets(partitions, EARLIEST, errors),
      this.listOffsets(partitions, LATEST, errors),
    ]);
    const out = new Map<string, { logStartOffset: number; highWatermark: number }>();
    for (const [k, hw] of end) {
      const ls = start.get(k);
      if (ls !== undefined) out.set(k, { logStartOffset: ls, highWatermark: hw });
    }
    return out;
  }

  /**
   * Timestamp of the record at each requested offset: Fetch from the leader, a few KB per
   * partition, one request per broker per round (a partition appears once per request).
   * Key of the result: tpKey + '\u0000' + offset.
   */
  async recordTimestamps(
    requests: readonly (PartitionRef & { offset: number })[],
    errors: RequestErrors,
  ): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const unique = new Map<string, PartitionRef & { offset: number }>();
    for (const r of requests) if (r.leader >= 0) unique.set(`${tpKey(r.topic, r.partition)}\u0000${r.offset}`, r);
    // Rounds: the n-th distinct offset of a partition goes into round n.
    const rounds: (PartitionRef & { offset: number })[][] = [];
    const seen = new Map<string, number>();
    for (const r of unique.values()) {
      const k = tpKey(r.topic, r.partition);
      const n = seen.get(k) ?? 0;
      seen.set(k, n + 1);
      (rounds[n] ??= []).push(r);
    }
    for (const round of rounds) {
      await Promise.all(
        [...groupBy(round, (r) => r.leader)].map(async ([leader, parts]) => {
          try {
            const broker = await this.broker(leader);
            for (const chunk of chunksOf(parts, 1000)) {
              const topics = byTopic(chunk).map(({ topic, items }) => ({
                topic,
                partitions: items.map((p) => ({
                  partition: p.partition,
                  fetchOffset: String(p.offset),
                  maxBytes: 2048,
                })),
              }));
              const res = await withTimeout(
                broker.fetch({
                  replicaId: -1,
                  isolationLevel: 0,
                  maxWaitTime: 0,
                  minBytes: 0,
                  maxBytes: 4 * 1024 * 1024,
                  topics,
                }),
                this.timeoutMs,
                'Fetch',
              );
              const wanted = new Map(chunk.map((p) => [tpKey(p.topic, p.partition), p.offset]));
              for (const t of res.responses)
                for (const p of t.partitions) {
                  const offset = wanted.get(tpKey(t.topicName, p.partition));
                  if (offset === undefined || p.errorCode !== 0) continue;
                  // A batch may start before the requested offset: take the first record at or after it.
                  const m = p.messages.find((x) => Number(x.offset) >= offset);
                  if (m && Number(m.timestamp) > 0)
                    out.set(`${tpKey(t.topicName, p.partition)}\u0000${offset}`, Number(m.timestamp));
                }
            }
          } catch (e) {
            errors.add('Fetch', e);
          }
        }),
      );
    }
    return out;
  }

  /**
   * Every group (ListGroups on every broker, v5 with group types where the broker has it; the
   * broker that lists a group coordinates it), then per coordinator: DescribeGroups for classic
   * groups, ConsumerGroupDescribe for consumer-protocol (KIP-848) groups, batched; OffsetFetch per
   * classic or consumer group with bounded concurrency. Share and streams groups are listed with
   * their type and state only (no offsets: share groups do not commit, see KIP-932).
   */
  async groups(
    brokers: readonly BrokerInfo[],
    filter: NameFilter,
    errors: RequestErrors,
    concurrency = 8,
    topics: readonly TopicState[] = [],
  ): Promise<GroupState[]> {
    const listed = new Map<number, { broker: KjsBroker; groups: ListedGroup[]; visibility: GroupVisibility }>();
    await Promise.all(
      brokers.map(async (b) => {
        try {
          const broker = await this.broker(b.id);
          const visibility = groupVisibility(broker);
          const groups = await withTimeout(listGroupsOn(broker, visibility), this.timeoutMs, 'ListGroups');
          listed.set(b.id, { broker, visibility, groups: groups.filter((g) => filter(g.groupId)) });
        } catch (e) {
          errors.add('ListGroups', e);
        }
      }),
    );
    const out: GroupState[] = [];
    await Promise.all(
      [...listed].map(async ([coordinatorId, { broker, groups, visibility }]) => {
        if (groups.length === 0) return;
        this.noteVisibility(coordinatorId, visibility, groups);
        const described = new Map<string, GroupState>();
        const classic = groups.filter((g) => g.type === 'classic');
        const consumer = groups.filter((g) => g.type === 'consumer');
        for (const g of groups) if (g.type === 'streams') out.push(listedOnly(g, coordinatorId));
        // Share groups have no committed offsets to fetch: described (or listed only) they are complete.
        const share = groups.filter((g) => g.type === 'share');
        if (!visibility.shareDescribe) for (const g of share) out.push(listedOnly(g, coordinatorId));
        else
          for (const batch of chunksOf(share, 200)) {
            try {
              const res = await withTimeout(describeShareGroupsOn(broker, batch), this.timeoutMs, 'ShareGroupDescribe');
              out.push(...res);
            } catch (e) {
              errors.add('ShareGroupDescribe', e);
              for (const g of batch) out.push(listedOnly(g, coordinatorId));
            }
          }
        // Without ConsumerGroupDescribe a consumer-protocol group still has committed offsets: its lag is known.
        if (!visibility.consumerDescribe)
          for (const g of consumer) described.set(g.groupId, listedOnly(g, coordinatorId));
        if (visibility.consumerDescribe)
          for (const batch of chunksOf(consumer, 200)) {
            try {
              const res = await withTimeout(
                describeConsumerGroups(broker, batch),
                this.timeoutMs,
                'ConsumerGroupDescribe',
              );
              for (const g of res.described) described.set(g.groupId, g);
              // Converted back to classic since it was listed (or deleted): DescribeGroups tells which.
              classic.push(...res.notDescribed);
            } catch (e) {
              errors.add('ConsumerGroupDescribe', e);
            }
          }
        for (const batch of chunksOf(classic, 200)) {
          const ids = batch.map((g) => g.groupId);
          try {
            const res = await withTimeout(broker.describeGroups({ groupIds: ids }), this.timeoutMs, 'DescribeGroups');
            for (const g of res.groups) {
              if (g.errorCode !== 0) continue;
              // A group deleted between listing and describing answers Dead with no protocol type.
              if (g.state === 'Dead' && !g.protocolType) continue;
              described.set(g.groupId, {
                groupId: g.groupId,
                state: g.state,
                protocolType: g.protocolType,
                type: 'classic',
                coordinator: coordinatorId,
                assignor: g.protocol ?? '',
                described: true,
                members: g.members.map((m) => ({
                  memberId: m.memberId,
                  clientId: m.clientId,
                  clientHost: m.clientHost,
                  assignments: g.protocolType === 'consumer' ? safeDecode(m.memberAssignment) : [],
                })),
                offsets: [],
              });
            }
          } catch (e) {
            errors.add('DescribeGroups', e);
          }
        }
        await this.fetchGroupOffsets(broker, [...described.values()], topics, concurrency, errors, out);
      }),
    );
    return out.sort((a, b) => a.groupId.localeCompare(b.groupId));
  }

  /**
   * Committed offsets of one coordinator's described groups, appended to `out` (a group whose
   * fetch failed is appended without offsets). OffsetFetch v8+ (KIP-709) asks for up to
   * OFFSET_FETCH_GROUPS groups in one request through protocol/'s codec, so 1,000 groups cost 10
   * requests per cycle instead of 1,000 kafkajs round trips (each with its encoder, request queue
   * and timers). Older brokers get one request per group through kafkajs.
   */
  private async fetchGroupOffsets(
    broker: KjsBroker,
    groups: readonly GroupState[],
    topics: readonly TopicState[],
    concurrency: number,
    errors: RequestErrors,
    out: GroupState[],
  ): Promise<void> {
    const version = negotiateVersion(offsetFetchCodec, broker.versions?.[OFFSET_FETCH_API_KEY]) ?? 0;
    if (version >= 8) {
      await mapLimit([...chunksOf(groups, OFFSET_FETCH_GROUPS)], 2, async (batch) => {
        try {
          const { response } = await withTimeout(
            callApi(broker, offsetFetchCodec, {
              groupId: '',
              topics: null,
              requireStable: false,
              // null topics: every partition the group committed (as the per-group path asks).
              groups: batch.map((g) => ({ groupId: g.groupId, memberId: null, memberEpoch: -1, topics: null })),
            }),
            this.timeoutMs,
            'OffsetFetch',
          );
          const answers = new Map((response.groups ?? []).map((a) => [a.groupId, a]));
          for (const g of batch) {
            const a = answers.get(g.groupId);
            if (!a || a.errorCode !== 0) {
              errors.add('OffsetFetch', new Error(`${g.groupId}: ${a ? errorName(a.errorCode) : 'not answered'}`));
              out.push(g);
              continue;
            }
            const offsets = [];
            for (const t of a.topics)
              for (const p of t.partitions)
                if (p.errorCode === 0)
                  offsets.push({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset });
            out.push({ ...g, offsets });
          }
        } catch (e) {
          errors.add('OffsetFetch', e);
          out.push(...batch);
        }
      });
      return;
    }
    // OffsetFetch "all topics" (null) needs v2+, which kafkajs sends as v3+; older brokers get
    // the explicit (already filtered) topic list instead.
    const allTopics = (broker.versions?.[OFFSET_FETCH_API_KEY]?.maxVersion ?? 0) >= 3;
    const request = allTopics
      ? []
      : topics.map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => ({ partition: p.partition })) }));
    await mapLimit(groups, concurrency, async (g) => {
      try {
        const res = await withTimeout(
          broker.offsetFetch({ groupId: g.groupId, topics: request }),
          this.timeoutMs,
          'OffsetFetch',
        );
        const offsets = [];
        for (const t of res.responses)
          for (const p of t.partitions)
            if (p.errorCode === 0) offsets.push({ topic: t.topic, partition: p.partition, offset: Number(p.offset) });
        out.push({ ...g, offsets });
      } catch (e) {
        errors.add('OffsetFetch', e);
        out.push(g);
      }
    });
  }

  /** Limits already logged: each is said once per client (the first broker showing it), not every cycle. */
  private readonly visibilityNoted = new Set<string>();

  /**
   * Says once per limit what this client cannot see of the groups a broker lists: no
   * ListGroups v5 (group types unknown, every group taken as classic), no ConsumerGroupDescribe
   * (consumer-protocol groups without members, epochs or assignments), share and streams groups
   * (type and state only).
   */
  private noteVisibility(brokerId: number, v: GroupVisibility, groups: readonly ListedGroup[]): void {
    const once = (key: string, msg: string, extra: Record<string, unknown> = {}) => {
      if (this.visibilityNoted.has(key)) return;
      this.visibilityNoted.add(key);
      this.logger?.warn({ cluster: this.connection.name, broker: brokerId, ...extra }, msg);
    };
    if (!v.typed)
      once(
        'typed',
        'broker has no ListGroups v5: group types are not visible, every group is reported as classic ' +
          '(DescribeGroups); a KIP-848 consumer-protocol group would show as Dead with no members',
      );
    const consumer = groups.filter((g) => g.type === 'consumer');
    if (consumer.length > 0 && !v.consumerDescribe)
      once(
        'consumerDescribe',
        'broker has no ConsumerGroupDescribe (API 69): consumer-protocol groups are reported with their ' +
          'listed state and committed offsets only, without members, member epochs or assignments',
        { example: consumer[0].groupId },
      );
    const share = groups.filter((g) => g.type === 'share');
    if (share.length > 0 && !v.shareDescribe)
      once(
        'shareDescribe',
        'broker has no ShareGroupDescribe (API 77): share groups are reported with their type and listed state only ' +
          '(no members)',
        { example: share[0].groupId },
      );
    const streams = groups.filter((g) => g.type === 'streams');
    if (streams.length > 0)
      once('streams', 'streams groups are reported with their type and listed state only (not described: no members)', {
        example: streams[0].groupId,
      });
  }

  /**
   * Commit offsets for a group that has no active members (OffsetCommit with generation -1, as
   * Kafka's tools do for offset resets). One request to the group's coordinator.
   */
  async commitOffsets(
    groupId: string,
    offsets: readonly { topic: string; partition: number; offset: number }[],
  ): Promise<void> {
    await this.connect();
    const coordinator = await withTimeout(
      this.cluster.findGroupCoordinator({ groupId }),
      this.timeoutMs,
      'FindCoordinator',
    );
    const topics = byTopic(offsets).map(({ topic, items }) => ({
      topic,
      partitions: items.map((o) => ({ partition: o.partition, offset: String(o.offset) })),
    }));
    const res = await withTimeout(
      coordinator.offsetCommit({ groupId, groupGenerationId: -1, memberId: '', topics }),
      this.timeoutMs,
      'OffsetCommit',
    );
    const failed = res.responses.flatMap((t) =>
      t.partitions.filter((p) => p.errorCode !== 0).map((p) => `${t.topic}/${p.partition}: error code ${p.errorCode}`),
    );
    if (failed.length) throw new Error(`OffsetCommit for ${groupId} failed: ${failed.slice(0, 5).join(', ')}`);
  }

  /**
   * DescribeLogDirs on every broker (protocol/ codec). Undefined when no broker offers the API
   * (the log-dir series are then absent rather than zero); a failing broker is counted and skipped.
   */
  async logDirs(brokers: readonly BrokerInfo[], errors: RequestErrors): Promise<LogDirState[] | undefined> {
    let supported = false;
    const all = await Promise.all(
      brokers.map(async (b) => {
        try {
          const broker = await this.broker(b.id);
          const dirs = await withTimeout(describeLogDirs(broker), this.timeoutMs, 'DescribeLogDirs');
          supported = true;
          return dirs;
        } catch (e) {
          if (!(e instanceof UnsupportedApiError)) {
            supported = true;
            errors.add('DescribeLogDirs', e);
          }
          return [];
        }
      }),
    );
    return supported ? all.flat() : undefined;
  }

  /** Any protocol/ codec against one broker over the client's connections (version negotiated). */
  async call<Req, Res>(
    brokerId: number,
    codec: ApiCodec<Req, Res>,
    req: Req,
  ): Promise<{ version: number; response: Res }> {
    return callApi(await this.broker(brokerId), codec, req);
  }

  /** Like `call`, returning only the decoded response (what ops/ asked for). */
  async request<Req, Res>(brokerId: number, codec: ApiCodec<Req, Res>, req: Req): Promise<Res> {
    return (await this.call(brokerId, codec, req)).response;
  }

  /** DescribeCluster (protocol/ codec) from any broker; falls back to Metadata when unsupported. */
  async describeCluster(): Promise<{ clusterId?: string; controllerId: number; brokers: BrokerInfo[] }> {
    const md = await this.metadata({ topics: () => false, groups: () => false, includeInternal: false });
    try {
      const res = await describeCluster(await this.broker(md.brokers[0].id));
      if (res.errorCode === 0)
        return {
          clusterId: res.clusterId,
          controllerId: res.controllerId,
          brokers: res.brokers.map((b) => ({ id: b.brokerId, host: b.host, port: b.port, rack: b.rack ?? undefined })),
        };
    } catch (e) {
      if (!(e instanceof UnsupportedApiError)) throw e;
    }
    return { clusterId: md.clusterId, controllerId: md.controllerId, brokers: md.brokers };
  }

  /** ElectLeaders (protocol/ codec) through the controller: 0 preferred, 1 unclean. */
  async electLeaders(
    electionType: 0 | 1,
    topicPartitions: { topic: string; partitions: number[] }[] | null,
  ): Promise<ElectLeadersResponse> {
    const { controllerId, brokers } = await this.describeCluster();
    const target = controllerId >= 0 ? controllerId : brokers[0].id;
    return electLeaders(await this.broker(target), electionType, topicPartitions);
  }

  /**
   * DescribeProducers (KIP-664) at each partition's leader: per partition its producers, with the
   * first offset of each open transaction. A partition given with its `leader` (>= 0) is asked there
   * without a Metadata request. See transactions.ts for retries and `errors`.
   */
  describeProducers(partitions: readonly ProducersPartition[], errors?: RequestErrors): Promise<PartitionProducers[]> {
    return describeProducers(this, partitions, errors);
  }

  /**
   * ListTransactions (KIP-664) on every broker: every transactional id, its producer id and state,
   * and the broker that listed it (its coordinator). `brokers`: every broker's id when the caller
   * knows them (no Metadata request).
   */
  listTransactions(
    filter?: ListTransactionsFilter,
    errors?: RequestErrors,
    brokers?: readonly number[],
  ): Promise<TransactionListing[]> {
    return listTransactions(this, filter, errors, brokers);
  }

  /**
   * DescribeTransactions (KIP-664) at each id's coordinator, in the order asked. `coordinators`: an
   * id's coordinator when the caller knows it (a listing's `coordinatorId`), asked without
   * FindCoordinator; a wrong one costs the lookup it saved.
   */
  describeTransactions(
    transactionalIds: readonly string[],
    errors?: RequestErrors,
    coordinators?: ReadonlyMap<string, number>,
  ): Promise<TransactionDescription[]> {
    return describeTransactions(this, transactionalIds, errors, coordinators);
  }

  /** API versions one broker supports (from its ApiVersions handshake), keyed by API key. */
  async apiVersions(brokerId: number): Promise<Map<number, { minVersion: number; maxVersion: number }>> {
    const broker = await this.broker(brokerId);
    const out = new Map<number, { minVersion: number; maxVersion: number }>();
    for (const [k, v] of Object.entries(broker.versions ?? {})) out.set(Number(k), v);
    return out;
  }

  /**
   * Log start, high watermark and last stable offset written into each partition, in one round of
   * ListOffsets per leader; all stay undefined unless log start and high watermark were both read.
   */
  private async fillOffsets(
    topics: readonly TopicState[],
    partitions: readonly PartitionRef[],
    errors: RequestErrors,
  ): Promise<void> {
    const byName = new Map<string, TopicState>();
    for (const t of topics) byName.set(t.name, t);
    const at = (topic: string, partition: number) => {
      const parts = byName.get(topic)?.partitions as MutablePartition[] | undefined;
      const p = parts?.[partition];
      return p?.partition === partition ? p : parts?.find((x) => x.partition === partition);
    };
    await this.listOffsetsEach(
      partitions,
      [
        {
          timestamp: EARLIEST,
          isolationLevel: 0,
          found: (t, p, offset) => {
            const part = at(t, p);
            if (part) part.logStartOffset = offset;
          },
        },
        {
          timestamp: LATEST,
          isolationLevel: 0,
          found: (t, p, offset) => {
            const part = at(t, p);
            if (part) part.highWatermark = offset;
          },
        },
        // After the high watermark on the same connection (listOffsetsEach): with no transaction
        // open the LSO read is never below the high watermark read, so a busy partition without
        // transactions never shows a gap between them.
        {
          timestamp: LATEST,
          isolationLevel: 1,
          found: (t, p, offset) => {
            const part = at(t, p);
            if (part) part.lastStableOffset = offset;
          },
        },
      ],
      errors,
    );
    for (const t of topics)
      for (const p of t.partitions as MutablePartition[]) {
        if (p.logStartOffset === undefined || p.highWatermark === undefined)
          p.logStartOffset = p.highWatermark = p.lastStableOffset = undefined;
      }
  }

  /** One full read of the cluster. Throws only when metadata cannot be read at all. */
  async collect(
    filters: CollectFilters,
    opts: { groupConcurrency?: number } = {},
  ): Promise<{ state: ClusterState; errors: RequestErrors }> {
    const errors = new RequestErrors();
    let md: Awaited<ReturnType<ClusterClient['metadata']>>;
    try {
      md = await traced('kafka.Metadata', { 'kafka.cluster': this.connection.name }, () => this.metadata(filters));
    } catch (e) {
      errors.add('Metadata', e);
      throw e;
    }
    // Partitions are this cycle's own objects (metadata() made them): offsets are written into
    // them rather than into maps keyed by partition and then copied.
    const partitions = md.topics.flatMap((t) => t.partitions);
    const attrs = { 'kafka.cluster': this.connection.name };
    const [, minIsr, groups, logDirs] = await Promise.all([
      traced('kafka.ListOffsets', { ...attrs, 'kafka.partitions': partitions.length }, () =>
        this.fillOffsets(md.topics, partitions, errors),
      ),
      traced('kafka.DescribeConfigs', { ...attrs, 'kafka.topics': md.topics.length }, () =>
        (this.extras.minInsyncReplicas ?? ((t, e) => this.minInsyncReplicas(t, e)))(
          md.topics.map((t) => t.name),
          errors,
        ),
      ),
      traced('kafka.groups', attrs, () =>
        this.groups(md.brokers, filters.groups, errors, opts.groupConcurrency, md.topics),
      ),
      this.extras.describeLogDirs
        ? traced('kafka.DescribeLogDirs', attrs, () => this.extras.describeLogDirs!(md.brokers, errors)).catch(
            (e: unknown) => (errors.add('DescribeLogDirs', e), undefined),
          )
        : Promise.resolve(undefined),
    ]);
    const topics = md.topics;
    for (const t of topics) t.minInsyncReplicas = minIsr.get(t.name);
    const topicNames = new Set(topics.map((t) => t.name));
    // Group offsets on filtered-out topics are dropped here too, so lag series obey the topic filter.
    const visibleGroups = groups.map((g) =>
      g.offsets.every((o) => topicNames.has(o.topic))
        ? g
        : { ...g, offsets: g.offsets.filter((o) => topicNames.has(o.topic)) },
    );
    this.logger?.debug(
      { topics: topics.length, groups: groups.length, errors: Object.fromEntries(errors.byApi) },
      'collected cluster state',
    );
    return {
      state: {
        clusterId: md.clusterId,
        controllerId: md.controllerId,
        brokers: md.brokers,
        topics,
        groups: visibleGroups,
        logDirs: logDirs ?? undefined,
        requestErrors: errors.byApi,
      },
      errors,
    };
  }
}

function safeDecode(buf: Buffer): { topic: string; partitions: number[] }[] {
  try {
    return decodeConsumerAssignment(buf);
  } catch {
    return [];
  }
}
