// Built-in load driver on kafkajs: producers at a fixed total rate with a key distribution
// (uniform, hot key, none), consumer groups, and the ack log for the data check: every record
// carries "<run>:<producer>:<seq>" as a header (seq counts per producer, so the id says which
// producer sent it and in what order), and every send (one partition) is logged with its ids, start,
// end and outcome. After the drill the data check reads the whole topic back on its own
// (read-back.ts) and compares (data-check.ts). It also implements LoadControl for client-side faults.
// Plain kafkajs, so it runs against any Kafka; the game-day drills run it against the replicated
// reference cluster (test/gameday-*.test.ts).
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { createKafka, type SaslCredentials } from '../../kafka-client/index.js';
import type { LoadSpec } from '../schema/schema.js';
import type { LoadControl } from '../faults/types.js';
import { checkData, groupConsumption, type DataCheckResult, type SendRecord } from './data-check.js';
import { PartitionedSender, type SendTracker } from './partitioned-send.js';
import { readBack } from './read-back.js';
import { withAdminRetry } from '../faults/admin-retry.js';
import { LoadMetrics, type K6Summary, type Slowest } from './k6-metrics.js';
import { TransactionalLoad } from './transactions.js';
import { checkTransactions } from './txn-check.js';

const idHeader = 'kafka-sre-gameday-id';
const acksOf = { all: -1, leader: 1, none: 0 } as const;

export interface LoadDriverOptions {
  bootstrapServers: string[];
  runId: string;
  spec: LoadSpec;
  /** SASL used by the clients; "credentials-revoke" swaps the password for a wrong one. */
  sasl?: SaslCredentials;
}

interface ConsumerSlot {
  consumer?: Consumer;
  delayMs: number;
}

export class LoadDriver implements LoadControl {
  readonly metrics = new LoadMetrics();
  private readonly acked = new Set<string>();
  /** Every send, in the order they started (the ack log). */
  private readonly sendLog: SendRecord[] = [];
  /** What the load's consumer group read (informational next to the read-back). */
  private readonly consumed: string[] = [];
  private producers: Producer[] = [];
  private readonly consumers = new Map<string, ConsumerSlot[]>();
  private timers: NodeJS.Timeout[] = [];
  /** Pending restarts of crashed consumers (cleared when the consumers are stopped). */
  private readonly restartTimers = new Set<NodeJS.Timeout>();
  /** Sends not answered yet: stopping waits for them, or a late acknowledgement would count as lost. */
  private readonly inFlight = new Set<Promise<void>>();
  private hot: { share: number; key: string } | undefined;
  private revoked = { producers: false, consumers: false };
  /** Next sequence number per producer. */
  private readonly seqOf: number[] = [];
  private running = false;
  /** Splits every send by partition (a kafkajs retry bug otherwise drops records it acknowledges). */
  private sender: { admin: Admin; send: PartitionedSender } | null = null;
  /** load.transactions: transactional producer processes and read_committed consumers. */
  private readonly txn: TransactionalLoad | undefined;

  constructor(private readonly opts: LoadDriverOptions) {
    const t = opts.spec.transactions;
    this.txn = t
      ? new TransactionalLoad({
          bootstrapServers: opts.bootstrapServers,
          topic: opts.spec.topic,
          runId: opts.runId,
          idHeader,
          recordSize: opts.spec.recordSize,
          spec: t,
          kafka: () => this.kafka(false),
        })
      : undefined;
  }

  /** createKafka gives every client its own kafkajs SASL options, so a revoked password is really tried. */
  private kafka(revoked: boolean): Kafka {
    const sasl = this.opts.sasl && (revoked ? { ...this.opts.sasl, password: 'revoked-by-gameday' } : this.opts.sasl);
    return createKafka({
      clientId: `kafka-sre-gameday-${this.opts.runId}`,
      brokers: this.opts.bootstrapServers,
      sasl,
      retry: { retries: 3 },
    });
  }

  async start(): Promise<void> {
    const { spec } = this.opts;
    if (spec.createTopic) {
      const admin = this.kafka(false).admin();
      await admin.connect();
      try {
        const { partitions, replicationFactor, minInsyncReplicas } = spec.createTopic;
        await withAdminRetry(`creating topic ${spec.topic}`, async () => {
          if ((await admin.listTopics()).includes(spec.topic)) return;
          await admin.createTopics({
            waitForLeaders: true,
            topics: [
              {
                topic: spec.topic,
                numPartitions: partitions,
                replicationFactor,
                configEntries: [{ name: 'min.insync.replicas', value: String(minInsyncReplicas) }],
              },
            ],
          });
        });
      } finally {
        await admin.disconnect();
      }
    }
    this.running = true;
    if (spec.consumers) await this.startConsumers(spec.consumers.groupId);
    await this.startProducers();
    await this.txn?.start();
  }

  async holdTransactionalProducer(index: number, signal: 'SIGKILL' | 'SIGSTOP'): Promise<{ pid: number }> {
    if (!this.txn) throw new Error('the load has no transactions section');
    return this.txn.hold(index, signal);
  }

  async releaseTransactionalProducer(index: number, restart: boolean): Promise<void> {
    await this.txn?.release(index, restart);
  }

  private async startProducers(): Promise<void> {
    const { spec } = this.opts;
    if (!this.sender) {
      // Metadata only; not the producers' (possibly revoked) credentials, so a drill's auth fault stays on the producers.
      const admin = this.kafka(false).admin();
      await admin.connect();
      this.sender = { admin, send: new PartitionedSender(admin, spec.topic) };
    }
    const kafka = this.kafka(this.revoked.producers);
    for (let p = 0; p < spec.producers; p++) {
      const producer = kafka.producer({ allowAutoTopicCreation: false });
      this.producers.push(producer);
      // A refused connection (revoked credentials) is retried by the next send, as an application
      // retries: every attempt is one failed login the broker counts, every tick one failed write.
      let connection = this.connectProducer(producer);
      const connected = async (): Promise<boolean> => {
        const current = connection;
        if ((await current) === null) return true;
        if (connection === current) connection = this.connectProducer(producer);
        return (await connection) === null;
      };
      const refused = await connection;
      if (refused && !this.revoked.producers) throw refused;
      // 10 ticks a second; fractional rates carry over so the total rate is exact on average.
      const perTick = spec.rate / spec.producers / 10;
      let carry = 0;
      const timer = setInterval(() => {
        carry += perTick;
        const n = Math.floor(carry);
        carry -= n;
        if (n === 0) return;
        const send = this.sendBatch(producer, connected, p, n).finally(() => this.inFlight.delete(send));
        this.inFlight.add(send);
      }, 100);
      this.timers.push(timer);
    }
  }

  private key(): string | null {
    const k = this.opts.spec.keys;
    const hot = this.hot ?? (k.distribution === 'hot' ? { share: k.hotKeyShare, key: k.hotKey } : undefined);
    if (hot && Math.random() < hot.share) return hot.key;
    if (k.distribution === 'none') return null;
    return `key-${Math.floor(Math.random() * k.cardinality)}`;
  }

  /** Connects a producer: null when connected, else why not. */
  private async connectProducer(producer: Producer): Promise<Error | null> {
    return producer.connect().then(
      () => null,
      (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
    );
  }

  private async sendBatch(producer: Producer, connected: () => Promise<boolean>, p: number, n: number): Promise<void> {
    const { spec, runId } = this.opts;
    const messages = [];
    for (let i = 0; i < n; i++) {
      const seq = this.seqOf[p] ?? 0;
      this.seqOf[p] = seq + 1;
      const id = `${runId}:${p}:${seq}`;
      const value = Buffer.alloc(spec.recordSize, 0x61);
      value.write(`${id}|${Date.now()}|`);
      messages.push({ key: this.key(), value, headers: { [idHeader]: id } });
    }
    const started = process.hrtime.bigint();
    this.metrics.add('kafka_writer_write_count');
    try {
      const sender = this.sender;
      if (!sender) throw new Error('the load driver is not started');
      if (!(await connected())) throw new Error('the producer is not connected');
      const { acked, failedSends } = await sender.send.send(producer, acksOf[spec.acks], messages, this.tracker(p));
      for (const m of acked) this.acked.add(m.headers[idHeader]);
      this.metrics.add('kafka_writer_message_count', acked.length);
      this.metrics.add('kafka_writer_acked_count', acked.length);
      this.metrics.add('kafka_writer_message_bytes', acked.length * spec.recordSize);
      if (failedSends > 0) this.metrics.add('kafka_writer_error_count', failedSends);
    } catch {
      this.metrics.add('kafka_writer_error_count');
    } finally {
      this.metrics.add('kafka_writer_write_seconds', Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  /** Logs a partition send when it starts; its outcome stays indeterminate unless acknowledged. */
  private tracker(producer: number): SendTracker<{ headers: Record<string, string> }> {
    return (partition, messages) => {
      const rec: SendRecord = {
        producer,
        partition,
        ids: messages.map((m) => m.headers[idHeader]),
        startedAt: Date.now(),
        endedAt: Infinity,
        outcome: 'indeterminate',
      };
      this.sendLog.push(rec);
      return (acked) => {
        rec.endedAt = Date.now();
        if (acked) rec.outcome = 'acked';
      };
    };
  }

  async startConsumers(group: string): Promise<void> {
    const { spec } = this.opts;
    if (!spec.consumers || spec.consumers.groupId !== group)
      throw new Error(`the load driver has no consumer group ${group}`);
    const existing = this.consumers.get(group) ?? [];
    if (existing.some((s) => s.consumer)) return;
    const slots: ConsumerSlot[] = existing.length
      ? existing
      : Array.from({ length: spec.consumers.count }, () => ({ delayMs: 0 }));
    this.consumers.set(group, slots);
    const kafka = this.kafka(this.revoked.consumers);
    for (const slot of slots) {
      try {
        await this.startSlot(kafka, group, slot);
      } catch (e) {
        // With revoked credentials the consumer keeps retrying (like a supervised application),
        // each attempt a failed login the broker counts; otherwise a failed start is the drill's error.
        if (!this.revoked.consumers || !slot.consumer) throw e;
        this.metrics.add('kafka_reader_error_count');
        this.restartSlot(group, slot, slot.consumer);
      }
    }
  }

  private async startSlot(kafka: Kafka, group: string, slot: ConsumerSlot): Promise<void> {
    const { spec } = this.opts;
    const consumer = kafka.consumer({ groupId: group });
    slot.consumer = consumer;
    consumer.on(consumer.events.REBALANCING, () => this.metrics.add('kafka_reader_rebalance_count'));
    consumer.on(consumer.events.CRASH, (e) => {
      this.metrics.add('kafka_reader_error_count');
      // kafkajs gives up on non-retriable errors (e.g. TOPIC_AUTHORIZATION_FAILED while an ACL is
      // removed); a real consumer would be restarted by its supervisor, so the driver does that,
      // or every record acknowledged after the fault would count as lost.
      if (!e.payload.restart) this.restartSlot(group, slot, consumer);
    });
    await consumer.connect();
    await consumer.subscribe({ topic: spec.topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const id = message.headers?.[idHeader]?.toString();
        if (id?.startsWith(`${this.opts.runId}:`)) {
          this.consumed.push(id);
          const sentAt = Number(message.value?.toString('latin1', 0, 80).split('|')[1]);
          if (Number.isFinite(sentAt))
            this.metrics.add('kafka_reader_end_to_end_seconds', (Date.now() - sentAt) / 1000);
        }
        this.metrics.add('kafka_reader_message_count');
        this.metrics.add('kafka_reader_message_bytes', message.value?.length ?? 0);
        if (slot.delayMs > 0) await new Promise((r) => setTimeout(r, slot.delayMs));
      },
    });
  }

  /** Replaces a crashed consumer after a back-off, unless it was stopped (or replaced) meanwhile. */
  private restartSlot(group: string, slot: ConsumerSlot, crashed: Consumer): void {
    const timer = setTimeout(() => {
      this.restartTimers.delete(timer);
      if (!this.running || slot.consumer !== crashed) return;
      void crashed
        .disconnect()
        .catch(() => {})
        .then(() =>
          slot.consumer === crashed ? this.startSlot(this.kafka(this.revoked.consumers), group, slot) : undefined,
        )
        .catch(() => this.restartSlot(group, slot, slot.consumer ?? crashed));
    }, 2000);
    this.restartTimers.add(timer);
  }

  async stopConsumers(group: string): Promise<void> {
    for (const t of this.restartTimers) clearTimeout(t);
    this.restartTimers.clear();
    for (const slot of this.consumers.get(group) ?? []) {
      await slot.consumer?.disconnect();
      slot.consumer = undefined;
    }
  }

  setConsumerDelay(group: string, delayMs: number): void {
    for (const slot of this.consumers.get(group) ?? []) slot.delayMs = delayMs;
  }

  setHotKey(share: number, key: string): void {
    this.hot = share > 0 ? { share, key } : undefined;
  }

  async setCredentialsRevoked(clients: 'producers' | 'consumers' | 'all', revoked: boolean): Promise<void> {
    if (!this.opts.sasl)
      throw new Error(
        'credentials-revoke needs the load clients to authenticate (SASL); the target has no credentials configured',
      );
    if (clients !== 'consumers') {
      this.revoked.producers = revoked;
      await this.stopProducers();
      if (this.running) await this.startProducers();
    }
    if (clients !== 'producers' && this.opts.spec.consumers) {
      this.revoked.consumers = revoked;
      await this.stopConsumers(this.opts.spec.consumers.groupId);
      await this.startConsumers(this.opts.spec.consumers.groupId);
    }
  }

  private async stopProducers(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    // Let every send end (acknowledged or failed) before the producers go: a send acknowledged after
    // the drain check would be reported lost, and one cut off by disconnect keeps retrying timers alive.
    const bound = new Promise<void>((r) => setTimeout(r, this.opts.spec.drainTimeout).unref());
    await Promise.race([Promise.allSettled([...this.inFlight]), bound]);
    await Promise.allSettled(this.producers.map((p) => p.disconnect()));
    this.producers = [];
  }

  private async stopSender(): Promise<void> {
    const sender = this.sender;
    this.sender = null;
    await sender?.admin.disconnect().catch(() => undefined);
  }

  /** Stop producing, let consumers catch up (up to drainTimeout), then disconnect everything. */
  async stop(): Promise<void> {
    this.running = false;
    await this.stopProducers();
    await this.stopSender();
    await this.txn?.stop(this.opts.spec.drainTimeout);
    const deadline = Date.now() + this.opts.spec.drainTimeout;
    if (this.opts.spec.consumers) {
      const consumedSet = new Set(this.consumed);
      while (Date.now() < deadline) {
        for (const id of this.consumed) consumedSet.add(id);
        if ([...this.acked].every((id) => consumedSet.has(id))) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      await this.stopConsumers(this.opts.spec.consumers.groupId);
    }
  }

  /** The ack log so far (tests). */
  sends(): readonly SendRecord[] {
    return this.sendLog;
  }

  /**
   * After stop(): reads the whole topic back with a fresh reader (not the load's group) and checks
   * the ack log against it. Never throws: a read that fails or stops short is an incomplete
   * read-back, which the verdict reports as inconclusive.
   */
  async dataCheck(): Promise<DataCheckResult> {
    const { spec, runId } = this.opts;
    const log = await readBack(this.kafka(false), {
      topic: spec.topic,
      idHeader,
      idPrefix: `${runId}:`,
      idleTimeoutMs: Math.max(30_000, spec.drainTimeout),
      groupPrefix: spec.consumers?.groupId ?? spec.transactions?.consumers.groupId,
    });
    const txn = this.txn;
    if (!txn)
      return checkData(this.sendLog, log, spec.consumers ? groupConsumption(this.acked, this.consumed) : undefined);
    // One read_committed read-back of the topic, split between the plain and the transactional load.
    const plain = { ...log, entries: log.entries.filter((e) => !txn.ownsId(e.id)) };
    const result = checkData(
      this.sendLog,
      plain,
      spec.consumers ? groupConsumption(this.acked, this.consumed) : undefined,
    );
    const { txns, groupReads } = txn.log();
    result.transactions = checkTransactions(
      txns,
      log.entries.filter((e) => txn.ownsId(e.id)),
      groupReads,
    );
    return result;
  }

  summary(): K6Summary {
    return this.metrics.summary(this.opts.spec.thresholds);
  }

  slowestWrite(): Slowest | null {
    return this.metrics.slowest('kafka_writer_write_seconds');
  }
}
