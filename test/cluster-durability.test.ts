// test-budget: 180s
// Issue 4's durability drill on the replicated cluster (one OS process per broker): librdkafka
// producers (python3 confluent_kafka) send numbered streams with acks=all to RF=3 topics with
// min.insync.replicas=2 while the test SIGKILLs a partition leader and restarts it, over several
// cycles. One producer is plain (max.in.flight 1: order holds, retries may duplicate), one is
// idempotent (retries across the failover must not duplicate). Afterwards a consumer reads every
// partition: every acknowledged record is at the offset it was acknowledged with, order per
// partition holds, duplicates are counted and reported, and every replica's log is byte-identical.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { processFixture, waitFor, type RunningProcess } from './support/processes.js';
import { tempDir } from './broker-support.js';
import { startClusterProc, type ClusterProc } from './cluster-support.js';
import { offsetForLeaderEpochCodec } from '../protocol/apis/23-offset-for-leader-epoch.js';
import { findCoordinatorCodec } from '../protocol/apis/10-find-coordinator.js';
import { heartbeatCodec } from '../protocol/apis/12-heartbeat.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { PeerClient } from '../broker/replication/peer-client.js';

const PYTHON = '/usr/bin/python3';
const PARTITIONS = 3;
const KILL_CYCLES = 3;

// argv: bootstrap topic idempotent(0/1) acked-file stop-file. Writes "partition offset value" per
// acknowledged record; stops producing once the stop file exists, flushes, prints a JSON summary.
const PRODUCER = `
import json, os, sys, time
from confluent_kafka import Producer
bootstrap, topic, idem, acked_path, stop_path = sys.argv[1:6]
conf = {'bootstrap.servers': bootstrap, 'acks': 'all', 'linger.ms': 5, 'message.timeout.ms': 120000,
        'request.timeout.ms': 5000, 'retry.backoff.ms': 100, 'reconnect.backoff.max.ms': 500,
        'topic.metadata.refresh.interval.ms': 2000}
if idem == '1':
    conf['enable.idempotence'] = True
else:
    conf['max.in.flight.requests.per.connection'] = 1
    conf['retries'] = 1000000
p = Producer(conf)
acked = open(acked_path, 'w', buffering=1)
failed = []
def on_delivery(err, msg):
    if err is not None:
        failed.append(str(err))
    else:
        acked.write('%d %d %s\\n' % (msg.partition(), msg.offset(), msg.value().decode()))
i = 0
while not os.path.exists(stop_path):
    for _ in range(20):
        p.produce(topic, value=str(i).encode(), partition=i % ${PARTITIONS}, on_delivery=on_delivery)
        i += 1
    p.poll(0.01)
left = p.flush(150)
acked.close()
print(json.dumps({'sent': i, 'unflushed': left, 'failed': len(failed), 'errors': sorted(set(failed))[:5]}), flush=True)
`;

// argv: bootstrap topic. Reads every partition from the start to its high watermark; prints
// {"<partition>": [[offset, value], ...]}.
const CONSUMER = `
import json, sys
from confluent_kafka import Consumer, TopicPartition, OFFSET_BEGINNING
bootstrap, topic = sys.argv[1:3]
c = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'durability-check', 'enable.auto.commit': False, 'enable.partition.eof': True})
highs = {p: c.get_watermark_offsets(TopicPartition(topic, p), timeout=30)[1] for p in range(${PARTITIONS})}
c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(${PARTITIONS})])
out = {str(p): [] for p in range(${PARTITIONS})}
done = {p for p in range(${PARTITIONS}) if highs[p] == 0}
while len(done) < ${PARTITIONS}:
    m = c.poll(10)
    if m is None:
        raise SystemExit('no progress: %s' % {p: len(v) for p, v in out.items()})
    if m.error():
        if m.error().code() == -191:
            if m.offset() >= highs[m.partition()]:
                done.add(m.partition())
            continue
        raise SystemExit(str(m.error()))
    out[str(m.partition())].append([m.offset(), m.value().decode()])
    if m.offset() + 1 >= highs[m.partition()]:
        done.add(m.partition())
c.close()
print(json.dumps(out))
`;

const fx = processFixture();
const dir = tempDir('cluster-durability');
let cluster: ClusterProc;
let admin: Admin;

interface Stream {
  topic: string;
  idempotent: boolean;
  ackedFile: string;
  proc?: RunningProcess;
}
const streams: Stream[] = [
  { topic: 'durable-plain', idempotent: false, ackedFile: join(dir, 'acked-plain.txt') },
  { topic: 'durable-idempotent', idempotent: true, ackedFile: join(dir, 'acked-idempotent.txt') },
];
const stopFile = join(dir, 'stop');

before(async () => {
  cluster = await startClusterProc(fx, dir);
  const kafka = new Kafka({
    clientId: 'durability',
    brokers: cluster.bootstrap.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 20, initialRetryTime: 100 },
  });
  admin = kafka.admin();
  await admin.connect();
});

after(async () => {
  // Producers still running (a failed test): stopped by PID, no flush needed.
  for (const s of streams) await s.proc?.stop(5000);
  await admin?.disconnect();
  await cluster?.stop();
});

/** Partitions of a topic; retried while the answering broker has not applied a new topic yet (as in Kafka, metadata reaches brokers a moment apart). */
async function partitions(topic: string) {
  return waitFor(
    `metadata of ${topic}`,
    async () => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions,
    15_000,
    100,
  );
}

const ackedCount = (s: Stream) =>
  existsSync(s.ackedFile) ? readFileSync(s.ackedFile, 'utf8').split('\n').length - 1 : 0;

/** Concatenated segment files of one partition on one broker (what the replica holds on disk). */
function logBytes(broker: number, topic: string, partition: number): Buffer {
  const d = join(cluster.dataDir, `broker-${broker}`, 'logs', `${topic}-${partition}`);
  const segs = readdirSync(d)
    .filter((f) => f.endsWith('.log'))
    .sort();
  return Buffer.concat(segs.map((f) => readFileSync(join(d, f))));
}

test('SIGKILLing the partition leader mid-stream loses no acknowledged record; the idempotent producer writes no duplicate', async (t) => {
  for (const s of streams) {
    await admin.createTopics({
      topics: [
        {
          topic: s.topic,
          numPartitions: PARTITIONS,
          replicationFactor: 3,
          configEntries: [{ name: 'min.insync.replicas', value: '2' }],
        },
      ],
      waitForLeaders: true,
    });
  }
  for (const s of streams) {
    s.proc = await fx.start(
      PYTHON,
      ['-c', PRODUCER, cluster.bootstrap, s.topic, s.idempotent ? '1' : '0', s.ackedFile, stopFile],
      { name: `producer ${s.topic}` },
    );
  }
  await waitFor('both producers acknowledged records', () => streams.every((s) => ackedCount(s) > 500), 60_000, 200);

  const failovers: number[] = [];
  for (let cycle = 0; cycle < KILL_CYCLES; cycle++) {
    const p = (await partitions(streams[0].topic)).find((x) => x.partitionId === cycle % PARTITIONS)!;
    const victim = p.leader;
    await cluster.admin.kill(victim);
    const killedAt = Date.now();
    const acked = streams.map(ackedCount);
    // A new leader for the partition, and acknowledged writes continue on both streams.
    await waitFor(
      'a new leader',
      async () => {
        const now = (await partitions(streams[0].topic)).find((x) => x.partitionId === p.partitionId)!;
        return now.leader >= 0 && now.leader !== victim;
      },
      30_000,
      100,
    );
    failovers.push(Date.now() - killedAt);
    await waitFor(
      'acks continue after the failover',
      () => streams.every((s, i) => ackedCount(s) > acked[i] + 300),
      60_000,
      200,
    );
    await cluster.admin.restart(victim);
    await cluster.waitHealthy();
    await waitFor(
      'every partition back to a full ISR',
      async () => {
        for (const s of streams) for (const x of await partitions(s.topic)) if (x.isr.length !== 3) return false;
        return true;
      },
      60_000,
      250,
    );
  }

  // Steady load with every broker up for longer than replica.lag.time.max.ms: no ISR change at all
  // (healthy followers never flap out, even with two producers saturating the shared cores).
  const shrinks = () => cluster.sumMetric('kafka_server_replicamanager_isrshrinks_total');
  const expands = () => cluster.sumMetric('kafka_server_replicamanager_isrexpands_total');
  const isrChanges = async () => (await shrinks()) + (await expands());
  // The restarted brokers rejoined through their leaders' AlterPartition (the last cycle's leaders
  // are all running); a dead follower leaves the ISR by the leader's lag check or by the
  // controller's fencing, whichever comes first, so shrinks are reported, not asserted.
  assert.ok((await expands()) > 0, 'ISR expands are counted');
  t.diagnostic(
    `ISR shrinks/expands counted by the running brokers after the kill cycles: ${await shrinks()}/${await expands()}`,
  );
  const before = await isrChanges();
  const ackedBefore = streams.map(ackedCount);
  await new Promise((r) => setTimeout(r, 6000));
  assert.equal(await isrChanges(), before, 'ISR shrinks/expands during 6 s of steady load');
  t.diagnostic(
    `steady load, 6 s without ISR changes: ${streams.map((s, i) => ackedCount(s) - ackedBefore[i]).join(' + ')} records acknowledged`,
  );

  writeFileSync(stopFile, '');
  const summaries: { sent: number; unflushed: number; failed: number; errors: string[] }[] = [];
  for (const s of streams) {
    await s.proc!.exited;
    const last = s.proc!.stdout().trim().split('\n').pop() ?? '';
    summaries.push(JSON.parse(last) as (typeof summaries)[number]);
  }

  for (const [i, s] of streams.entries()) {
    const sum = summaries[i];
    const acked = readFileSync(s.ackedFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' '));
    const r = await fx.start(PYTHON, ['-c', CONSUMER, cluster.bootstrap, s.topic], { name: `consumer ${s.topic}` });
    const { code } = await r.exited;
    assert.equal(code, 0, r.output().slice(-2000));
    const log = JSON.parse(r.stdout().trim().split('\n').pop()!) as Record<string, [number, string][]>;

    // Every acknowledged record is where its ack said it is.
    const byOffset = new Map<string, string>();
    for (const [p, recs] of Object.entries(log)) for (const [o, v] of recs) byOffset.set(`${p}:${o}`, v);
    const missing = acked.filter(([p, o, v]) => byOffset.get(`${p}:${o}`) !== v);
    assert.equal(
      missing.length,
      0,
      `${s.topic}: acknowledged records missing or replaced: ${JSON.stringify(missing.slice(0, 5))}`,
    );

    // Order per partition (first occurrences strictly increasing), duplicates counted. Only the
    // idempotent producer can promise order across a leader change: librdkafka limits in-flight
    // requests per connection, so a plain producer may send newer batches to the new leader while
    // an older one is still failing on the old leader's connection and then retry it (as with Kafka).
    let duplicates = 0;
    const reordered: string[] = [];
    for (const [p, recs] of Object.entries(log)) {
      const seen = new Set<number>();
      let last = -1;
      let lastOffset = -1;
      for (const [o, v] of recs) {
        const n = Number(v);
        assert.equal(n % PARTITIONS, Number(p), `${s.topic}: record ${n} in partition ${p}`);
        if (seen.has(n)) {
          duplicates++;
          continue;
        }
        seen.add(n);
        if (n < last) reordered.push(`p${p}: ${n} at offset ${o} after ${last} at ${lastOffset}`);
        else [last, lastOffset] = [n, o];
      }
    }
    if (s.idempotent) assert.deepEqual(reordered.slice(0, 5), [], `${s.topic}: order per partition`);
    else if (reordered.length > 0)
      t.diagnostic(
        `${s.topic}: ${reordered.length} records behind a newer one (producer retries across a leader change), first: ${reordered[0]}`,
      );
    const total = Object.values(log).reduce((n, recs) => n + recs.length, 0);
    t.diagnostic(
      `${s.topic}: sent ${sum.sent}, acknowledged ${acked.length}, delivery failures ${sum.failed} ${JSON.stringify(sum.errors)}, in the log ${total}, duplicates ${duplicates}`,
    );
    assert.equal(sum.unflushed, 0, `${s.topic}: producer could not flush`);
    assert.equal(sum.failed, 0, `${s.topic}: delivery failures ${JSON.stringify(sum.errors)}`);
    assert.equal(acked.length, sum.sent, `${s.topic}: every record sent was acknowledged`);
    if (s.idempotent) assert.equal(duplicates, 0, `${s.topic}: the idempotent producer wrote duplicates`);
  }
  t.diagnostic(`leader SIGKILL -> new leader in metadata: ${failovers.join(', ')} ms`);
  // Visible with KAFKA_SRE_LOG_LEVEL=info: how many deposed leaders cut an uncommitted tail.
  const cuts = cluster.launcher.output().match(/truncated a divergent log tail/g)?.length ?? 0;
  if (cuts > 0) t.diagnostic(`divergent tails truncated by leader epoch: ${cuts}`);

  // No divergent tail survived anywhere: every replica holds the same bytes.
  await waitFor(
    'replicas byte-identical',
    () => {
      for (const s of streams) {
        for (let p = 0; p < PARTITIONS; p++) {
          const bytes = [0, 1, 2].map((b) => logBytes(b, s.topic, p));
          if (!bytes[0].equals(bytes[1]) || !bytes[0].equals(bytes[2])) return false;
        }
      }
      return true;
    },
    30_000,
    250,
  );
});

test('OffsetForLeaderEpoch on the leader: where each epoch ends; followers refuse', async () => {
  const topic = streams[0].topic;
  const p = (await partitions(topic)).find((x) => x.partitionId === 0)!;
  const highWatermark = async () => Number((await admin.fetchTopicOffsets(topic)).find((o) => o.partition === 0)!.high);
  const ask = async (node: number, leaderEpoch: number, replicaId = 1) => {
    const client = new PeerClient({ host: '127.0.0.1', port: cluster.nodes[node].port }, 'ofle-test');
    try {
      const res = await client.request(
        offsetForLeaderEpochCodec,
        3,
        { replicaId, topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch }] }] },
        10_000,
      );
      return res.topics[0].partitions[0];
    } finally {
      client.close();
    }
  };
  // The high watermark reaches the log end one follower fetch after the last append; on a busy
  // machine that fetch can still be on its way, so wait for the partition to be quiet.
  let end = -1;
  const latest = (await waitFor(
    'the high watermark at the log end',
    async () => {
      const answer = await ask(p.leader, 0x7fffffff);
      end = await highWatermark();
      return answer.errorCode !== ErrorCode.NONE || answer.endOffset === end ? answer : undefined;
    },
    30_000,
    250,
  ))!;
  assert.equal(latest.errorCode, ErrorCode.NONE);
  assert.ok(latest.leaderEpoch >= 1, `the leader epoch moved with the failovers (${latest.leaderEpoch})`);
  assert.equal(latest.endOffset, end, 'the latest epoch ends at the log end (= HW once quiet)');
  const first = await ask(p.leader, 0);
  assert.equal(first.leaderEpoch, 0);
  assert.ok(
    first.endOffset > 0 && first.endOffset < end,
    `epoch 0 ended where the first failover began (${first.endOffset} of ${end})`,
  );
  const follower = p.replicas.find((r) => r !== p.leader)!;
  assert.equal((await ask(follower, 0)).errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);
});

test('group requests reach only the coordinator: another broker answers NOT_COORDINATOR, so clients look it up again', async () => {
  const groupId = 'not-coordinator-probe';
  const call = async <Res>(node: number, fn: (c: PeerClient) => Promise<Res>): Promise<Res> => {
    const client = new PeerClient({ host: '127.0.0.1', port: cluster.nodes[node].port }, 'coordinator-test');
    try {
      return await fn(client);
    } finally {
      client.close();
    }
  };
  const coordinator = (await waitFor(
    'the group coordinator',
    async () => {
      const res = await call(0, (c) => c.request(findCoordinatorCodec, 1, { key: groupId, keyType: 0 }, 10_000));
      return res.errorCode === ErrorCode.NONE ? { id: res.nodeId } : undefined; // an object: node 0 is falsy
    },
    30_000,
    250,
  ))!.id;
  const heartbeatAt = (node: number) =>
    call(node, (c) =>
      c.request(heartbeatCodec, 1, { groupId, generationId: 1, memberId: 'm-1', groupInstanceId: null }, 10_000),
    );
  // The coordinator knows no such member; every other broker is not the coordinator at all.
  assert.equal((await heartbeatAt(coordinator)).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  for (const n of cluster.nodes.filter((x) => x.id !== coordinator))
    assert.equal((await heartbeatAt(n.id)).errorCode, ErrorCode.NOT_COORDINATOR, `broker ${n.id}`);
});

test('acks=all waits for the whole ISR: REQUEST_TIMED_OUT while a follower is paused, NOT_ENOUGH_REPLICAS_AFTER_APPEND once the ISR shrinks below min ISR', async () => {
  const topic = 'strict-wait';
  await admin.createTopics({
    topics: [
      { topic, numPartitions: 1, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '3' }] },
    ],
    waitForLeaders: true,
  });
  const [p] = await partitions(topic);
  // Bootstrapped from the leader alone: kafkajs refreshes metadata through any connected broker,
  // and a paused one accepts the connection but never answers.
  const leaderAddress = `127.0.0.1:${cluster.nodes[p.leader].port}`;
  const kafka = new Kafka({
    clientId: 'acks-all',
    brokers: [leaderAddress],
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  });
  const producer = kafka.producer({ retry: { retries: 0 } });
  await producer.connect();
  // The ISR as the leader itself sees it (its per-partition gauge): no metadata round trip that a
  // client might route through the paused broker.
  const isrSize = async () =>
    Number(
      new RegExp(`^kafka_cluster_partition_insyncreplicascount\\{topic="${topic}",partition="0"\\} (\\d+)`, 'm').exec(
        await cluster.metrics(p.leader),
      )?.[1] ?? -1,
    );
  const errorOf = async (timeout: number) => {
    try {
      await producer.send({ topic, acks: -1, timeout, messages: [{ value: `t${timeout}` }] });
      return 'NONE';
    } catch (e) {
      const err = e as Error & { type?: string; cause?: { type?: string } };
      return `${err.type ?? ''} ${err.cause?.type ?? ''} ${err.message}`;
    }
  };
  try {
    await waitFor('ISR of 3', async () => (await isrSize()) === 3, 30_000, 200);
    // Every broker applies the new topic a moment apart: the first send may need a retry.
    await waitFor('a first acks=all produce', async () => (await errorOf(10_000)) === 'NONE', 30_000, 200);
    // A follower that is not the active controller (pausing that one is a different drill).
    const state = await cluster.admin.cluster();
    const target = p.replicas.find((r) => r !== p.leader && r !== state.activeController)!;
    await cluster.admin.pause(target);
    try {
      // The paused follower cannot fetch: the HW stays below the new record until the request times out.
      assert.match(await errorOf(1000), /REQUEST_TIMED_OUT/);
      // Appended while the ISR is still 3; the ISR then shrinks (lag time or fencing) below min ISR.
      assert.match(await errorOf(30_000), /NOT_ENOUGH_REPLICAS_AFTER_APPEND/);
      await waitFor('ISR of 2', async () => (await isrSize()) === 2, 30_000, 200);
      assert.match(await errorOf(10_000), /NOT_ENOUGH_REPLICAS(?!_AFTER)/);
    } finally {
      await cluster.admin.resume(target);
    }
    await cluster.waitHealthy();
    await waitFor('ISR of 3 again', async () => (await isrSize()) === 3, 60_000, 250);
    // The metadata answer may come from a broker that applied the expansion before the leader did.
    await waitFor('acks=all accepted again', async () => (await errorOf(10_000)) === 'NONE', 30_000, 200);
  } finally {
    await producer.disconnect();
  }
});
