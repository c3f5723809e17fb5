// librdkafka group members for the broker's group tests: @confluentinc/kafka-javascript (librdkafka
// 2.15) consumers with either group protocol (classic or KIP-848 consumer), what each consumed and
// owned, a paced producer, and the 0-lost check with a report of where the gaps are. Shared by
// broker-groups-kip848 and broker-groups-migration.
// The client is a devDependency: if it cannot be loaded the test fails, it never skips.
import { createRequire } from 'node:module';
import type { Producer } from 'kafkajs';
import { waitFor } from './processes.js';

export interface RdMessage {
  topic: string;
  partition: number;
  offset: number;
  value: Buffer | null;
}
export interface RdTopicPartition {
  topic: string;
  partition: number;
}
export interface RdConsumer {
  on(event: 'data', cb: (m: RdMessage) => void): void;
  on(event: 'rebalance', cb: (err: { code: number }, assignment: RdTopicPartition[]) => void): void;
  on(event: 'event.error', cb: (e: Error) => void): void;
  on(event: 'event.log', cb: (l: { message: string }) => void): void;
  once(event: 'ready', cb: () => void): void;
  connect(): void;
  subscribe(topics: (string | RegExp)[]): void;
  consume(n: number, cb: (err: Error | null, messages?: RdMessage[]) => void): void;
  setDefaultConsumeTimeout(ms: number): void;
  disconnect(cb: () => void): void;
}
type RdConsumerCtor = new (conf: Record<string, unknown>, topicConf: Record<string, unknown>) => RdConsumer;

const require = createRequire(import.meta.url);
export function loadClient(): RdConsumerCtor {
  try {
    return (require('@confluentinc/kafka-javascript') as { KafkaConsumer: RdConsumerCtor }).KafkaConsumer;
  } catch (e) {
    // A missing or unbuilt native addon is a broken install, not a reason to skip.
    throw new Error(
      `@confluentinc/kafka-javascript (devDependency, librdkafka 2.15) cannot be loaded: ${(e as Error).message}`,
    );
  }
}

/** One group member: what it consumed and which partitions it was given and lost. */
export class Member {
  readonly records: RdMessage[] = [];
  readonly assigned = new Set<string>();
  readonly everAssigned = new Set<string>();
  readonly errors: string[] = [];
  private readonly consumer: RdConsumer;
  /** The poll loop: consume(n) calls one after another until stop() (see start). */
  private polling: Promise<void> | null = null;
  private stopping = false;

  constructor(
    readonly name: string,
    groupId: string,
    private readonly subscription: string[],
    bootstrap: string,
    /** group.protocol: 'consumer' (KIP-848) or 'classic'; extra librdkafka settings. */
    protocol: 'consumer' | 'classic' = 'consumer',
    extra: Record<string, unknown> = {},
  ) {
    const KafkaConsumer = loadClient();
    this.consumer = new KafkaConsumer(
      {
        'bootstrap.servers': bootstrap,
        'client.id': name,
        'group.id': groupId,
        'group.protocol': protocol,
        'enable.auto.commit': true,
        'auto.commit.interval.ms': 300,
        'topic.metadata.refresh.interval.ms': 1000,
        rebalance_cb: true,
        // KIP848_DEBUG=cgrp,fetch,... prints librdkafka's debug log of every member.
        ...(process.env.KIP848_DEBUG ? { debug: process.env.KIP848_DEBUG } : {}),
        ...extra,
      },
      { 'auto.offset.reset': 'earliest' },
    );
    this.consumer.on('data', (m) => this.records.push({ ...m, value: m.value }));
    this.consumer.on('rebalance', (err, assignment) => {
      for (const tp of assignment) {
        const k = `${tp.topic}/${tp.partition}`;
        if (err.code === -175) {
          this.assigned.add(k);
          this.everAssigned.add(k);
        } else this.assigned.delete(k);
      }
    });
    this.consumer.on('event.error', (e) => this.errors.push(e.message));
    if (process.env.KIP848_DEBUG) this.consumer.on('event.log', (l) => console.log(`# ${name} ${l.message}`));
  }

  async start(): Promise<void> {
    // A client that never gets ready fails the test here instead of hanging it to the file timeout.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: not ready after 60 s`)), 60_000);
      this.consumer.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
      this.consumer.connect();
    });
    this.consumer.subscribe(this.subscription);
    // Polled from here (consume(n) in a loop, as most applications do) rather than the binding's
    // flowing mode: closing a flowing consumer whose assignment had settled could leave librdkafka's
    // destroy waiting for good ("terminating: broker still has 3 refcnt(s), 0 buffer(s), 0
    // partition(s)" on every broker handle: nothing in flight, references held by the consume
    // thread), which stop() below then has to time out.
    this.consumer.setDefaultConsumeTimeout(200);
    this.polling = (async () => {
      while (!this.stopping) {
        const failed = await new Promise<boolean>((resolve) => this.consumer.consume(100, (err) => resolve(!!err)));
        if (failed) await new Promise((r) => setTimeout(r, 50));
      }
    })();
  }

  /** Stops polling, then closes the consumer (leaving the group); bounded, so a stuck close fails with the member's name. */
  async stop(timeoutMs = 60_000): Promise<void> {
    this.stopping = true;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${this.name}: close did not finish in ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
    });
    try {
      // The last consume(n) returns within its 200 ms timeout; the bound covers that wait too.
      await Promise.race([this.polling, bound]);
      await Promise.race([new Promise<void>((resolve) => this.consumer.disconnect(() => resolve())), bound]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Produces `batches` batches of `size` records to each topic, `gapMs` apart; values are `topic:n`. */
export async function produceOver(
  producer: Producer,
  topics: string[],
  batches: number,
  size: number,
  gapMs: number,
  produced: Set<string>,
  partitions = 2,
): Promise<void> {
  let n = 0;
  for (let b = 0; b < batches; b++) {
    for (const topic of topics) {
      // One partition per send, in turn over the first `partitions`: a kafkajs send spanning several
      // leaders can resolve without writing a moved partition's records (kafkajs #1303).
      const partition = b % partitions;
      const values = Array.from({ length: size }, () => `${topic}:${n++}`);
      await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value, partition })) });
      for (const v of values) produced.add(v);
    }
    await new Promise((r) => setTimeout(r, gapMs));
  }
}

export function consumedValues(members: Member[]): Map<string, { members: Set<string>; count: number }> {
  const out = new Map<string, { members: Set<string>; count: number }>();
  for (const m of members)
    for (const r of m.records) {
      const v = r.value?.toString() ?? '';
      let e = out.get(v);
      if (!e) out.set(v, (e = { members: new Set(), count: 0 }));
      e.members.add(m.name);
      e.count += 1;
    }
  return out;
}

export async function waitAllConsumed(members: Member[], produced: Set<string>, timeoutMs: number): Promise<void> {
  await waitFor(
    'every produced record consumed',
    () => {
      const seen = consumedValues(members);
      return [...produced].every((v) => seen.has(v)) || undefined;
    },
    timeoutMs,
    250,
  ).catch((e: Error) => {
    const seen = consumedValues(members);
    const missing = [...produced].filter((v) => !seen.has(v));
    // Where the gaps are: offsets never delivered (a skip) or a log shorter than what was produced.
    const offsets = new Map<string, Set<number>>();
    for (const m of members)
      for (const r of m.records) {
        const k = `${r.topic}/${r.partition}`;
        if (!offsets.has(k)) offsets.set(k, new Set());
        offsets.get(k)!.add(Number(r.offset));
      }
    const gaps = [...offsets].map(([k, os]) => {
      const max = Math.max(...os);
      const holes = Array.from({ length: max }, (_, o) => o).filter((o) => !os.has(o));
      return `${k}: up to ${max}, ${holes.length} never delivered (${holes.slice(0, 6).join(',')})`;
    });
    throw new Error(
      `${e.message}: ${missing.length} of ${produced.size} missing (e.g. ${missing.slice(0, 5).join(', ')}); ` +
        `${gaps.join('; ')}; ` +
        members
          .map(
            (m) =>
              `${m.name}: ${m.records.length} records, owns [${[...m.assigned].join(' ')}], errors ${m.errors.slice(-3).join(' | ')}`,
          )
          .join('; '),
    );
  });
}
