// KIP-848 group coordinator cost and convergence on one reference broker (own process). Members are
// simulated with raw ConsumerGroupHeartbeat requests (pipelined over a few connections), behaving
// as librdkafka/the Java consumer do: heartbeat every heartbeat interval the broker hands out
// (5 s by default), report owned partitions, take a new assignment (and give up revoked partitions)
// at once and acknowledge it with an immediate heartbeat.
// - cpu: broker CPU (cores, /proc utime+stime over wall time) with MEMBERS members (default 1,000
//   in groups of 100 over a 200-partition topic) heartbeating, over WINDOW seconds once every group
//   is Stable, against the idle broker over the same window.
// - convergence: a Stable 100-member group; one member joins, then one leaves: time until the group
//   is Stable again (ConsumerGroupDescribe polled every 20 ms), per round. Members heartbeat at
//   random phases; the joiner waits for the owners' revocations, which reach the broker within one
//   interval, then gets the partitions on its next heartbeat: up to two intervals.
// Prints one JSON document; never asserts. Env: BENCH_GROUP_MEMBERS (1000), BENCH_GROUP_SIZE (100),
// BENCH_GROUP_WINDOW_S (60), BENCH_GROUP_ROUNDS (3), BENCH_GROUP_CONNECTIONS (20).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { freePort } from '../common/index.js';
import {
  FrameSplitter,
  ProtocolReader,
  consumerGroupDescribeCodec,
  consumerGroupHeartbeatCodec,
  encodeRequestFrame,
  readResponseHeader,
  responseHeaderFlexible,
  type ApiCodec,
  type ConsumerGroupHeartbeatResponse,
} from '../protocol/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MEMBERS = Number(process.env.BENCH_GROUP_MEMBERS ?? 1000);
const GROUP_SIZE = Number(process.env.BENCH_GROUP_SIZE ?? 100);
const WINDOW_S = Number(process.env.BENCH_GROUP_WINDOW_S ?? 60);
const ROUNDS = Number(process.env.BENCH_GROUP_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_GROUP_CONNECTIONS ?? 20);
const TOPIC = 'bench-groups';
const PARTITIONS = 200;

function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One pipelined Kafka connection: requests go out at once, responses come back in order. */
class Conn {
  private readonly splitter = new FrameSplitter(64 * 1024 * 1024);
  private readonly waiting: ((frame: Buffer) => void)[] = [];
  private correlation = 1;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.splitter.push(chunk);
      for (let f = this.splitter.next(); f; f = this.splitter.next()) this.waiting.shift()?.(f);
    });
  }

  static open(port: number): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host: '127.0.0.1' }, () => resolve(new Conn(s)));
      s.once('error', reject);
    });
  }

  request<Req, Res>(codec: ApiCodec<Req, Res>, version: number, req: Req): Promise<Res> {
    const flexible = version >= codec.flexibleFrom;
    const frame = encodeRequestFrame(
      { apiKey: codec.apiKey, apiVersion: version, correlationId: this.correlation++, clientId: 'bench' },
      flexible,
      (w) => codec.encodeRequest!(w, version, req),
    );
    return new Promise((resolve) => {
      this.waiting.push((resp) => {
        const r = new ProtocolReader(resp);
        readResponseHeader(r, responseHeaderFlexible(codec.apiKey, flexible));
        resolve(codec.decodeResponse!(r, version));
      });
      this.socket.write(frame);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

type Owned = { topicId: string; partitions: number[] }[];

/** A simulated consumer-protocol member. */
class SimMember {
  memberId = '';
  epoch = 0;
  owned: Owned = [];
  intervalMs = 5000;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  heartbeats = 0;
  errors = 0;
  private spread = true;

  constructor(
    readonly groupId: string,
    private readonly conn: Conn,
  ) {}

  async beat(leaving = false): Promise<ConsumerGroupHeartbeatResponse> {
    const joining = this.epoch === 0;
    const res = await this.conn.request(consumerGroupHeartbeatCodec, 0, {
      groupId: this.groupId,
      memberId: this.memberId,
      memberEpoch: leaving ? -1 : this.epoch,
      instanceId: null,
      rackId: null,
      rebalanceTimeoutMs: joining ? 300_000 : -1,
      subscribedTopicNames: joining ? [TOPIC] : null,
      subscribedTopicRegex: null,
      serverAssignor: null,
      topicPartitions: this.owned,
    });
    this.heartbeats += 1;
    if (res.errorCode !== 0) {
      this.errors += 1;
      return res;
    }
    if (leaving) return res;
    if (res.memberId) this.memberId = res.memberId;
    this.epoch = res.memberEpoch;
    if (res.heartbeatIntervalMs > 0) this.intervalMs = res.heartbeatIntervalMs;
    if (res.assignment !== null) {
      // Revoke and take at once, then acknowledge right away (the clients do after reconciling).
      this.owned = res.assignment.map((t) => ({ topicId: t.topicId, partitions: [...t.partitions] }));
      this.schedule(0);
    } else if (this.spread) {
      // Members of a running group heartbeat at scattered moments (they joined and reconciled at
      // different times); members started together would otherwise beat in lockstep.
      this.spread = false;
      this.schedule(Math.random() * this.intervalMs);
    } else this.schedule(this.intervalMs);
    return res;
  }

  schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.beat();
    }, ms);
  }

  async leave(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.beat(true);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}

async function groupStates(conn: Conn, groups: string[]): Promise<string[]> {
  const r = await conn.request(consumerGroupDescribeCodec, 0, { groupIds: groups, includeAuthorizedOperations: false });
  return r.groups.map((g) => g.groupState);
}

/** Resolves once every group is Stable (ms waited), NaN after timeoutMs. */
async function waitStable(conn: Conn, groups: string[], timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    if ((await groupStates(conn, groups)).every((s) => s === 'Stable')) return performance.now() - t0;
    await sleep(20);
  }
  return NaN;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-sre-bench-groups-'));
  const port = await freePort();
  const metricsPort = await freePort();
  const broker = spawn(
    process.execPath,
    [
      join(root, 'bin', 'kafka-sre.js'),
      'broker',
      '--brokers',
      '1',
      '--data-dir',
      join(dir, 'data'),
      '--port',
      String(port),
      '--metrics-port',
      String(metricsPort),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, KAFKA_SRE_LOG_LEVEL: 'warn' } },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    broker.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (/listening on/.test(out)) resolve();
    });
    broker.once('exit', (c) => reject(new Error(`broker exited ${c}`)));
  });
  const pid = broker.pid!;
  const conns: Conn[] = [];
  const all: SimMember[] = [];
  try {
    const kafka = new Kafka({ brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }], waitForLeaders: true });
    await admin.disconnect();
    for (let i = 0; i < CONNECTIONS; i++) conns.push(await Conn.open(port));
    const probe = await Conn.open(port);
    conns.push(probe);

    // Idle broker over the window, for reference.
    let c0 = cpuSeconds(pid);
    let t0 = performance.now();
    await sleep(WINDOW_S * 1000);
    const idleCores = (cpuSeconds(pid) - c0) / ((performance.now() - t0) / 1000);

    // MEMBERS members in groups of GROUP_SIZE join, then heartbeat.
    const groups = Array.from({ length: Math.ceil(MEMBERS / GROUP_SIZE) }, (_, g) => `bench-group-${g}`);
    for (let i = 0; i < MEMBERS; i++) all.push(new SimMember(groups[i % groups.length], conns[i % CONNECTIONS]));
    const joinT0 = performance.now();
    await Promise.all(all.map((m) => m.beat()));
    const allStableMs = Number.isNaN(await waitStable(probe, groups, 120_000)) ? NaN : performance.now() - joinT0;
    const loadBefore = loadavg();
    c0 = cpuSeconds(pid);
    t0 = performance.now();
    const beats0 = all.reduce((n, m) => n + m.heartbeats, 0);
    await sleep(WINDOW_S * 1000);
    const wall = (performance.now() - t0) / 1000;
    const busyCores = (cpuSeconds(pid) - c0) / wall;
    const beats = all.reduce((n, m) => n + m.heartbeats, 0) - beats0;
    const cpu = {
      members: MEMBERS,
      groups: groups.length,
      partitions: PARTITIONS,
      windowSeconds: +wall.toFixed(1),
      heartbeatsPerSecond: +(beats / wall).toFixed(1),
      brokerCoresIdle: +idleCores.toFixed(4),
      brokerCoresWithMembers: +busyCores.toFixed(4),
      brokerCoresPer1000Members: +(((busyCores - idleCores) * 1000) / MEMBERS).toFixed(4),
      brokerCpuMicrosPerHeartbeat: Math.round(((busyCores - idleCores) * 1e6) / (beats / wall)),
      secondsToAllStable: +(allStableMs / 1000).toFixed(2),
      errors: all.reduce((n, m) => n + m.errors, 0),
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadavg(),
    };
    for (const m of all) m.stop();

    // Convergence of one 100-member group after one join and one leave.
    const conv = { joinMs: [] as number[], leaveMs: [] as number[] };
    const group = 'bench-convergence';
    const members = Array.from({ length: GROUP_SIZE }, (_, i) => new SimMember(group, conns[i % CONNECTIONS]));
    await Promise.all(members.map((m) => m.beat()));
    await waitStable(probe, [group], 120_000);
    // Let the heartbeats spread out over the interval as they would in a running group.
    await sleep(members[0].intervalMs);
    for (let r = 0; r < ROUNDS; r++) {
      const extra = new SimMember(group, conns[r % CONNECTIONS]);
      let t = performance.now();
      await extra.beat();
      conv.joinMs.push(
        Number.isNaN(await waitStable(probe, [group], 60_000)) ? NaN : Math.round(performance.now() - t),
      );
      await sleep(1000);
      t = performance.now();
      await extra.leave();
      conv.leaveMs.push(
        Number.isNaN(await waitStable(probe, [group], 60_000)) ? NaN : Math.round(performance.now() - t),
      );
      await sleep(1000);
    }
    for (const m of members) m.stop();
    const interval = members[0].intervalMs;
    console.log(
      JSON.stringify(
        {
          bench: 'group-coordinator',
          node: process.version,
          heartbeatIntervalMs: interval,
          cpu,
          convergence: {
            groupSize: GROUP_SIZE,
            rounds: ROUNDS,
            stableAfterJoinMs: conv.joinMs,
            stableAfterLeaveMs: conv.leaveMs,
            maxInHeartbeatIntervals: +(Math.max(...conv.joinMs, ...conv.leaveMs) / interval).toFixed(2),
            loadAverage: loadavg(),
          },
          targets: { brokerCoresPer1000Members: '< 0.05', stableWithinHeartbeatIntervals: '<= 2' },
        },
        null,
        2,
      ),
    );
  } finally {
    for (const m of all) m.stop();
    for (const c of conns) c.close();
    broker.kill('SIGTERM');
    await new Promise((r) => broker.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
