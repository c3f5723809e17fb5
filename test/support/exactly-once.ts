// Consume-transform-produce loops for the exactly-once tests, one per client: kafkajs 2.2.4,
// @confluentinc/kafka-javascript (librdkafka 2.15, in this process) and confluent-kafka-python
// (librdkafka 2.0.2, a python3 process). Each loop reads the input topic in its own consumer group
// with read_committed, writes one transformed record per input record to the output topic and
// commits the consumed offsets in the same transaction. After a failed transaction it does what the
// client's documentation asks (abort, or a new producer whose InitProducerId fences the old epoch and
// ends its transaction) and rewinds to the group's committed offsets, so a transaction whose
// outcome it could not learn is neither lost nor repeated.
//
// A transformed value names its input record, `<tag>|<partition>/<offset>|<input value>`, so a check
// can tell a duplicate (an input record transformed twice) from a gap (one never transformed).
// Before consuming, each loop's producer writes one transaction of three records to the input
// topic and aborts it (`abort-<tag>-<i>`): every read_committed consumer must skip them.
//
// librdkafka (2.15) clients are polled with consume(n) and closed with a bound, never in the
// binding's flowing mode (see rdkafka-group.ts); EOS_DEBUG=eos,cgrp,... turns on librdkafka's debug
// log for every client here, and the last lines are part of any close or recovery failure.
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { FAILOVER_RETRY, failoverKafka } from '../cluster-support.js';
import { Kafka, type Admin, type Consumer, type EachBatchPayload, type Producer } from 'kafkajs';
import type {
  KafkaConsumer as RdConsumer,
  LibrdKafkaError,
  Message as RdMessage,
  Producer as RdProducer,
  TopicPartitionOffsetAndMetadata,
} from '@confluentinc/kafka-javascript';
import type { ProcessFixture, RunningProcess } from './processes.js';

export interface EosLoopOptions {
  bootstrap: string;
  input: string;
  output: string;
  groupId: string;
  transactionalId: string;
  /** Names the client in transformed values and in messages. */
  tag: string;
  /** transaction.timeout.ms (default 10 s: a transaction orphaned by a failure is aborted soon). */
  transactionTimeoutMs?: number;
  /**
   * Time each transaction spends between its writes and its commit (the transform's work, default 0):
   * with it a loop is inside an open transaction most of the time, so a broker kill lands in one.
   */
  transformMs?: number;
}

export interface EosLoopStats {
  /** Transactions committed. */
  commits: number;
  /** Start and end (epoch ms) of each committed transaction: shows which ones a broker kill interrupted. */
  spans: [number, number][];
  /** Each failed transaction the loop recovered from (or failed to): the client's error. */
  recoveries: string[];
}

export interface EosLoop {
  readonly tag: string;
  readonly groupId: string;
  readonly transactionalId: string;
  /** Producer ready, the aborted input transaction written, the consumer assigned its partitions. */
  start(): Promise<void>;
  /** Stops consuming and closes the clients (bounded: a stuck close fails with the client's name). */
  stop(): Promise<void>;
  stats(): EosLoopStats;
}

/** What a loop reports as it goes: one committed transaction, or one failed step it recovers from. */
export type EosLoopEvent = { event: 'committed'; start: number; end: number } | { event: 'recovering'; error: string };

/** What every loop shares: its options' names, and the counts an in-process loop keeps. */
abstract class EosLoopBase implements EosLoop {
  protected readonly counts: EosLoopStats = { commits: 0, recoveries: [], spans: [] };
  private listener: ((e: EosLoopEvent) => void) | undefined;

  constructor(protected readonly o: EosLoopOptions) {}

  /** Each event as it happens (a loop running in a process of its own prints them). */
  onEvent(listener: (e: EosLoopEvent) => void): void {
    this.listener = listener;
  }

  /** A transaction begun at `start` committed now. */
  protected committed(start: number): void {
    const end = Date.now();
    this.counts.commits++;
    this.counts.spans.push([start, end]);
    this.listener?.({ event: 'committed', start, end });
  }

  protected recovering(error: string): void {
    this.counts.recoveries.push(error);
    this.listener?.({ event: 'recovering', error });
  }

  get tag(): string {
    return this.o.tag;
  }
  get groupId(): string {
    return this.o.groupId;
  }
  get transactionalId(): string {
    return this.o.transactionalId;
  }

  stats(): EosLoopStats {
    return { ...this.counts, recoveries: [...this.counts.recoveries], spans: [...this.counts.spans] };
  }

  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;
}

export const transformed = (tag: string, partition: number, offset: number | string, value: string): string =>
  `${tag}|${partition}/${offset}|${value}`;

/** `<tag>|<partition>/<offset>|<value>` back into its parts, or null. */
export function parseTransformed(v: string): { tag: string; input: string; value: string } | null {
  const m = /^([^|]+)\|(\d+\/\d+)\|(.*)$/s.exec(v);
  return m ? { tag: m[1], input: m[2], value: m[3] } : null;
}

/** The values of the transaction each loop aborts on the input before it consumes. */
export const abortedInputs = (tag: string): string[] => [0, 1, 2].map((i) => `abort-${tag}-${i}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves with `p`, or rejects after `ms` with `what` (and the promise keeps running). */
export async function bounded<T>(p: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(what())), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

// ------------------------------------------------------------------------------------ kafkajs

/**
 * kafkajs: eachBatch (one input partition per batch) is one transaction. Its output goes to the
 * output partition with the input's number, so each send has one leader: kafkajs 2.2.4 can resolve a
 * send spanning several leaders without writing a moved partition's records (issue #1303, see
 * chaos/load/partitioned-send.ts), which inside a transaction would commit the offsets of input
 * records whose output was never written. After any failure the producer is replaced: kafkajs
 * keeps a transaction whose EndTxn failed in a state it cannot leave (abort is refused there).
 */
export class KafkajsEosLoop extends EosLoopBase {
  private readonly kafka: Kafka;
  private admin!: Admin;
  private producer!: Producer;
  private consumer!: Consumer;

  constructor(o: EosLoopOptions) {
    super(o);
    this.kafka = failoverKafka(o.bootstrap, `eos-${o.tag}`);
  }

  /** A producer whose InitProducerId is done: kafkajs sends it with the first transaction(), so an empty one is begun and ended here (ending it sends nothing). */
  private async newProducer(): Promise<Producer> {
    const p = this.kafka.producer({
      transactionalId: this.o.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: this.o.transactionTimeoutMs ?? 10_000,
    });
    await p.connect();
    try {
      await (await p.transaction()).abort();
    } catch (e) {
      await p.disconnect().catch(() => undefined);
      throw e;
    }
    return p;
  }

  async start(): Promise<void> {
    this.admin = this.kafka.admin();
    await this.admin.connect();
    this.producer = await this.newProducer();
    const t = await this.producer.transaction();
    await t.send({
      topic: this.o.input,
      acks: -1,
      messages: abortedInputs(this.o.tag).map((value, i) => ({ key: `a${i}`, value, partition: i })),
    });
    await t.abort();
    this.consumer = this.kafka.consumer({
      groupId: this.o.groupId,
      maxWaitTimeInMs: 200,
      retry: FAILOVER_RETRY,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.o.input, fromBeginning: true });
    const joined = new Promise<void>((resolve) => {
      const off = this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
        off();
        resolve();
      });
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    await bounded(joined, 60_000, () => `${this.o.tag}: the consumer did not join its group in 60 s`);
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0 || !isRunning() || isStale()) return;
    const { topic, partition } = batch;
    const last = batch.messages[batch.messages.length - 1].offset;
    const started = Date.now();
    try {
      const t = await this.producer.transaction();
      await t.send({
        topic: this.o.output,
        acks: -1,
        messages: batch.messages.map((m) => ({
          key: m.key,
          partition,
          value: transformed(this.o.tag, partition, m.offset, String(m.value)),
        })),
      });
      await t.sendOffsets({
        consumerGroupId: this.o.groupId,
        topics: [{ topic, partitions: [{ partition, offset: String(Number(last) + 1) }] }],
      });
      await sleep(this.o.transformMs ?? 0);
      await t.commit();
      this.committed(started);
      resolveOffset(last);
    } catch (e) {
      this.recovering(`${(e as Error).name}: ${(e as Error).message}`);
      await this.recover(topic, partition, heartbeat);
    }
  }

  /**
   * A new producer (its InitProducerId aborts the failed transaction, or completes it if its commit
   * was already prepared), then the partition goes back to the group's committed offset.
   */
  private async recover(topic: string, partition: number, heartbeat: () => Promise<void>): Promise<void> {
    const deadline = Date.now() + 90_000;
    for (;;) {
      try {
        await this.producer.disconnect().catch(() => undefined);
        this.producer = await this.newProducer();
        const [offsets] = await this.admin.fetchOffsets({ groupId: this.o.groupId, topics: [topic] });
        const committed = offsets.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
        this.consumer.seek({ topic, partition, offset: Number(committed) < 0 ? '0' : committed });
        return;
      } catch (e) {
        if (Date.now() > deadline) {
          this.recovering(`recovery failed: ${(e as Error).message}`);
          throw e;
        }
        // A long recovery must not cost the group membership.
        await heartbeat().catch(() => undefined);
        await sleep(500);
      }
    }
  }

  /** Resolves at the member's next successful heartbeat, or after `ms`. */
  private nextHeartbeat(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        off();
        resolve();
      };
      const timer = setTimeout(done, ms);
      const off = this.consumer.on(this.consumer.events.HEARTBEAT, done);
    });
  }

  async stop(): Promise<void> {
    // kafkajs sends LeaveGroup to the coordinator it cached and does not retry: when a node's
    // restart has just moved the group's coordinator it fails with NOT_COORDINATOR, and kafkajs
    // 2.2.4 can surface that as an unhandled rejection (its runner's crash handler is not awaited):
    // 1 run in ~12 here. A successful heartbeat first means the cached coordinator is current (the
    // member rejoins through the new one when a heartbeat is refused), so the leave goes there.
    await this.nextHeartbeat(10_000);
    await bounded(
      this.consumer.disconnect().catch(() => undefined),
      60_000,
      () => `${this.o.tag}: consumer close did not finish in 60 s`,
    );
    await this.producer.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }
}

// ------------------------------------------------------------ @confluentinc/kafka-javascript

type RdModule = typeof import('@confluentinc/kafka-javascript');
const require = createRequire(import.meta.url);

export function rdkafka(): RdModule {
  try {
    return require('@confluentinc/kafka-javascript') as RdModule;
  } catch (e) {
    // A missing or unbuilt native addon is a broken install, not a reason to skip.
    throw new Error(
      `@confluentinc/kafka-javascript (devDependency, librdkafka 2.15) cannot be loaded: ${(e as Error).message}`,
    );
  }
}

/** A node-style librdkafka call as a promise (the callback's error is null or undefined on success). */
function call(fn: (cb: (err: LibrdKafkaError) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));
}

function describe(e: unknown): string {
  const err = e as Partial<LibrdKafkaError> & Error;
  const flags = [err.isFatal && 'fatal', err.isRetriable && 'retriable', err.isTxnRequiresAbort && 'abortable'];
  return `${err.code ?? ''} ${err.message}${flags.some(Boolean) ? ` (${flags.filter(Boolean).join(', ')})` : ''}`;
}

/** librdkafka's debug log of the clients of one owner (EOS_DEBUG), the last 2000 lines. */
class DebugLog {
  readonly lines: string[] = [];
  watch(client: { on(event: 'event.log', cb: (l: { message: string }) => void): unknown }, name: string): void {
    if (!process.env.EOS_DEBUG) return;
    client.on('event.log', (l: { message: string }) => this.note(`${name} ${l.message}`));
  }
  /**
   * One line of the log. EOS_DEBUG_FILE also appends every line to that file as it comes (with the
   * time), synchronously: a run killed at its bound still leaves the log of a stalled client.
   */
  note(line: string): void {
    this.lines.push(line);
    if (this.lines.length > 2000) this.lines.splice(0, 500);
    const file = process.env.EOS_DEBUG_FILE;
    if (file) appendFileSync(file, `${new Date().toISOString()} ${line}\n`);
  }
  tail(n = 40): string {
    return this.lines.length ? `\nlast librdkafka debug lines:\n${this.lines.slice(-n).join('\n')}` : '';
  }
  get debugConf(): Record<string, string> {
    return process.env.EOS_DEBUG ? { debug: process.env.EOS_DEBUG } : {};
  }
}

async function connected<C extends RdProducer | RdConsumer>(client: C, what: string): Promise<C> {
  await bounded(
    new Promise<void>((resolve, reject) => client.connect(undefined, (err) => (err ? reject(err) : resolve()))),
    60_000,
    () => `${what}: not connected after 60 s`,
  );
  return client;
}

/** Closes a librdkafka client within `ms` (its destroy can hang: then the error says which). */
async function closeBounded(
  client: RdProducer | RdConsumer,
  what: string,
  log = new DebugLog(),
  ms = 30_000,
): Promise<void> {
  await bounded(
    new Promise<void>((resolve) => client.disconnect(() => resolve())),
    ms,
    () => `${what}: close did not finish in ${ms / 1000} s${log.tail()}`,
  );
}

/** A connected librdkafka 2.15 transactional producer with InitProducerId done. */
export async function rdkafkaTransactionalProducer(
  bootstrap: string,
  transactionalId: string,
  extra: Record<string, unknown> = {},
  log = new DebugLog(),
): Promise<RdProducer> {
  const { Producer } = rdkafka();
  const p = new Producer({
    'bootstrap.servers': bootstrap,
    'client.id': transactionalId,
    'transactional.id': transactionalId,
    'transaction.timeout.ms': 10_000,
    ...log.debugConf,
    ...extra,
  });
  log.watch(p, transactionalId);
  await connected(p, `producer ${transactionalId}`);
  try {
    await call((cb) => p.initTransactions(60_000, cb));
  } catch (e) {
    await closeBounded(p, `producer ${transactionalId}`, log).catch(() => undefined);
    throw e;
  }
  return p;
}

export { call as rdkafkaCall, closeBounded as rdkafkaClose };

/**
 * librdkafka 2.15: a batch of consume(n) is one transaction (its records may span input partitions;
 * the output partition follows the key). Errors are handled as librdkafka documents: a retriable
 * commit is retried, an abortable error aborts, a fatal one (fenced) needs a new producer; then the
 * consumer seeks every assigned partition back to its committed offset.
 */
export class RdkafkaEosLoop extends EosLoopBase {
  private producer!: RdProducer;
  /** Producers left with a librdkafka call that never returned: closed at stop (see transaction()). */
  private readonly abandoned: RdProducer[] = [];
  /** Set when the current producer's call did not return within its bound. */
  private stuck = false;
  private consumer!: RdConsumer;
  private polling: Promise<void> | null = null;
  private stopping = false;
  readonly log = new DebugLog();

  /**
   * `closeAbandoned: false` leaves a producer stuck in a call to the end of the process instead of
   * closing it at stop (its close waits for that call): for a loop in a process of its own.
   */
  constructor(
    o: EosLoopOptions,
    private readonly opts: { closeAbandoned?: boolean } = {},
  ) {
    super(o);
  }

  /** Producers replaced while stuck in a librdkafka call (librdkafka issues 5456 and 5511). */
  get abandonedProducers(): number {
    return this.abandoned.length;
  }

  private newProducer(): Promise<RdProducer> {
    return rdkafkaTransactionalProducer(
      this.o.bootstrap,
      this.o.transactionalId,
      { 'transaction.timeout.ms': this.o.transactionTimeoutMs ?? 10_000 },
      this.log,
    );
  }

  async start(): Promise<void> {
    this.producer = await this.newProducer();
    await call((cb) => this.producer.beginTransaction(cb));
    abortedInputs(this.o.tag).forEach((value, i) =>
      this.producer.produce(this.o.input, i, Buffer.from(value), `a${i}`),
    );
    // librdkafka purges records not yet sent when a transaction aborts: flushed first, so they are in the log.
    await call((cb) => this.producer.flush(30_000, cb));
    await call((cb) => this.producer.abortTransaction(30_000, cb));

    const { KafkaConsumer } = rdkafka();
    this.consumer = new KafkaConsumer(
      {
        'bootstrap.servers': this.o.bootstrap,
        'client.id': `eos-${this.o.tag}`,
        'group.id': this.o.groupId,
        'enable.auto.commit': false,
        'isolation.level': 'read_committed',
        rebalance_cb: true,
        ...this.log.debugConf,
      },
      { 'auto.offset.reset': 'earliest' },
    );
    this.log.watch(this.consumer, 'consumer');
    const assigned = new Promise<void>((resolve) =>
      this.consumer.on('rebalance', (err) => {
        if (err.code === -175 /* ERR__ASSIGN_PARTITIONS */) resolve();
      }),
    );
    await connected(this.consumer, `${this.o.tag} consumer`);
    this.consumer.subscribe([this.o.input]);
    this.consumer.setDefaultConsumeTimeout(200);
    this.polling = this.run();
    await bounded(assigned, 60_000, () => `${this.o.tag}: no partitions assigned in 60 s${this.log.tail()}`);
  }

  // consume(n) waits up to the consume timeout for each next message until it has n: while input
  // trickles in, a large n makes few large transactions. 20 keeps them small and frequent.
  private consume(): Promise<RdMessage[]> {
    return new Promise((resolve) =>
      this.consumer.consume(20, (err, msgs) => {
        if (err) this.trace(`consume error: ${describe(err)}`);
        else if (msgs?.length) this.trace(`consumed ${msgs.map((m) => `${m.partition}/${m.offset}`).join(' ')}`);
        resolve(err ? [] : (msgs ?? []));
      }),
    );
  }

  /** The loop's own steps in the debug log (EOS_DEBUG), between librdkafka's lines. */
  private trace(what: string): void {
    if (process.env.EOS_DEBUG) this.log.note(`loop ${what}`);
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const msgs = await this.consume();
      if (msgs.length === 0) continue;
      const started = Date.now();
      try {
        await this.transaction(msgs);
        this.committed(started);
      } catch (e) {
        this.recovering(describe(e));
        try {
          await this.recover(e as LibrdKafkaError);
        } catch (r) {
          // The next transaction fails again and comes back here: the loop keeps trying.
          this.recovering(`recovery failed: ${describe(r)}`);
          await sleep(500);
        }
      }
    }
  }

  private async transaction(msgs: RdMessage[]): Promise<void> {
    await call((cb) => this.producer.beginTransaction(cb));
    const next = new Map<number, number>();
    for (const m of msgs) {
      this.producer.produce(
        this.o.output,
        null,
        Buffer.from(transformed(this.o.tag, m.partition, m.offset, String(m.value))),
        m.key ?? null,
      );
      next.set(m.partition, Math.max(next.get(m.partition) ?? 0, m.offset + 1));
    }
    const offsets = [...next].map(([partition, offset]) => ({ topic: this.o.input, partition, offset }));
    this.trace(`sendOffsetsToTransaction ${offsets.map((o) => `${o.partition}:${o.offset}`).join(' ')}`);
    // librdkafka 2.15 can leave this call waiting for good (and past its own timeout) when the group
    // coordinator it has cached was a killed broker that metadata then dropped: it sends AddOffsetsToTxn,
    // gets NO_ERROR, and never looks the group coordinator up again to send TxnOffsetCommit
    // (librdkafka issues 5456 and 5511). The application bounds it: past the bound the producer is
    // replaced (recover(): a new instance's InitProducerId fences this one and aborts its transaction).
    const sent = call((cb) => this.producer.sendOffsetsToTransaction(offsets, this.consumer, 20_000, cb));
    sent.catch(() => undefined); // a late outcome of an abandoned call is of no interest
    await bounded(sent, 25_000, () => 'sendOffsetsToTransaction did not return in 25 s (20 s timeout)').catch(
      (e: Error) => {
        this.stuck = true;
        throw e;
      },
    );
    await sleep(this.o.transformMs ?? 0);
    this.trace('commitTransaction');
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        await call((cb) => this.producer.commitTransaction(30_000, cb));
        this.trace('committed');
        return;
      } catch (e) {
        // A retriable commit (e.g. timed out while the coordinator moves) may be called again.
        if (!(e as LibrdKafkaError).isRetriable || Date.now() > deadline) throw e;
        this.recovering(`commit retried: ${describe(e)}`);
      }
    }
  }

  private async recover(err: LibrdKafkaError): Promise<void> {
    let replace = !err.isTxnRequiresAbort || !!err.isFatal;
    if (!replace) {
      try {
        await call((cb) => this.producer.abortTransaction(30_000, cb));
      } catch (e) {
        this.recovering(`abort failed: ${describe(e)}`);
        replace = true;
      }
    }
    if (replace) {
      // librdkafka's destroy waits for the stuck call (measured: a close bounded at 30 s ran out), so a
      // stuck producer is set aside instead; the new instance's InitProducerId fences it all the same.
      if (this.stuck) this.abandoned.push(this.producer);
      else
        await closeBounded(this.producer, `${this.o.tag} producer`, this.log).catch((e: Error) =>
          this.recovering(e.message),
        );
      this.stuck = false;
      this.producer = await this.newProducer();
    }
    await this.rewind();
  }

  /** Every assigned partition back to its committed offset (the start when none is committed). */
  private async rewind(): Promise<void> {
    const parts = this.consumer.assignments().map(({ topic, partition }) => ({ topic, partition }));
    if (parts.length === 0) return;
    const committed = await new Promise<TopicPartitionOffsetAndMetadata[]>((resolve, reject) =>
      this.consumer.committed(parts, 30_000, (err, tps) => (err ? reject(err) : resolve(tps))),
    );
    for (const tp of committed)
      await call((cb) =>
        this.consumer.seek(
          { topic: tp.topic, partition: tp.partition, offset: tp.offset >= 0 ? tp.offset : 0 },
          5000,
          cb,
        ),
      );
  }

  async stop(): Promise<void> {
    this.stopping = true;
    // The last consume(n) returns within its 200 ms timeout; a transaction in progress within its bounds.
    const stopped = await bounded(
      this.polling ?? Promise.resolve(),
      150_000,
      () => `${this.o.tag}: the loop did not stop`,
    ).then(
      () => null,
      (e: Error) => e,
    );
    // Closed even when the loop is stuck in a librdkafka call: an open client keeps the test process alive.
    await closeBounded(this.consumer, `${this.o.tag} consumer`, this.log);
    await closeBounded(this.producer, `${this.o.tag} producer`, this.log);
    if (this.opts.closeAbandoned !== false)
      for (const p of this.abandoned)
        await closeBounded(p, `${this.o.tag} abandoned producer`, this.log).catch((e: Error) =>
          this.recovering(e.message),
        );
    if (stopped) throw new Error(`${stopped.message} (stats: ${JSON.stringify(this.stats())})${this.log.tail()}`);
  }
}

export interface ReadRecord {
  partition: number;
  offset: number;
  value: string;
}

/**
 * Every record of `topic` a librdkafka 2.15 consumer (assigned, no group) reads from the start of
 * each partition until each has reported its end (enable.partition.eof: the high watermark, or
 * the last stable offset with read_committed). Throws if that takes longer than `timeoutMs`.
 */
export async function rdkafkaReadAll(
  bootstrap: string,
  topic: string,
  partitions: number,
  isolation: 'read_committed' | 'read_uncommitted',
  timeoutMs = 30_000,
): Promise<ReadRecord[]> {
  const { KafkaConsumer } = rdkafka();
  const log = new DebugLog();
  const c = new KafkaConsumer(
    {
      'bootstrap.servers': bootstrap,
      'group.id': `eos-reader-${isolation}-${Date.now()}`,
      'enable.auto.commit': false,
      'enable.partition.eof': true,
      'isolation.level': isolation,
      ...log.debugConf,
    },
    {},
  );
  log.watch(c, 'reader');
  const ended = new Set<number>();
  c.on('partition.eof', (e) => ended.add(e.partition));
  await connected(c, `${isolation} reader`);
  const records: ReadRecord[] = [];
  try {
    c.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: 0 })));
    c.setDefaultConsumeTimeout(200);
    const deadline = Date.now() + timeoutMs;
    while (ended.size < partitions) {
      if (Date.now() > deadline)
        throw new Error(
          `${isolation} reader of ${topic}: partitions [${[...ended]}] ended, not all, in ${timeoutMs} ms`,
        );
      const msgs = await new Promise<RdMessage[]>((resolve) =>
        c.consume(100, (err, m) => resolve(err ? [] : (m ?? []))),
      );
      for (const m of msgs) records.push({ partition: m.partition, offset: m.offset, value: String(m.value) });
    }
  } finally {
    await closeBounded(c, `${isolation} reader`, log);
  }
  return records;
}

// ------------------------------------------------------------------ confluent-kafka-python

// argv: bootstrap input output group transactional-id tag transaction-timeout-ms transform-ms. One
// JSON line per event: {"event": "assigned"} once the consumer has its partitions, "committed" (start, end) and
// "recovering" per transaction, "done" after SIGTERM (commits, recoveries, and the abort-* values a
// read_uncommitted reader of the input saw). librdkafka's handling as in RdkafkaEosLoop.
const PYTHON_EOS_LOOP = `
import json, os, signal, sys, time
from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition, OFFSET_BEGINNING
bs, tin, tout, group, txid, tag, timeout_ms, transform_ms = sys.argv[1:9]
debug = {'debug': os.environ['EOS_DEBUG']} if os.environ.get('EOS_DEBUG') else {}
stopping = False
def on_term(*_):
    global stopping
    stopping = True
signal.signal(signal.SIGTERM, on_term)
def say(**kw):
    print(json.dumps(kw), flush=True)
def describe(err):
    flags = [f for f, on in (('fatal', err.fatal()), ('retriable', err.retriable()), ('abortable', err.txn_requires_abort())) if on]
    return '%s %s%s' % (err.code(), err.str(), ' (%s)' % ', '.join(flags) if flags else '')
def new_producer():
    deadline = time.time() + 90
    while True:
        p = Producer(dict({'bootstrap.servers': bs, 'client.id': txid, 'transactional.id': txid,
                           'transaction.timeout.ms': int(timeout_ms)}, **debug))
        try:
            p.init_transactions(30)
            return p
        except KafkaException as e:
            say(event='init-failed', error=describe(e.args[0]))
            if time.time() > deadline:
                raise
p = new_producer()
p.begin_transaction()
for i in range(3):
    p.produce(tin, partition=i, key='a%d' % i, value='abort-%s-%d' % (tag, i))
p.flush(30)
p.abort_transaction(30)
c = Consumer(dict({'bootstrap.servers': bs, 'client.id': 'eos-' + tag, 'group.id': group,
                   'isolation.level': 'read_committed', 'enable.auto.commit': False,
                   'auto.offset.reset': 'earliest'}, **debug))
c.subscribe([tin], on_assign=lambda _c, parts: say(event='assigned', partitions=[tp.partition for tp in parts]))
commits, recoveries = 0, []
def rewind():
    deadline = time.time() + 90
    while True:
        try:
            parts = c.assignment()
            if parts:
                for tp in c.committed(parts, timeout=30):
                    c.seek(TopicPartition(tp.topic, tp.partition, tp.offset if tp.offset >= 0 else OFFSET_BEGINNING))
            return
        except KafkaException as e:
            recoveries.append('rewind failed: ' + describe(e.args[0]))
            if time.time() > deadline:
                raise
            time.sleep(0.5)
while not stopping:
    msgs = [m for m in c.consume(100, 0.2) if m.error() is None]
    if not msgs:
        continue
    started = time.time() * 1000
    try:
        p.begin_transaction()
        nxt = {}
        for m in msgs:
            p.produce(tout, key=m.key(), value=('%s|%d/%d|' % (tag, m.partition(), m.offset())).encode() + m.value())
            nxt[m.partition()] = max(nxt.get(m.partition(), 0), m.offset() + 1)
        p.send_offsets_to_transaction([TopicPartition(tin, q, o) for q, o in nxt.items()], c.consumer_group_metadata(), 30)
        time.sleep(int(transform_ms) / 1000)
        deadline = time.time() + 120
        while True:
            try:
                p.commit_transaction(30)
                break
            except KafkaException as e:
                if not e.args[0].retriable() or time.time() > deadline:
                    raise
        commits += 1
        say(event='committed', start=started, end=time.time() * 1000)
    except KafkaException as e:
        err = e.args[0]
        recoveries.append(describe(err))
        say(event='recovering', error=recoveries[-1])
        replace = err.fatal() or not err.txn_requires_abort()
        if not replace:
            try:
                p.abort_transaction(30)
            except KafkaException as a:
                recoveries.append('abort failed: ' + describe(a.args[0]))
                replace = True
        if replace:
            p = None
            p = new_producer()
        rewind()
c.close()
# read_uncommitted from the start of every input partition to its high watermark: the aborted records are there.
ru = Consumer(dict({'bootstrap.servers': bs, 'group.id': group + '-uncommitted', 'isolation.level': 'read_uncommitted',
                    'enable.auto.commit': False}, **debug))
parts = sorted(ru.list_topics(tin, timeout=30).topics[tin].partitions)
ends = {q: ru.get_watermark_offsets(TopicPartition(tin, q), timeout=30)[1] for q in parts}
ru.assign([TopicPartition(tin, q, OFFSET_BEGINNING) for q in parts])
pos, aborted = {q: 0 for q in parts}, set()
deadline = time.time() + 30
while any(pos[q] < ends[q] for q in parts) and time.time() < deadline:
    m = ru.poll(0.2)
    if m is None or m.error() is not None:
        continue
    pos[m.partition()] = m.offset() + 1
    if m.value().startswith(b'abort-'):
        aborted.add(m.value().decode())
ru.close()
say(event='done', commits=commits, recoveries=recoveries, uncommittedAborted=sorted(aborted))
`;

/** The last line a loop process prints after SIGTERM (the Python loop adds its read_uncommitted values). */
interface DoneEvent {
  event: 'done';
  commits: number;
  recoveries: string[];
  /** Set when the loop did not stop cleanly (a stuck close, a loop that did not end). */
  error?: string;
  uncommittedAborted?: string[];
}

/**
 * A loop in a process of its own, started through the file's fixture: it prints one JSON line per
 * event on stdout ({"event": "assigned"} once its consumer has partitions, then "committed" and
 * "recovering", "done" after SIGTERM). A client call that never returns then holds only that
 * process, which is SIGKILLed by PID if it has not exited soon after its final line.
 */
abstract class ProcessEosLoop extends EosLoopBase {
  protected proc: RunningProcess | null = null;
  protected done: DoneEvent | null = null;

  constructor(
    protected readonly fx: ProcessFixture,
    o: EosLoopOptions,
  ) {
    super(o);
  }

  /** The program and its arguments. */
  protected abstract command(): [string, string[]];

  private events(): { event: string; [k: string]: unknown }[] {
    return (this.proc?.stdout() ?? '')
      .split('\n')
      .filter((l) => l.startsWith('{"event"'))
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as { event: string }];
        } catch {
          return []; // a line not yet complete
        }
      });
  }

  override stats(): EosLoopStats {
    const events = this.events();
    const spans = events
      .filter((e) => e.event === 'committed')
      .map((e) => [Number(e.start), Number(e.end)] as [number, number]);
    const recoveries = events.filter((e) => e.event === 'recovering').map((e) => String(e.error));
    return { commits: spans.length, recoveries: this.done?.recoveries ?? recoveries, spans };
  }

  async start(): Promise<void> {
    const [program, args] = this.command();
    this.proc = await this.fx.start(program, args, {
      name: `${this.o.tag} loop`,
      readyWhen: /"event": ?"assigned"/,
      readyTimeoutMs: 90_000,
    });
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    // SIGTERM ends the loop after its current transaction (which has bounds of its own). Once the
    // final line is out the process gets 5 s to exit (measured: Node's exit waits for good on a
    // librdkafka call still in flight); without a final line 240 s, over the loop's own 210 s of
    // bounds. Then SIGKILL.
    proc.kill('SIGTERM');
    let exited = false;
    void proc.exited.then(() => (exited = true));
    const deadline = Date.now() + 240_000;
    let doneAt = 0;
    while (!exited && Date.now() < deadline && !(doneAt && Date.now() - doneAt > 5000)) {
      if (!doneAt && this.events().some((e) => e.event === 'done')) doneAt = Date.now();
      await sleep(100);
    }
    await proc.stop(1);
    const done = this.events().find((e) => e.event === 'done') as DoneEvent | undefined;
    if (!done) throw new Error(`${this.o.tag}: no final line; output tail:\n${proc.output().slice(-4000)}`);
    this.done = done;
    if (done.error) throw new Error(`${this.o.tag}: ${done.error}`);
  }
}

/** confluent-kafka-python (librdkafka 2.0.2) in a python3 process. */
export class PythonEosLoop extends ProcessEosLoop {
  protected command(): [string, string[]] {
    const o = this.o;
    return [
      '/usr/bin/python3',
      [
        '-u',
        '-c',
        PYTHON_EOS_LOOP,
        o.bootstrap,
        o.input,
        o.output,
        o.groupId,
        o.transactionalId,
        o.tag,
        String(o.transactionTimeoutMs ?? 10_000),
        String(o.transformMs ?? 0),
      ],
    ];
  }

  /** The abort-* values the script's read_uncommitted reader saw (after stop()). */
  uncommittedAborted(): string[] {
    return this.done?.uncommittedAborted ?? [];
  }
}

/**
 * RdkafkaEosLoop (librdkafka 2.15) in a Node process of its own (rdkafka-eos-process.ts, run
 * through tsx like the tests): a producer it had to abandon in a call that never returns (see
 * RdkafkaEosLoop.transaction) ends with that process instead of keeping the test file's alive.
 */
export class RdkafkaEosLoopProcess extends ProcessEosLoop {
  protected command(): [string, string[]] {
    const script = fileURLToPath(new URL('./rdkafka-eos-process.ts', import.meta.url));
    return [process.execPath, ['--import', 'tsx', script, JSON.stringify(this.o)]];
  }
}
