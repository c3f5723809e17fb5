// Topic and partition metadata of the cluster: names, ids, partition leaders, leader epochs,
// replica sets, ISR and topic config overrides. Kept apart from the logs so that replication
// (issue 4) can feed the same store from the controller's metadata log instead of local changes.
//
// Single broker: every partition is led by this node, replicas = ISR = [nodeId]. Persisted as JSON
// in <brokerDir>/metadata/topics.json (written to a temp file, fsynced, renamed: never torn).
// Changes are announced to listeners (the ReplicaManager creates and deletes partition logs).
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '../../protocol/index.js';
import type { TopicConfigs } from './topic-config.js';

/** A partition as the metadata quorum registers it (KRaft: PartitionRegistration): leader, epochs, replicas, ISR. */
export interface PartitionRegistration {
  topic: string;
  partition: number;
  leader: number;
  leaderEpoch: number;
  /** Bumped by every leader or ISR change (KRaft's partition epoch; AlterPartition checks it). */
  partitionEpoch: number;
  replicas: number[];
  isr: number[];
}

export interface TopicInfo {
  name: string;
  topicId: string;
  internal: boolean;
  partitions: PartitionRegistration[];
  configs: TopicConfigs;
}

export type TopicChange =
  | { kind: 'created'; topic: TopicInfo }
  | { kind: 'deleted'; topic: TopicInfo }
  | { kind: 'partitions-added'; topic: TopicInfo; from: number }
  | { kind: 'configs-changed'; topic: TopicInfo }
  | { kind: 'partition-changed'; topic: TopicInfo; partition: PartitionRegistration; previous: PartitionRegistration };

export class TopicError extends Error {
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'TopicError';
  }
}

const LEGAL = /^[a-zA-Z0-9._-]+$/;
export function validateTopicName(name: string): string | null {
  if (name.length === 0) return 'topic name is empty';
  if (name === '.' || name === '..') return `topic name ${JSON.stringify(name)} is not allowed`;
  if (name.length > 249) return 'topic name is longer than 249 characters';
  if (!LEGAL.test(name))
    return `topic name ${JSON.stringify(name)} has characters other than ASCII alphanumerics, '.', '_' and '-'`;
  return null;
}

/** A sanity bound (Kafka has none): one request must not be able to exhaust memory and file handles. */
export const MAX_PARTITIONS_PER_TOPIC = 10_000;

export const INTERNAL_TOPICS = new Set(['__consumer_offsets', '__transaction_state', '__share_group_state']);

export class TopicStore {
  private readonly topics = new Map<string, TopicInfo>();
  private readonly listeners: ((c: TopicChange) => void)[] = [];
  private readonly file: string;
  /** Number of metadata changes ever made (persisted): the single-node metadata log's end offset. */
  version = 0;

  constructor(
    private readonly metadataDir: string,
    private readonly nodeId: number,
    /** False in a cluster: there the metadata log is the record and this store is rebuilt from it. */
    private readonly persistent = true,
  ) {
    this.file = join(metadataDir, 'topics.json');
  }

  /** Load persisted topics (call once at start, before listeners are added). */
  load(): void {
    mkdirSync(this.metadataDir, { recursive: true });
    if (!existsSync(this.file)) return;
    const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as { topics: TopicInfo[]; changes?: number };
    for (const t of parsed.topics) {
      for (const p of t.partitions) p.partitionEpoch ??= 0;
      this.topics.set(t.name, t);
    }
    this.version = parsed.changes ?? 0;
  }

  onChange(fn: (c: TopicChange) => void): void {
    this.listeners.push(fn);
  }

  list(): TopicInfo[] {
    return [...this.topics.values()];
  }

  get(name: string): TopicInfo | undefined {
    return this.topics.get(name);
  }

  partition(topic: string, partition: number): PartitionRegistration | undefined {
    return this.topics.get(topic)?.partitions[partition];
  }

  /** Create a topic; throws TopicError with the Kafka error code when it cannot. */
  create(spec: {
    name: string;
    numPartitions: number;
    replicationFactor: number;
    configs?: TopicConfigs;
    validateOnly?: boolean;
  }): TopicInfo {
    const bad = validateTopicName(spec.name);
    if (bad) throw new TopicError(ErrorCode.INVALID_TOPIC_EXCEPTION, bad);
    if (this.topics.has(spec.name))
      throw new TopicError(ErrorCode.TOPIC_ALREADY_EXISTS, `topic '${spec.name}' already exists`);
    if (spec.numPartitions < 1)
      throw new TopicError(ErrorCode.INVALID_PARTITIONS, 'number of partitions must be at least 1');
    if (spec.numPartitions > MAX_PARTITIONS_PER_TOPIC)
      throw new TopicError(
        ErrorCode.INVALID_PARTITIONS,
        `at most ${MAX_PARTITIONS_PER_TOPIC} partitions per topic on the reference broker`,
      );
    if (spec.replicationFactor < 1)
      throw new TopicError(ErrorCode.INVALID_REPLICATION_FACTOR, 'replication factor must be at least 1');
    if (spec.replicationFactor > 1) {
      throw new TopicError(
        ErrorCode.INVALID_REPLICATION_FACTOR,
        `replication factor ${spec.replicationFactor} is larger than the 1 available broker(s)`,
      );
    }
    const topic: TopicInfo = {
      name: spec.name,
      topicId: randomUUID(),
      internal: INTERNAL_TOPICS.has(spec.name),
      partitions: [],
      configs: { ...(spec.configs ?? {}) },
    };
    for (let p = 0; p < spec.numPartitions; p++) topic.partitions.push(this.newPartition(spec.name, p));
    if (spec.validateOnly) return topic;
    this.topics.set(topic.name, topic);
    this.persist();
    this.emit({ kind: 'created', topic });
    return topic;
  }

  delete(name: string): void {
    const topic = this.topics.get(name);
    if (!topic) throw new TopicError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown topic '${name}'`);
    this.topics.delete(name);
    this.persist();
    this.emit({ kind: 'deleted', topic });
  }

  addPartitions(name: string, newTotal: number, validateOnly = false): void {
    const topic = this.topics.get(name);
    if (!topic) throw new TopicError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown topic '${name}'`);
    const from = topic.partitions.length;
    if (newTotal > MAX_PARTITIONS_PER_TOPIC)
      throw new TopicError(
        ErrorCode.INVALID_PARTITIONS,
        `at most ${MAX_PARTITIONS_PER_TOPIC} partitions per topic on the reference broker`,
      );
    if (newTotal <= from)
      throw new TopicError(
        ErrorCode.INVALID_PARTITIONS,
        `topic '${name}' has ${from} partition(s); the new count must be larger, got ${newTotal}`,
      );
    if (validateOnly) return;
    for (let p = from; p < newTotal; p++) topic.partitions.push(this.newPartition(name, p));
    this.persist();
    this.emit({ kind: 'partitions-added', topic, from });
  }

  /** Replace (AlterConfigs semantics) the topic's config overrides. */
  setConfigs(name: string, configs: TopicConfigs): void {
    const topic = this.topics.get(name);
    if (!topic) throw new TopicError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown topic '${name}'`);
    topic.configs = { ...configs };
    this.persist();
    this.emit({ kind: 'configs-changed', topic });
  }

  // ---- cluster mode: committed metadata records applied in log order (broker/controller/image.ts)

  applyTopic(topic: TopicInfo): void {
    const copy: TopicInfo = {
      ...topic,
      partitions: topic.partitions.map((p) => ({ ...p })),
      configs: { ...topic.configs },
    };
    this.topics.set(copy.name, copy);
    this.version++;
    this.emit({ kind: 'created', topic: copy });
  }

  applyRemoveTopic(name: string): void {
    const topic = this.topics.get(name);
    if (!topic) return;
    this.topics.delete(name);
    this.version++;
    this.emit({ kind: 'deleted', topic });
  }

  applyConfigs(name: string, configs: TopicConfigs): void {
    const topic = this.topics.get(name);
    if (!topic) return;
    topic.configs = { ...configs };
    this.version++;
    this.emit({ kind: 'configs-changed', topic });
  }

  /** A partition's new leader/epochs/replicas/ISR; a partition one past the end is added. */
  applyPartition(state: PartitionRegistration): void {
    const topic = this.topics.get(state.topic);
    if (!topic) return;
    const next = { ...state, replicas: [...state.replicas], isr: [...state.isr] };
    this.version++;
    if (state.partition === topic.partitions.length) {
      topic.partitions.push(next);
      this.emit({ kind: 'partitions-added', topic, from: state.partition });
      return;
    }
    const previous = topic.partitions[state.partition];
    if (!previous) return;
    topic.partitions[state.partition] = next;
    this.emit({ kind: 'partition-changed', topic, partition: next, previous });
  }

  private newPartition(topic: string, partition: number): PartitionRegistration {
    return {
      topic,
      partition,
      leader: this.nodeId,
      leaderEpoch: 0,
      partitionEpoch: 0,
      replicas: [this.nodeId],
      isr: [this.nodeId],
    };
  }

  private emit(c: TopicChange): void {
    for (const fn of this.listeners) fn(c);
  }

  private persist(): void {
    this.version++;
    if (!this.persistent) return;
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, JSON.stringify({ version: 1, changes: this.version, topics: this.list() }, null, 1));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
  }
}
