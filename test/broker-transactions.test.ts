// test-budget: 120s
// Transactions (KIP-98) on the 3-broker reference cluster with kafkajs 2.2.4's transactional
// producer and its read_committed (default) and read_uncommitted consumers (and once with
// librdkafka 2.0.2 through confluent-kafka-python): commits and aborts,
// the last stable offset, fencing of a zombie producer, the coordinator aborting a transaction
// left open past its timeout, transactional offset commits (sendOffsets), and a transaction that
// commits after its coordinator broker was SIGKILLed (state reloaded from `__transaction_state` by
// the new leader of its partition). One cluster for the whole file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, type Admin, type Producer } from 'kafkajs';
import { findCoordinatorCodec } from '../protocol/apis/10-find-coordinator.js';
import { produceCodec } from '../protocol/apis/00-produce.js';
import {
  ErrorCode,
  addPartitionsToTxnCodec,
  endTxnCodec,
  initProducerIdCodec,
  txnOffsetCommitCodec,
} from '../protocol/index.js';
import { buildRecordBatch } from '../protocol/record-batch/index.js';
import { listOffsetsCodec } from '../protocol/apis/02-list-offsets.js';
import { processFixture, runCommand, waitFor } from './support/processes.js';
import { RawClient, tempDir } from './broker-support.js';
import { failoverKafka, startClusterProc, type ClusterProc } from './cluster-support.js';

const TOPIC = 'txn-out';
const PARTITIONS = 3;
const fx = processFixture();
const dir = tempDir('broker-transactions');
let cluster: ClusterProc;
let kafka: Kafka;
let admin: Admin;
const producers: Producer[] = [];
/** Values of committed and aborted transactions, as the tests make them. */
const committed = new Set<string>();
const aborted = new Set<string>();

before(async () => {
  cluster = await startClusterProc(fx, dir, {
    broker: { transactionAbortTimedOutTransactionCleanupIntervalMs: 200 },
  });
  kafka = failoverKafka(cluster.bootstrap, 'txn-test');
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 3 }] });
});

after(async () => {
  for (const p of producers) await p.disconnect().catch(() => undefined);
  await admin?.disconnect().catch(() => undefined);
  await cluster?.stop();
});

async function transactionalProducer(transactionalId: string, transactionTimeout = 30_000): Promise<Producer> {
  const p = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout });
  producers.push(p);
  await p.connect();
  return p;
}

/** Sends `values` (keys spread them over the partitions) in one transaction, then commits or aborts. */
async function transaction(p: Producer, values: string[], commit: boolean): Promise<void> {
  const t = await p.transaction();
  await t.send({ topic: TOPIC, messages: values.map((v, i) => ({ key: `k${i}`, value: v })) });
  if (commit) {
    await t.commit();
    values.forEach((v) => committed.add(v));
  } else {
    await t.abort();
    values.forEach((v) => aborted.add(v));
  }
}

const batch = (prefix: string, n = 6) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

/**
 * ListOffsets on each partition's leader, read_uncommitted and read_committed: latest by default
 * (the high watermark and the LSO), or the first offset at or after a timestamp.
 */
async function offsets(timestamp = -1): Promise<{ hw: number[]; lso: number[] }> {
  const meta = await admin.fetchTopicMetadata({ topics: [TOPIC] });
  const hw: number[] = [];
  const lso: number[] = [];
  for (const p of meta.topics[0].partitions.sort((a, b) => a.partitionId - b.partitionId)) {
    const c = await RawClient.connect(cluster.nodes[p.leader].port);
    try {
      for (const isolationLevel of [0, 1]) {
        const res = await c.request(listOffsetsCodec, 2, {
          replicaId: -1,
          isolationLevel,
          topics: [{ name: TOPIC, partitions: [{ partitionIndex: p.partitionId, timestamp, maxNumOffsets: 1 }] }],
        });
        const r = res.topics[0].partitions[0];
        assert.equal(r.errorCode, 0, `ListOffsets p${p.partitionId}`);
        (isolationLevel === 0 ? hw : lso).push(r.offset);
      }
    } finally {
      c.close();
    }
  }
  return { hw, lso };
}

/** kafka_cluster_partition_laststableoffsetlag of a partition of TOPIC, summed over the brokers (only its leader serves it). */
async function lsoLag(partition: number): Promise<number> {
  const series = new RegExp(
    `^kafka_cluster_partition_laststableoffsetlag\\{topic="${TOPIC}",partition="${partition}"\\} (\\S+)$`,
    'm',
  );
  let sum = 0;
  for (const n of cluster.nodes) sum += Number((await cluster.metrics(n.id)).match(series)?.[1] ?? 0);
  return sum;
}

/** Everything a fresh group consumer reads from the start until `expected` values were seen and 1.5 s passed. */
async function consumeAll(readUncommitted: boolean, expected: Set<string>): Promise<string[]> {
  const consumer = kafka.consumer({
    groupId: `reader-${readUncommitted ? 'uncommitted' : 'committed'}-${Date.now()}`,
    readUncommitted,
    maxWaitTimeInMs: 200,
  });
  const seen: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(String(message.value)) });
    await waitFor(
      `${readUncommitted ? 'read_uncommitted' : 'read_committed'} consumer to see ${expected.size} values`,
      () => ([...expected].every((v) => seen.includes(v)) ? true : undefined),
      60_000,
      200,
    );
    await new Promise((r) => setTimeout(r, 1500));
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

test('commit and abort: the LSO follows the markers and read_committed data stops at open transactions', async () => {
  const p = await transactionalProducer('tx-commit-abort');
  await transaction(p, batch('c1'), true);
  await transaction(p, batch('a1'), false);
  await transaction(p, batch('c2'), true);
  const after = await offsets();
  assert.deepEqual(after.lso, after.hw, 'no open transaction: LSO = high watermark on every partition');
  // An open transaction holds the LSO back at its first offset while the high watermark moves on.
  await new Promise((r) => setTimeout(r, 5));
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, 5));
  const t = await p.transaction();
  await t.send({ topic: TOPIC, messages: batch('c3').map((v, i) => ({ key: `k${i}`, value: v })) });
  const open = await offsets();
  assert.ok(
    open.hw.some((hw, i) => hw > after.hw[i]),
    'the open transaction wrote records',
  );
  assert.deepEqual(open.lso, after.hw, 'the LSO stays at the first offset of the open transaction');
  // By timestamp, read_committed finds nothing at or past the LSO; read_uncommitted finds the open
  // transaction's first record.
  const byTime = await offsets(t0);
  for (let i = 0; i < PARTITIONS; i++)
    if (open.hw[i] > after.hw[i]) {
      assert.equal(byTime.hw[i], after.hw[i], `p${i}: read_uncommitted by timestamp`);
      assert.equal(byTime.lso[i], -1, `p${i}: read_committed by timestamp stops at the LSO`);
    }
  // The leader reports what the open transaction holds back (kafka.cluster:type=Partition,name=LastStableOffsetLag).
  for (let i = 0; i < PARTITIONS; i++)
    assert.equal(await lsoLag(i), open.hw[i] - open.lso[i], `p${i}: LastStableOffsetLag on its leader`);
  await t.commit();
  batch('c3').forEach((v) => committed.add(v));
  const done = await offsets();
  assert.deepEqual(done.lso, done.hw, 'after the commit marker the LSO reaches the high watermark');
  for (let i = 0; i < PARTITIONS; i++) assert.equal(await lsoLag(i), 0, `p${i}: no lag after the commit`);
});

test('a zombie producer is fenced: its open transaction is aborted and it gets INVALID_PRODUCER_EPOCH', async () => {
  const zombie = await transactionalProducer('tx-zombie');
  const t = await zombie.transaction();
  await t.send({ topic: TOPIC, messages: batch('z-old').map((v, i) => ({ key: `k${i}`, value: v })) });
  batch('z-old').forEach((v) => aborted.add(v));
  // Same transactional id: InitProducerId bumps the epoch and aborts the zombie's transaction.
  const fresh = await transactionalProducer('tx-zombie');
  await transaction(fresh, batch('z-new'), true);
  await assert.rejects(t.commit(), (e: Error & { type?: string }) => {
    assert.match(`${e.type ?? ''} ${e.message}`, /INVALID_PRODUCER_EPOCH|PRODUCER_FENCED|epoch/i);
    return true;
  });
  const o = await offsets();
  assert.deepEqual(o.lso, o.hw, 'nothing left open');
});

test('a transaction left open past its timeout is aborted by the coordinator and the LSO advances', async () => {
  const p = await transactionalProducer('tx-timeout', 1500);
  const before = await offsets();
  const t = await p.transaction();
  await t.send({ topic: TOPIC, messages: batch('h').map((v, i) => ({ key: `k${i}`, value: v })) });
  batch('h').forEach((v) => aborted.add(v));
  const open = await offsets();
  assert.deepEqual(open.lso, before.hw, 'the open transaction holds the LSO');
  const t0 = Date.now();
  const closed = (await waitFor(
    'the coordinator to abort the timed-out transaction',
    async () => {
      const o = await offsets();
      return o.lso.every((l, i) => l === o.hw[i]) ? o : undefined;
    },
    20_000,
    200,
  ))!;
  assert.ok(
    closed.hw.every((hw, i) => hw > open.hw[i] || open.hw[i] === before.hw[i]),
    'abort markers were written',
  );
  assert.ok(Date.now() - t0 < 15_000, `aborted ${Date.now() - t0} ms after the check began`);
  await assert.rejects(t.commit(), 'the producer was fenced by the abort');
});

test('sendOffsets: transactional offset commits count only when the transaction commits', async () => {
  const p = await transactionalProducer('tx-offsets');
  const group = 'ctp-group';
  const commitWith = async (offset: string, commit: boolean) => {
    const t = await p.transaction();
    await t.send({ topic: TOPIC, messages: [{ key: 'o', value: `o-${offset}` }] });
    await t.sendOffsets({ consumerGroupId: group, topics: [{ topic: TOPIC, partitions: [{ partition: 0, offset }] }] });
    if (commit) {
      await t.commit();
      committed.add(`o-${offset}`);
    } else {
      await t.abort();
      aborted.add(`o-${offset}`);
    }
  };
  const committedOffset = async () =>
    (await admin.fetchOffsets({ groupId: group, topics: [TOPIC] }))[0].partitions.find((x) => x.partition === 0)
      ?.offset;
  await commitWith('5', true);
  assert.equal(await committedOffset(), '5');
  await commitWith('9', false);
  assert.equal(await committedOffset(), '5', 'the aborted transaction did not move the committed offset');
});

// argv: bootstrap. librdkafka 2.0.2: commit, abort (flushed first: librdkafka purges unsent
// records of an aborted transaction), send_offsets_to_transaction, a second instance fencing the
// first, then read_committed and read_uncommitted consumers. Prints one JSON line.
const RDKAFKA_TXN = `
import sys, json
from confluent_kafka import Producer, Consumer, KafkaException, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic
bs = sys.argv[1]
a = AdminClient({'bootstrap.servers': bs})
for f in a.create_topics([NewTopic('rdk-txn', 2, 3)]).values():
    f.result()
p = Producer({'bootstrap.servers': bs, 'transactional.id': 'rdk-1', 'transaction.timeout.ms': 10000})
p.init_transactions(30)
def txn(prefix, commit):
    p.begin_transaction()
    for i in range(4):
        p.produce('rdk-txn', key=str(i), value='%s-%d' % (prefix, i))
    p.flush(30)
    if commit: p.commit_transaction(30)
    else: p.abort_transaction(30)
txn('c1', True); txn('a1', False); txn('c2', True)
c0 = Consumer({'bootstrap.servers': bs, 'group.id': 'rdk-ctp', 'enable.auto.commit': False})
p.begin_transaction()
p.produce('rdk-txn', key='o', value='o-7')
p.send_offsets_to_transaction([TopicPartition('rdk-txn', 0, 7)], c0.consumer_group_metadata(), 30)
p.commit_transaction(30)
committed = c0.committed([TopicPartition('rdk-txn', 0)], timeout=10)[0].offset
c0.close()
Producer({'bootstrap.servers': bs, 'transactional.id': 'rdk-1'}).init_transactions(30)
fenced = None
try:
    p.begin_transaction(); p.produce('rdk-txn', key='z', value='z-0'); p.commit_transaction(10)
except KafkaException as e:
    fenced = e.args[0].code()
def read(iso):
    c = Consumer({'bootstrap.servers': bs, 'group.id': 'rdk-read-' + iso, 'auto.offset.reset': 'earliest', 'isolation.level': iso})
    c.subscribe(['rdk-txn'])
    out, empty = [], 0
    while empty < 4:
        m = c.poll(1)
        if m is None: empty += 1; continue
        if not m.error(): out.append(m.value().decode())
    c.close()
    return sorted(out)
print(json.dumps({'committedOffset': committed, 'fenced': fenced, 'read_committed': read('read_committed'), 'read_uncommitted': read('read_uncommitted')}))
`;

test('librdkafka 2.0.2 (confluent-kafka-python): commit, abort, send_offsets, fencing, both isolation levels', async () => {
  const r = await runCommand('/usr/bin/python3', ['-c', RDKAFKA_TXN, cluster.bootstrap], { timeoutMs: 90_000 });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    committedOffset: number;
    fenced: number | null;
    read_committed: string[];
    read_uncommitted: string[];
  };
  const vals = (prefix: string) => [0, 1, 2, 3].map((i) => `${prefix}-${i}`);
  assert.equal(out.committedOffset, 7, 'the offset sent in the committed transaction');
  assert.equal(out.fenced, -144, 'the first instance is fenced (_FENCED) after a second init_transactions');
  assert.deepEqual(out.read_committed, [...vals('c1'), ...vals('c2'), 'o-7']);
  assert.deepEqual(out.read_uncommitted, [...vals('a1'), ...vals('c1'), ...vals('c2'), 'o-7']);
});

test('a transactional batch without a transactional id is refused: it would hold the LSO for good', async () => {
  await admin.createTopics({
    topics: [{ topic: 'tx-no-id', numPartitions: 1, replicationFactor: 3 }],
    waitForLeaders: true,
  });
  const meta = await admin.fetchTopicMetadata({ topics: ['tx-no-id'] });
  const leader = cluster.nodes.find((n) => n.id === meta.topics[0].partitions[0].leader)!;
  const c = await RawClient.connect(leader.port);
  try {
    const records = buildRecordBatch([{ value: 'x' }], { producerId: 4242, producerEpoch: 0, transactional: true });
    const r = await c.request(produceCodec, 7, {
      transactionalId: null,
      acks: 1,
      timeoutMs: 5000,
      topics: [{ name: 'tx-no-id', partitions: [{ index: 0, records }] }],
    });
    assert.equal(r.topics[0].partitions[0].errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  } finally {
    c.close();
  }
});

/** A request to a transactional id's coordinator, retried while it moves, loads or completes a transaction. */
async function atCoordinator<T extends { errorCode: number }>(
  transactionalId: string,
  call: (c: RawClient) => Promise<T>,
): Promise<T> {
  return (await waitFor(
    `the coordinator of ${transactionalId} to answer`,
    async () => {
      const any = await RawClient.connect(cluster.nodes[0].port);
      let nodeId: number;
      try {
        const f = await any.request(findCoordinatorCodec, 1, { key: transactionalId, keyType: 1 });
        if (f.errorCode !== 0) return undefined;
        nodeId = f.nodeId;
      } finally {
        any.close();
      }
      const c = await RawClient.connect(cluster.nodes[nodeId].port);
      try {
        const r = await call(c);
        const retriable: number[] = [
          ErrorCode.NOT_COORDINATOR,
          ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
          ErrorCode.COORDINATOR_NOT_AVAILABLE,
          ErrorCode.CONCURRENT_TRANSACTIONS,
        ];
        return retriable.includes(r.errorCode) ? undefined : r;
      } finally {
        c.close();
      }
    },
    30_000,
    200,
  ))!;
}

test('KIP-890 verification: a transactional batch for a partition not in the transaction is INVALID_TXN_STATE', async () => {
  const topic = 'tx-verify';
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 3 }], waitForLeaders: true });
  const id = 'tx-verify-raw';
  const init = await atCoordinator(id, (c) =>
    c.request(initProducerIdCodec, 1, { transactionalId: id, transactionTimeoutMs: 30_000 }),
  );
  assert.equal(init.errorCode, 0);
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  const leader = cluster.nodes[meta.topics[0].partitions[0].leader];
  const produce = async (seq: number) => {
    const c = await RawClient.connect(leader.port);
    try {
      const records = buildRecordBatch([{ value: `v${seq}` }], {
        producerId: init.producerId,
        producerEpoch: init.producerEpoch,
        baseSequence: seq,
        transactional: true,
      });
      const r = await c.request(produceCodec, 7, {
        transactionalId: id,
        acks: -1,
        timeoutMs: 5000,
        topics: [{ name: topic, partitions: [{ index: 0, records }] }],
      });
      return r.topics[0].partitions[0].errorCode;
    } finally {
      c.close();
    }
  };
  assert.equal(await produce(0), ErrorCode.INVALID_TXN_STATE, 'the partition was never added to the transaction');
  const add = await atCoordinator(id, async (c) => {
    const r = await c.request(addPartitionsToTxnCodec, 1, {
      transactionalId: id,
      producerId: init.producerId,
      producerEpoch: init.producerEpoch,
      topics: [{ name: topic, partitions: [0] }],
    });
    return { errorCode: r.results[0].results[0].errorCode };
  });
  assert.equal(add.errorCode, 0);
  assert.equal(await produce(0), ErrorCode.NONE, 'added: the first batch is verified and appended');
  assert.equal(await produce(1), ErrorCode.NONE, 'the next batch of the open transaction');
  // TxnOffsetCommit without AddOffsetsToTxn: the group's __consumer_offsets partition is not in the
  // transaction, so no marker would ever decide the staged offsets.
  const offsetCommit = await waitFor(
    'a TxnOffsetCommit answer from the group coordinator',
    async () => {
      const any = await RawClient.connect(cluster.nodes[0].port);
      let nodeId: number;
      try {
        const f = await any.request(findCoordinatorCodec, 1, { key: 'g-verify', keyType: 0 });
        if (f.errorCode !== 0) return undefined;
        nodeId = f.nodeId;
      } finally {
        any.close();
      }
      const c = await RawClient.connect(cluster.nodes[nodeId].port);
      try {
        const r = await c.request(txnOffsetCommitCodec, 2, {
          transactionalId: id,
          groupId: 'g-verify',
          producerId: init.producerId,
          producerEpoch: init.producerEpoch,
          topics: [
            {
              name: topic,
              partitions: [
                { partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null },
              ],
            },
          ],
        });
        const code = r.topics[0].partitions[0].errorCode;
        const retriable: number[] = [
          ErrorCode.NOT_COORDINATOR,
          ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
          ErrorCode.COORDINATOR_NOT_AVAILABLE,
        ];
        return retriable.includes(code) ? undefined : { code };
      } finally {
        c.close();
      }
    },
    30_000,
    200,
  );
  assert.equal(offsetCommit?.code, ErrorCode.INVALID_TXN_STATE, 'TxnOffsetCommit without AddOffsetsToTxn');
  const end = await atCoordinator(id, (c) =>
    c.request(endTxnCodec, 1, {
      transactionalId: id,
      producerId: init.producerId,
      producerEpoch: init.producerEpoch,
      committed: false,
    }),
  );
  assert.equal(end.errorCode, 0);
  assert.equal(
    await produce(2),
    ErrorCode.INVALID_TXN_STATE,
    'after the ABORT marker the partition must be added again',
  );
});

test('the coordinator broker is SIGKILLed between transactions: the next transaction commits', async () => {
  const p = await transactionalProducer('tx-failover');
  await transaction(p, batch('f1'), true);
  const coordinatorOf = async (port: number) => {
    const c = await RawClient.connect(port);
    try {
      return await c.request(findCoordinatorCodec, 1, { key: 'tx-failover', keyType: 1 });
    } finally {
      c.close();
    }
  };
  const before = await coordinatorOf(cluster.nodes[0].port);
  assert.equal(before.errorCode, 0);
  await cluster.admin.kill(before.nodeId);
  const alive = cluster.nodes.find((n) => n.id !== before.nodeId)!;
  const moved = (await waitFor(
    "a new leader of the transactional id's state partition",
    async () => {
      const r = await coordinatorOf(alive.port);
      return r.errorCode === 0 && r.nodeId !== before.nodeId ? r : undefined;
    },
    30_000,
    200,
  ))!;
  assert.notEqual(moved.nodeId, before.nodeId);
  // Same producer id and epoch as before the kill: only a coordinator that reloaded the id's state
  // accepts them (an unknown id would be INVALID_PRODUCER_ID_MAPPING).
  await transaction(p, batch('f2'), true);
});

test('read_committed sees exactly the committed records; read_uncommitted sees the aborted ones too', async () => {
  const committedSeen = await consumeAll(false, committed);
  assert.deepEqual(
    [...committedSeen].sort(),
    [...committed].sort(),
    'read_committed: each committed record once, no aborted',
  );
  const all = new Set([...committed, ...aborted]);
  const uncommittedSeen = await consumeAll(true, all);
  assert.deepEqual(new Set(uncommittedSeen), all, 'read_uncommitted: committed and aborted records');
});
