// The replicated part of bench/broker-throughput.ts (issue 4): 3 brokers as OS processes under the
// launcher (`kafka-sre broker --brokers 3`), RF=3 topics with min.insync.replicas=2.
//   - produce throughput with kcat (librdkafka), 100-byte records, acks=all and acks=1;
//   - end-to-end latency (produce acks=all -> consumed) p50/p99 at a fixed moderate rate;
//   - failover: SIGKILL of a partition leader (through the launcher's admin API) to the first
//     acks=all produce acknowledged by the new leader, p50/max over BENCH_KILLS kills; the killed
//     broker is restarted and the next kill waits until every ISR is full again;
//   - health during the throughput and latency runs: brokers fenced while running (spurious
//     fencings) and ISR shrinks/expands (flaps), from the launcher's /cluster and broker metrics.
// Env: BENCH_CLUSTER_RECORDS (default 1,000,000), BENCH_KILLS (default 10), BENCH_E2E_LINGER_MS (5), and the timeouts the
// cluster runs with: BENCH_HEARTBEAT_MS (500), BENCH_SESSION_TIMEOUT_MS (2500),
// BENCH_ELECTION_TIMEOUT_MS (1000), BENCH_REPLICA_LAG_MS (10000).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKafka } from '../../kafka-client/index.js';
import { stringify } from 'yaml';
import { LauncherClient } from '../../chaos/index.js';
import { freePort, freePortBase } from '../../common/index.js';
import { writeLines } from './records-file.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RECORDS = Number(process.env.BENCH_CLUSTER_RECORDS ?? 1_000_000);
const KILLS = Number(process.env.BENCH_KILLS ?? 10);
// librdkafka's (and Kafka 4's Java client's) default linger: a broker answers one request per
// connection at a time (like Kafka), so linger 0 at 2,000 records/s with acks=all queues requests
// behind each replication round trip instead of batching them.
const E2E_LINGER_MS = Number(process.env.BENCH_E2E_LINGER_MS ?? 5);
const BROKERS = 3;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const quantile = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : null;

// argv: bootstrap rate seconds linger_ms. acks=all producer and a consumer assigned from the first record's
// offset; the payload carries the send time, so latency = consumed - sent in one process.
const E2E_SCRIPT = `
import sys, time, json
from confluent_kafka import Producer, Consumer, TopicPartition
b, rate, secs, linger = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
p = Producer({'bootstrap.servers': b, 'acks': 'all', 'linger.ms': linger})
first = []
p.produce('e2e', b'warmup', on_delivery=lambda e, m: first.append(m.offset() if e is None else None))
p.flush(30)
if not first or first[0] is None: sys.exit('warmup produce failed')
c = Consumer({'bootstrap.servers': b, 'group.id': 'bench-e2e', 'enable.auto.commit': False, 'fetch.wait.max.ms': 50})
c.assign([TopicPartition('e2e', 0, first[0] + 1)])
lat = []
acks = []
def acked(err, msg, t0):
    if err is None: acks.append((time.perf_counter() - t0) * 1000)
def drain(timeout):
    for m in c.consume(num_messages=1000, timeout=timeout):
        if m.error() is None and m.value().startswith(b't'):
            lat.append((time.perf_counter() - float(m.value()[1:].split(b' ')[0])) * 1000)
n = int(rate * secs)
start = time.perf_counter()
for i in range(n):
    due = start + i / rate
    while True:
        now = time.perf_counter()
        if now >= due: break
        drain(min(due - now, 0.002))
    t0 = time.perf_counter()
    p.produce('e2e', (b't%.6f ' % t0).ljust(100, b'x'), on_delivery=lambda e, m, t0=t0: acked(e, m, t0))
    p.poll(0)
p.flush(30)
deadline = time.perf_counter() + 20
while len(lat) < n and time.perf_counter() < deadline: drain(0.1)
c.close()
lat.sort()
acks.sort()
q = lambda l, f: l[min(len(l) - 1, int(f * len(l)))] if l else None
print(json.dumps({'sent': n, 'consumed': len(lat), 'p50_ms': q(lat, 0.5), 'p99_ms': q(lat, 0.99), 'max_ms': lat[-1] if lat else None,
                  'produce_ack_p50_ms': q(acks, 0.5), 'produce_ack_p99_ms': q(acks, 0.99)}))
`;

export async function runClusterBench(rate: number): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-cluster-'));
  // Reserved ports outside the kernel's ephemeral range (common/free-ports.ts).
  const base = await freePortBase(BROKERS, 100, [0, 10, 20]);
  const metricsPort = await freePortBase(BROKERS, 1);
  const launcherPort = await freePort();
  const timeouts = {
    brokerHeartbeatIntervalMs: Number(process.env.BENCH_HEARTBEAT_MS ?? 500),
    brokerSessionTimeoutMs: Number(process.env.BENCH_SESSION_TIMEOUT_MS ?? 2500),
    controllerElectionTimeoutMs: Number(process.env.BENCH_ELECTION_TIMEOUT_MS ?? 1000),
    replicaLagTimeMaxMs: Number(process.env.BENCH_REPLICA_LAG_MS ?? 10_000),
  };
  const configFile = join(dir, 'cluster.yaml');
  writeFileSync(
    configFile,
    stringify({
      log: { level: 'warn' },
      broker: {
        brokers: BROKERS,
        controllers: 3,
        dataDir: join(dir, 'data'),
        port: base,
        interBrokerPort: base + 10,
        controllerPort: base + 20,
        metricsPort,
        launcherPort,
        offsetsTopicPartitions: 3,
        controlledShutdownTimeoutMs: 10_000,
        ...timeouts,
      },
    }),
  );
  const launcher = spawn(process.execPath, [join(root, 'bin', 'kafka-sre.js'), '--config', configFile, 'broker'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errTail = '';
  launcher.stderr!.on('data', (d: Buffer) => (errTail = (errTail + d.toString()).slice(-4000)));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    launcher.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (/admin API on/.test(out)) resolve();
    });
    launcher.once('exit', (c) => reject(new Error(`launcher exited ${c}: ${errTail}`)));
  });
  const admin = new LauncherClient(`http://127.0.0.1:${launcherPort}`);
  const bootstrap = Array.from({ length: BROKERS }, (_, i) => `127.0.0.1:${base + 100 * i}`);
  const kafka = createKafka({
    clientId: 'bench-cluster',
    brokers: bootstrap,
    retry: { retries: 10, initialRetryTime: 100 },
  });
  const kadmin = kafka.admin();
  const metricsOf = async (id: number) => {
    try {
      return await (
        await fetch(`http://127.0.0.1:${metricsPort + id}/metrics`, { signal: AbortSignal.timeout(5000) })
      ).text();
    } catch {
      return ''; // a broker that is down (or a reused keep-alive socket the server just closed)
    }
  };
  const metricSum = async (name: string) => {
    let n = 0;
    for (let i = 0; i < BROKERS; i++)
      n += Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(await metricsOf(i))?.[1] ?? 0);
    return n;
  };
  const healthy = async (timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const c = await admin.cluster().catch(() => null);
      if (
        c &&
        c.activeController !== null &&
        c.nodes.every((n) => n.state === 'running' && n.fenced === false) &&
        (await metricSum('kafka_server_replicamanager_underreplicatedpartitions')) === 0
      )
        return;
      await sleep(200);
    }
    throw new Error(`cluster not healthy within ${timeoutMs} ms`);
  };
  const result: Record<string, unknown> = {
    brokers: BROKERS,
    replication_factor: 3,
    min_insync_replicas: 2,
    timeouts,
    load_average_at_start: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  };
  try {
    await healthy(60_000);
    await kadmin.connect();
    const minIsr = [{ name: 'min.insync.replicas', value: '2' }];
    await kadmin.createTopics({
      topics: ['rf3-acks-all', 'rf3-acks-1', 'failover']
        .map((topic) => ({ topic, numPartitions: 3, replicationFactor: 3, configEntries: minIsr }))
        .concat([{ topic: 'e2e', numPartitions: 1, replicationFactor: 3, configEntries: minIsr }]),
      waitForLeaders: true,
    });
    await sleep(1000);

    // Health watch over the throughput and latency runs.
    const fencings: string[] = [];
    let watching = true;
    const shrinks0 = await metricSum('kafka_server_replicamanager_isrshrinks_total');
    const expands0 = await metricSum('kafka_server_replicamanager_isrexpands_total');
    const watch = (async () => {
      const wasFenced = new Map<number, boolean>();
      while (watching) {
        const c = await admin.cluster().catch(() => null);
        for (const n of c?.nodes ?? []) {
          if (n.state === 'running' && n.fenced === true && wasFenced.get(n.id) === false)
            fencings.push(`broker ${n.id} at ${new Date().toISOString()}`);
          if (n.fenced !== null && n.fenced !== undefined) wasFenced.set(n.id, n.fenced);
        }
        await sleep(250);
      }
    })();
    const file = join(dir, 'records-100B.txt');
    await writeLines(file, RECORDS, 100);
    for (const acks of ['all', '1'] as const) {
      const topic = acks === 'all' ? 'rf3-acks-all' : 'rf3-acks-1';
      const t0 = process.hrtime.bigint();
      const p = spawnSync(
        'kcat',
        [
          '-b',
          bootstrap.join(','),
          '-P',
          '-t',
          topic,
          '-X',
          `acks=${acks}`,
          '-X',
          'linger.ms=10',
          '-X',
          'batch.num.messages=10000',
          '-X',
          'queue.buffering.max.messages=2000000',
          '-X',
          'queue.buffering.max.kbytes=2097151',
          '-l',
          file,
        ],
        { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      );
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      result[`produce_100B_acks_${acks}`] =
        p.status === 0
          ? {
              records: RECORDS,
              seconds: +seconds.toFixed(3),
              records_per_sec: Math.round(RECORDS / seconds),
              mb_per_sec: +((RECORDS * 100) / seconds / 1e6).toFixed(1),
            }
          : { error: p.stderr.slice(-500) };
    }
    rmSync(file, { force: true });
    const e2e = spawnSync(
      '/usr/bin/python3',
      ['-c', E2E_SCRIPT, bootstrap.join(','), String(rate), '5', String(E2E_LINGER_MS)],
      { encoding: 'utf8' },
    );
    result.e2e_latency_acks_all = {
      rate_per_sec: rate,
      record_bytes: 100,
      linger_ms: E2E_LINGER_MS,
      ...(e2e.status === 0
        ? (JSON.parse(e2e.stdout.trim().split('\n').pop()!) as object)
        : { error: e2e.stderr.slice(-500) }),
    };
    watching = false;
    await watch;
    result.health_during_runs = {
      spurious_fencings: fencings.length,
      fencings,
      isr_shrinks: (await metricSum('kafka_server_replicamanager_isrshrinks_total')) - shrinks0,
      isr_expands: (await metricSum('kafka_server_replicamanager_isrexpands_total')) - expands0,
    };

    // Failover: SIGKILL a leader, time until an acks=all produce to its partition succeeds.
    const producer = kafka.producer({ retry: { retries: 200, initialRetryTime: 50, maxRetryTime: 200 } });
    await producer.connect();
    const kills: { ms: number; broker: number; partition: number; wasActiveController: boolean }[] = [];
    for (let k = 0; k < KILLS; k++) {
      await healthy(90_000);
      const { activeController } = await admin.cluster();
      const parts = (await kadmin.fetchTopicMetadata({ topics: ['failover'] })).topics[0].partitions;
      // Prefer a partition led by a broker that is not the active controller: this measures broker
      // failover; a controller's own death adds a quorum election (reported by wasActiveController).
      const target =
        parts.find((p) => p.leader >= 0 && p.leader !== activeController) ?? parts.find((p) => p.leader >= 0)!;
      await producer.send({
        topic: 'failover',
        acks: -1,
        messages: [{ partition: target.partitionId, value: `warm-${k}` }],
      });
      const t0 = Date.now();
      await admin.kill(target.leader);
      for (;;) {
        try {
          await producer.send({
            topic: 'failover',
            acks: -1,
            timeout: 5000,
            messages: [{ partition: target.partitionId, value: `after-kill-${k}` }],
          });
          break;
        } catch (e) {
          if (Date.now() - t0 > 60_000)
            throw new Error(`no produce within 60 s of killing broker ${target.leader}: ${(e as Error).message}`);
        }
      }
      kills.push({
        ms: Date.now() - t0,
        broker: target.leader,
        partition: target.partitionId,
        wasActiveController: target.leader === activeController,
      });
      await admin.restart(target.leader);
    }
    await producer.disconnect();
    const ms = kills.map((x) => x.ms).sort((a, b) => a - b);
    result.failover_sigkill_to_first_produce = {
      kills: kills.length,
      p50_ms: quantile(ms, 0.5),
      max_ms: ms.at(-1) ?? null,
      runs: kills,
    };
  } catch (e) {
    result.error = `${(e as Error).message}\n${errTail.slice(-1500)}`;
  } finally {
    await kadmin.disconnect().catch(() => undefined);
    launcher.kill('SIGTERM');
    const timer = setTimeout(() => launcher.kill('SIGKILL'), 60_000);
    await new Promise((r) => launcher.once('exit', r));
    clearTimeout(timer);
    if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  }
  return result;
}
