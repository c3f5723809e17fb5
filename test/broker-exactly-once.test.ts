// test-budget: 70s
// Exactly-once consume-transform-produce on the 3-broker reference cluster, three clients at once:
// kafkajs 2.2.4, @confluentinc/kafka-javascript (librdkafka 2.15) and confluent-kafka-python
// (librdkafka 2.0.2). Each loop (test/support/exactly-once.ts) reads the input topic in its own
// group with read_committed, writes one transformed record per input record and commits its
// consumed offsets in the same transaction. While input keeps arriving, the broker coordinating the
// loops' transactional ids (chosen to hash to one `__transaction_state` partition) is SIGKILLed,
// then a leader of an output partition; each node is restarted afterwards. The committed output,
// read with read_committed from the beginning, must then hold exactly one transformed record per
// input record for every client: no duplicate, no gap. Each client's producer also aborted one
// transaction on the input: read_committed consumers of every client skip it, read_uncommitted
// readers of every client see it. A zombie librdkafka 2.15 producer is fenced (kafkajs and
// librdkafka 2.0.2 zombies are in test/broker-transactions.test.ts). One cluster for the file.
//
// librdkafka 2.15's sendOffsetsToTransaction can stay in flight for good after a SIGKILL of the
// broker that was both the transaction and the group coordinator (librdkafka issues #5456 and
// #5511; about 1 run in 25 here). Its loop bounds the call and replaces the producer, and runs in a
// process of its own, so the abandoned producer ends with that process (test/support/exactly-once.ts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, type Admin, type Producer } from 'kafkajs';
import type { LibrdKafkaError, Producer as RdProducer } from '@confluentinc/kafka-javascript';
import { findCoordinatorCodec } from '../protocol/apis/10-find-coordinator.js';
import { offsetsPartitionFor } from '../protocol/index.js';
import { processFixture, waitFor } from './support/processes.js';
import { RawClient, tempDir } from './broker-support.js';
import { FAILOVER_RETRY, failoverKafka, startClusterProc, type ClusterProc } from './cluster-support.js';
import {
  KafkajsEosLoop,
  PythonEosLoop,
  RdkafkaEosLoopProcess,
  abortedInputs,
  parseTransformed,
  rdkafkaCall,
  rdkafkaClose,
  rdkafkaReadAll,
  rdkafkaTransactionalProducer,
  type EosLoop,
  type EosLoopOptions,
} from './support/exactly-once.js';

const IN = 'eos-in';
const OUT = 'eos-out';
const PARTITIONS = 3;
/** Input records fed before the kills, across the coordinator's SIGKILL, across the output leader's: 300 in all. */
const PHASES = [90, 105, 105];
const fx = processFixture();
const dir = tempDir('broker-exactly-once');
let cluster: ClusterProc;
let kafka: Kafka;
let admin: Admin;
let feeder: Producer;
let loops: EosLoop[] = [];
let python: PythonEosLoop;
let stopped = false;
/** Input values in the order fed (`in-<n>`). */
const fed: string[] = [];
/** The node that coordinated the loops' transactions when it was killed. */
let killedCoordinator = -1;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  cluster = await startClusterProc(fx, dir, {
    broker: { transactionAbortTimedOutTransactionCleanupIntervalMs: 1000 },
  });
  kafka = failoverKafka(cluster.bootstrap, 'eos-test');
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [IN, OUT].map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 3 })),
  });
  feeder = kafka.producer({ retry: FAILOVER_RETRY });
  await feeder.connect();
  const tags = ['kafkajs', 'rdkafka', 'python'];
  const ids = await sameCoordinatorIds(tags);
  const opts = (i: number): EosLoopOptions => ({
    bootstrap: cluster.bootstrap,
    input: IN,
    output: OUT,
    groupId: `eos-${tags[i]}`,
    transactionalId: ids[i],
    tag: tags[i],
    transactionTimeoutMs: 10_000,
    transformMs: 150,
  });
  python = new PythonEosLoop(fx, opts(2));
  loops = [new KafkajsEosLoop(opts(0)), new RdkafkaEosLoopProcess(fx, opts(1)), python];
  // One after another: each loop's start writes and aborts its transaction on the input, and kafkajs
  // 2.2.4's read_committed filter shows aborted records when aborted transactions of two producers
  // overlap in a partition (measured here: the kafkajs loop transformed another loop's abort-* records).
  for (const l of loops) await l.start();
});

after(async () => {
  if (!stopped) await Promise.allSettled(loops.map((l) => l.stop()));
  await feeder?.disconnect().catch(() => undefined);
  await admin?.disconnect().catch(() => undefined);
  await cluster?.stop();
});

/** FindCoordinator (transaction) for `id`, asked of the running brokers until one names a running broker. */
async function coordinatorOf(id: string): Promise<number> {
  const found = await waitFor(
    `the transaction coordinator of ${id}`,
    async () => {
      const running = (await cluster.admin.nodes()).filter((n) => n.state === 'running').map((n) => n.id);
      for (const node of cluster.nodes.filter((n) => running.includes(n.id))) {
        const c = await RawClient.connect(node.port);
        try {
          const r = await c.request(findCoordinatorCodec, 1, { key: id, keyType: 1 });
          if (r.errorCode === 0 && running.includes(r.nodeId)) return r;
        } finally {
          c.close();
        }
      }
      return undefined;
    },
    60_000,
    200,
  );
  return found!.nodeId;
}

/** Transactional ids `eos-<tag>-<n>` on one `__transaction_state` partition: one broker coordinates every loop. */
async function sameCoordinatorIds(tags: string[]): Promise<string[]> {
  await coordinatorOf('eos-probe'); // the first FindCoordinator of a transactional id creates the topic
  // Every broker learns of the new topic from the controller: the one asked may not have yet.
  const n = (await waitFor(
    'the partitions of __transaction_state',
    async () => (await admin.fetchTopicMetadata({ topics: ['__transaction_state'] })).topics[0].partitions.length,
    30_000,
    200,
  ))!;
  const target = offsetsPartitionFor(`eos-${tags[0]}-0`, n);
  return tags.map((tag) => {
    for (let i = 0; ; i++) if (offsetsPartitionFor(`eos-${tag}-${i}`, n) === target) return `eos-${tag}-${i}`;
  });
}

/** Feeds `n` input records, 5 per send and one partition per send (kafkajs #1303), `gapMs` apart. */
async function feed(n: number, gapMs: number): Promise<void> {
  const end = fed.length + n;
  for (let b = 0; fed.length < end; b++) {
    const values = Array.from({ length: Math.min(5, end - fed.length) }, (_, i) => `in-${fed.length + i}`);
    await feeder.send({
      topic: IN,
      acks: -1,
      messages: values.map((value) => ({ key: value, value, partition: b % PARTITIONS })),
    });
    fed.push(...values);
    if (gapMs > 0) await sleep(gapMs);
  }
}

/** Committed offset of each input partition, per loop (-1: none). */
async function committedOffsets(): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (const l of loops) {
    const [o] = await admin.fetchOffsets({ groupId: l.groupId, topics: [IN] });
    out.set(
      l.tag,
      Array.from({ length: PARTITIONS }, (_, p) => Number(o.partitions.find((x) => x.partition === p)?.offset ?? -1)),
    );
  }
  return out;
}

/**
 * Per loop, what the kill hit: a transaction open across it that still committed, transactions
 * that failed after it and were recovered (`recoveredBefore`: the loop's recoveries before the
 * kill), or neither (the loop was between transactions and its next one met the outage).
 */
function atKill(killedAt: number, recoveredBefore: Map<string, number>): string {
  return loops
    .map((l) => {
      const s = l.stats();
      const span = s.spans.find(([start, end]) => start <= killedAt && end >= killedAt);
      const recovered = s.recoveries.length - (recoveredBefore.get(l.tag) ?? 0);
      const what = [
        span && `a transaction open across the kill committed ${Math.round(span[1] - killedAt)} ms after it`,
        recovered > 0 && `${recovered} failed transaction step(s) recovered`,
      ].filter(Boolean);
      return `${l.tag}: ${what.length ? what.join(', ') : 'between transactions'}`;
    })
    .join('; ');
}

function loopStats(): string {
  return loops
    .map((l) => {
      const s = l.stats();
      const shown = s.recoveries.slice(0, 4).join(' | ');
      const ms = s.spans.map(([start, end]) => end - start).sort((a, b) => a - b);
      const took = ms.length
        ? ` (median ${Math.round(ms[ms.length >> 1])} ms, max ${Math.round(ms[ms.length - 1])} ms)`
        : '';
      return `${l.tag}: ${s.commits} commits${took}, ${s.recoveries.length} recoveries${shown ? ` (${shown})` : ''}`;
    })
    .join('; ');
}

/** Until every loop's group has committed the input's end offsets, i.e. each fed record was processed. */
async function waitCaughtUp(what: string, timeoutMs: number): Promise<void> {
  const ends = await waitFor(
    'the input end offsets',
    async () => {
      const o = await admin.fetchTopicOffsets(IN);
      return Array.from({ length: PARTITIONS }, (_, p) => Number(o.find((x) => x.partition === p)!.high));
    },
    30_000,
    200,
  );
  let last = new Map<string, number[]>();
  await waitFor(
    what,
    async () => {
      last = await committedOffsets();
      return [...last.values()].every((offsets) => offsets.every((o, p) => o >= ends[p])) || undefined;
    },
    timeoutMs,
    250,
  ).catch((e: Error) => {
    const behind = [...last].map(([tag, o]) => `${tag} [${o.join(',')}]`).join(' ');
    throw new Error(`${e.message}: input ends [${ends.join(',')}], committed ${behind}; ${loopStats()}`);
  });
}

/** Until every partition of the topics the loops use has its full ISR again (after a restart). */
async function waitFullyReplicated(): Promise<void> {
  await waitFor(
    'every replica of the input, output and internal partitions back in sync',
    async () => {
      const meta = await admin.fetchTopicMetadata({ topics: [IN, OUT, '__transaction_state', '__consumer_offsets'] });
      return (
        meta.topics.every((t) => t.partitions.every((p) => p.leader >= 0 && p.isr.length === p.replicas.length)) ||
        undefined
      );
    },
    60_000,
    250,
  );
}

/**
 * Feeds a phase slowly, SIGKILLs `victim()` once every loop has committed part of it (so each is
 * in the middle of its stream), waits until every loop has processed all of it, then restarts
 * the node. Returns ms from the kill until every loop had caught up.
 */
async function drill(
  phase: number,
  victim: () => Promise<number>,
): Promise<{ node: number; caughtUpMs: number; atKill: string }> {
  const before = await committedOffsets();
  const feeding = feed(PHASES[phase], 80);
  await waitFor(
    'every loop to commit input of this phase',
    async () => {
      const now = await committedOffsets();
      return loops.every((l) => now.get(l.tag)!.some((o, p) => o > Math.max(before.get(l.tag)![p], 0))) || undefined;
    },
    30_000,
    100,
  );
  const node = await victim();
  const recoveredBefore = new Map(loops.map((l) => [l.tag, l.stats().recoveries.length]));
  await cluster.admin.kill(node);
  const killedAt = Date.now();
  await feeding;
  await waitCaughtUp(`every loop to process the input fed across the SIGKILL of broker ${node}`, 90_000);
  const caughtUpMs = Date.now() - killedAt;
  await cluster.admin.restart(node);
  await cluster.waitHealthy();
  await waitFullyReplicated();
  return { node, caughtUpMs, atKill: atKill(killedAt, recoveredBefore) };
}

test('three consume-transform-produce loops process their input, read_committed', async () => {
  await feed(PHASES[0], 0);
  await waitCaughtUp('every loop to process the first input', 60_000);
});

test('the broker coordinating the loops’ transactions is SIGKILLed mid-stream (and restarted)', async (t) => {
  const r = await drill(1, async () => {
    const coordinators: number[] = [];
    for (const l of loops) coordinators.push(await coordinatorOf(l.transactionalId));
    assert.equal(new Set(coordinators).size, 1, `one coordinator for the three loops: ${coordinators}`);
    return (killedCoordinator = coordinators[0]);
  });
  t.diagnostic(`coordinator ${r.node} killed: ${r.atKill}; loops caught up ${r.caughtUpMs} ms later; ${loopStats()}`);
});

test('a leader of an output partition is SIGKILLed mid-stream (and restarted)', async (t) => {
  const r = await drill(2, async () => {
    const coordinator = await coordinatorOf(loops[0].transactionalId);
    const meta = await admin.fetchTopicMetadata({ topics: [OUT] });
    const leaders = meta.topics[0].partitions.map((p) => p.leader).filter((l) => l >= 0);
    // Another broker than the coordinator when one leads an output partition: a separate failure.
    return leaders.find((l) => l !== coordinator) ?? leaders[0];
  });
  t.diagnostic(
    `output leader ${r.node} killed (coordinator killed before: ${killedCoordinator}): ${r.atKill}; loops caught up ${r.caughtUpMs} ms later; ${loopStats()}`,
  );
});

/** The values a fresh kafkajs group consumer reads from the start of `topic` until `done` (or 30 s). */
async function kafkajsReadValues(topic: string, readUncommitted: boolean, done: (v: Set<string>) => boolean) {
  const consumer = kafka.consumer({
    groupId: `eos-check-${topic}-${readUncommitted ? 'uncommitted' : 'committed'}-${Date.now()}`,
    readUncommitted,
    maxWaitTimeInMs: 200,
  });
  const values = new Set<string>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void values.add(String(message.value)) });
    // A timeout is not an error here: the assertion after it says what is missing.
    await waitFor(`${topic} read`, () => done(values) || undefined, 30_000, 200).catch(() => undefined);
  } finally {
    await consumer.disconnect();
  }
  return values;
}

test('the committed output holds exactly one transformed record per input record, for every client', async (t) => {
  stopped = true;
  await Promise.all(loops.map((l) => l.stop()));
  t.diagnostic(`after stop: ${loopStats()}`);
  // Both topics read to their end (the LSO: every transaction has ended) with read_committed.
  const inputs = await rdkafkaReadAll(cluster.bootstrap, IN, PARTITIONS, 'read_committed');
  assert.deepEqual(
    inputs.filter((r) => r.value.startsWith('abort-')).map((r) => r.value),
    [],
    'read_committed input: no record of an aborted transaction',
  );
  const inputValues = new Set(inputs.map((r) => r.value));
  assert.deepEqual(
    fed.filter((v) => !inputValues.has(v)),
    [],
    'every fed input record is in the input topic',
  );
  const input = new Map(inputs.map((r) => [`${r.partition}/${r.offset}`, r.value]));
  const outputs = await rdkafkaReadAll(cluster.bootstrap, OUT, PARTITIONS, 'read_committed');
  const problems: string[] = [];
  const unparsed = outputs.filter((r) => !parseTransformed(r.value)).map((r) => r.value);
  if (unparsed.length)
    problems.push(`${unparsed.length} output records of no loop (${unparsed.slice(0, 5).join(', ')})`);
  for (const l of loops) {
    const seen = new Map<string, number>();
    const wrong: string[] = [];
    for (const r of outputs) {
      const x = parseTransformed(r.value);
      if (!x || x.tag !== l.tag) continue;
      seen.set(x.input, (seen.get(x.input) ?? 0) + 1);
      if (input.get(x.input) !== x.value) wrong.push(`${x.input}=${x.value}`);
    }
    const missing = [...input.keys()].filter((k) => !seen.has(k));
    const duplicated = [...seen].filter(([, n]) => n > 1).map(([k, n]) => `${k} x${n}`);
    t.diagnostic(`${l.tag}: ${seen.size} of ${input.size} input records transformed`);
    if (missing.length + duplicated.length + wrong.length > 0)
      problems.push(
        `${l.tag}: ${missing.length} gaps (${missing.slice(0, 5).join(' ')}), ${duplicated.length} duplicates ` +
          `(${duplicated.slice(0, 5).join(' ')}), ${wrong.length} not from a committed input record ` +
          `(${wrong.slice(0, 5).join(' ')})`,
      );
  }
  assert.deepEqual(problems, [], `committed output of ${input.size} input records; ${loopStats()}`);
});

test('aborted input transactions: skipped by read_committed, seen by read_uncommitted, with every client', async () => {
  // read_committed: every loop's consumer (kafkajs, librdkafka 2.15 and 2.0.2) skipped them, or the
  // check above would have found a transformed abort-* record not from a committed input record.
  const aborted = loops.flatMap((l) => abortedInputs(l.tag)).sort();
  const abortedOf = (values: Iterable<string>) => [...new Set(values)].filter((v) => v.startsWith('abort-')).sort();
  const [kafkajs, rd] = await Promise.all([
    kafkajsReadValues(IN, true, (v) => aborted.every((x) => v.has(x))),
    rdkafkaReadAll(cluster.bootstrap, IN, PARTITIONS, 'read_uncommitted'),
  ]);
  assert.deepEqual(abortedOf(kafkajs), aborted, 'kafkajs read_uncommitted reader');
  assert.deepEqual(abortedOf(rd.map((r) => r.value)), aborted, 'librdkafka 2.15 read_uncommitted reader');
  assert.deepEqual(python.uncommittedAborted(), aborted, 'librdkafka 2.0.2 (python) read_uncommitted reader');
});

test('a zombie librdkafka 2.15 producer (same transactional id, older epoch) is fenced', async (t) => {
  const topic = 'eos-zombie';
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, replicationFactor: 3 }] });
  const id = 'eos-zombie-rdkafka';
  const zombie = await rdkafkaTransactionalProducer(cluster.bootstrap, id);
  let fresh: RdProducer | undefined;
  try {
    await rdkafkaCall((cb) => zombie.beginTransaction(cb));
    zombie.produce(topic, 0, Buffer.from('zombie-0'), 'z');
    await rdkafkaCall((cb) => zombie.flush(30_000, cb));
    // A second instance: its InitProducerId aborts the zombie's open transaction and bumps the epoch.
    fresh = await rdkafkaTransactionalProducer(cluster.bootstrap, id);
    const err = await rdkafkaCall((cb) => zombie.commitTransaction(30_000, cb)).then(
      () => null,
      (e: LibrdKafkaError) => e,
    );
    assert.ok(err, 'the zombie’s commit fails');
    t.diagnostic(`zombie commit: ${err.code} ${err.message} (fatal: ${err.isFatal})`);
    // ERR__FENCED (-144) is librdkafka's fatal error for PRODUCER_FENCED (90) / INVALID_PRODUCER_EPOCH (47).
    assert.ok([-144, 90, 47].includes(err.code), `fenced, not ${err.code} ${err.message}`);
    const f = fresh;
    await rdkafkaCall((cb) => f.beginTransaction(cb));
    f.produce(topic, 0, Buffer.from('fresh-0'), 'z');
    await rdkafkaCall((cb) => f.commitTransaction(30_000, cb));
    const read = await rdkafkaReadAll(cluster.bootstrap, topic, 1, 'read_committed');
    assert.deepEqual(
      read.map((r) => r.value),
      ['fresh-0'],
      'read_committed: the new instance’s record, not the zombie’s',
    );
  } finally {
    await rdkafkaClose(zombie, 'zombie producer').catch(() => undefined);
    if (fresh) await rdkafkaClose(fresh, 'fresh producer').catch(() => undefined);
  }
});
