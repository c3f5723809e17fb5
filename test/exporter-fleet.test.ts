// test-budget: 150s
// Fleet mode (exporter.coordination) on the 3-broker reference cluster with 200 consumer groups
// (committed offsets, no live consumers): two, then three exporter replicas in one coordination
// group export each group's lag series exactly once between them and the cluster-wide series
// once; a SIGKILLed replica's groups are exported again, exactly once, within 30 s (the issue's
// bound for the default 10 s session timeout; here it is 2 s); restarted, it takes back a share.
// The assignment is sticky: when the third replica joins, and when the killed one comes back, only
// the groups of the newcomer's partitions move (its fair share, 8 of 24 partitions, counted here),
// none between the other replicas.
//
// A real Prometheus scrapes all three replica addresses (1 s) with the generated rules loaded, and
// afterwards says, per group, how long `sum by (consumergroup) (kafka_consumergroup_lag_sum)`
// had no value (and `max ... kafka_consumergroup_lag_seconds`). "Gap" here is what a query
// sees: a killed replica's series go stale at Prometheus' first failed scrape of it (staleness
// markers), a group the old owner stopped exporting at its first scrape without it; the new
// owner's series count from its first scrape with them. Asserted: no group has a gap longer than
// one interval (6 s), across the SIGKILL and across the restart. That holds when the failure
// detection time is below the interval:
// - crash (SIGKILL): nobody can take a dead replica's groups before the coordinator expels it
//   (session timeout) and the survivors rejoin (at their next heartbeat) and collect, so its groups
//   have no value for about session timeout + heartbeat + a cycle + a scrape. This fleet runs with
//   a 2 s session timeout and 0.5 s heartbeats (the brokers' groupMinSessionTimeoutMs lowered to
//   1 s), well below the 6 s interval; at the defaults (10 s session, 3 s heartbeat) it was
//   measured at 12-15 s, within the default 15 s interval only just, not within a shorter one.
// - planned (the restarted replica joins): the old owner exports until the new assignment arrives,
//   then every replica collects at once, so a moved group is missing (or counted twice) for the
//   difference of two replicas' publish times: at most two cycles plus a scrape at each end,
//   whatever the interval; overlaps are asserted within max(interval, that bound).
// The survivors' groups do not move on a crash (sticky): how many had a gap is printed.
// The fleet alerts (KafkaExporterGroupsExportedTwice, KafkaExporterGroupsUnexported) must not
// fire (their `for` is 5 m): how long each was pending is printed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { alertsSection } from '../common/config/sections/alerts.js';
import { generateFiles, OUTPUT_LAYOUT } from '../alerts/generate.js';
import { writeFiles } from '../alerts/write.js';
import { ClusterClient, mapLimit } from '../kafka-client/index.js';
import { processFixture, waitFor, type RunningProcess } from './support/processes.js';
import { tempDir } from './broker-support.js';
import { startClusterProc, type ClusterProc } from './cluster-support.js';
import { scrape, type MetricSample } from './exporter-helpers.js';
import { freePort } from './support/ports.js';

const fx = processFixture();
const dir = tempDir('exporter-fleet');
const GROUPS = 200;
const TOPIC = 'fleet-orders';
const PARTITIONS = 2;
const RECORDS = 40;
const COMMITTED = 5;
/** Every group's kafka_consumergroup_lag_sum: committed 5 on both partitions of 20 records each. */
const STEADY_LAG_SUM = PARTITIONS * (RECORDS / PARTITIONS - COMMITTED);
const INTERVAL_MS = 6000;
/**
 * The replicas' coordination timing: a crash is detected within the session timeout plus a
 * heartbeat, so with a cycle and a scrape on top a dead replica's groups are back well within one
 * interval. The brokers accept a session timeout this short (groupMinSessionTimeoutMs below).
 */
const SESSION_MS = 2000;
const HEARTBEAT_MS = 500;
const SCRAPE_S = 1;
/** The issue's failover bound: session timeout 10 s plus intervals. */
const FAILOVER_MS = 30_000;
/** Coordination-topic partitions (the default). */
const SHARDS = 24;
const groupIds = Array.from({ length: GROUPS }, (_, i) => `fleet-g${String(i).padStart(3, '0')}`);
let cluster: ClusterProc;
/** One /metrics port per replica slot: a restarted replica comes back on its victim's port (a pod's address). */
let replicaPorts: number[] = [];
let promUrl = '';
let replicaConfig = '';

interface Replica {
  proc: RunningProcess;
  port: number;
  url: string;
}
const replicas: Replica[] = [];

/** Prometheus scraping every replica slot every second, the generated rules loaded (evaluated every second). */
async function startPrometheus(): Promise<void> {
  const [promPort, amPort] = await Promise.all([freePort(), freePort()]);
  const config = alertsSection.parse({
    evaluationInterval: `${SCRAPE_S}s`,
    scrape: {
      interval: `${SCRAPE_S}s`,
      // Nothing listens there: no alert is expected to fire, and none may reach anyone else's.
      alertmanagers: [`127.0.0.1:${amPort}`],
      clusters: [{ name: 'fleet', exporters: replicaPorts.map((p) => `127.0.0.1:${p}`) }],
    },
  });
  const promDir = join(dir, 'prometheus');
  writeFiles(promDir, generateFiles(config, { reference: { brokers: 0, host: '127.0.0.1', metricsPort: 0 } }));
  promUrl = `http://127.0.0.1:${promPort}`;
  await fx.start(
    'prometheus',
    [
      `--config.file=${join(promDir, OUTPUT_LAYOUT.prometheusConfig)}`,
      `--storage.tsdb.path=${join(promDir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      '--log.level=warn',
    ],
    { readyPort: promPort, name: 'prometheus' },
  );
}

before(async () => {
  replicaPorts = await Promise.all([freePort(), freePort(), freePort()]);
  [cluster] = await Promise.all([
    startClusterProc(fx, dir, { broker: { groupMinSessionTimeoutMs: 1000 } }),
    startPrometheus(),
  ]);
  replicaConfig = join(dir, 'exporter.yaml');
  writeFileSync(
    replicaConfig,
    stringify({
      exporter: { coordination: { sessionTimeoutMs: SESSION_MS, heartbeatIntervalMs: HEARTBEAT_MS } },
    }),
  );
  const client = new ClusterClient({ name: 'setup', bootstrap: cluster.bootstrap.split(',') });
  const admin = client.admin();
  await admin.createTopics({
    topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 3 }],
    waitForLeaders: true,
  });
  const producer = client.kafka.producer();
  await producer.connect();
  await producer.send({
    topic: TOPIC,
    messages: Array.from({ length: RECORDS }, (_, i) => ({ partition: i % PARTITIONS, value: `r${i}` })),
  });
  await producer.disconnect();
  // Committed offsets only (OffsetCommit with generation -1): groups without a live member, cheap.
  await mapLimit(groupIds, 10, (g) =>
    client.commitOffsets(
      g,
      Array.from({ length: PARTITIONS }, (_, p) => ({ topic: TOPIC, partition: p, offset: COMMITTED })),
    ),
  );
  await client.close();
});

after(async () => {
  await fx.stopAll();
  await cluster?.stop();
});

async function startReplica(port: number): Promise<Replica> {
  const proc = await fx.startCli(
    [
      '--config',
      replicaConfig,
      'exporter',
      '--bootstrap',
      cluster.bootstrap,
      '--cluster-name',
      'fleet',
      '--port',
      String(port),
      '--interval',
      String(INTERVAL_MS),
      '--no-probe',
      '--coordination-group',
      'kafka-sre-exporters',
    ],
    { readyWhen: /listening on/, readyTimeoutMs: 60_000, name: `exporter-${replicas.length}` },
  );
  const r = { proc, port, url: `http://127.0.0.1:${port}` };
  replicas.push(r);
  return r;
}

interface Union {
  /** Replicas exporting each group's lag series (by replica index). */
  owners: Map<string, number[]>;
  /** Lag series per group-partition across every replica. */
  maxCopies: number;
  brokersSeries: number;
  shardGroups: number[];
  shardPartitions: number[];
  listed: number[];
}

async function union(live: readonly Replica[]): Promise<Union> {
  const scrapes: MetricSample[][] = await Promise.all(live.map((r) => scrape(r.url)));
  const owners = new Map<string, number[]>();
  const copies = new Map<string, number>();
  let brokersSeries = 0;
  const shardGroups: number[] = live.map(() => 0);
  const shardPartitions: number[] = live.map(() => 0);
  const listed: number[] = [];
  scrapes.forEach((samples, i) => {
    const mine = new Set<string>();
    for (const s of samples) {
      if (s.name === 'kafka_consumergroup_lag' && s.labels.consumergroup.startsWith('fleet-g')) {
        mine.add(s.labels.consumergroup);
        const k = `${s.labels.consumergroup}/${s.labels.partition}`;
        copies.set(k, (copies.get(k) ?? 0) + 1);
      }
      if (s.name === 'kafka_brokers') brokersSeries++;
      if (s.name === 'kafka_sre_exporter_shard_groups') shardGroups[i] = s.value;
      if (s.name === 'kafka_sre_exporter_shard_partitions') shardPartitions[i] = s.value;
      if (s.name === 'kafka_sre_exporter_listed_groups') listed.push(s.value);
      if (s.name.startsWith('kafka_consumergroup') && s.labels.consumergroup === 'kafka-sre-exporters')
        throw new Error('the coordination group must not be exported');
    }
    for (const g of mine) owners.set(g, [...(owners.get(g) ?? []), i]);
  });
  return { owners, maxCopies: Math.max(0, ...copies.values()), brokersSeries, shardGroups, shardPartitions, listed };
}

/**
 * Groups whose exporting replica changed between two unions (each over its own list of replicas),
 * and how many of them went to `joiner`.
 */
function movedGroups(
  before: Union,
  beforeLive: readonly Replica[],
  now: Union,
  nowLive: readonly Replica[],
  joiner: Replica,
): { moved: number; toJoiner: number } {
  let moved = 0;
  let toJoiner = 0;
  for (const [group, [i]] of now.owners) {
    const was = before.owners.get(group)?.[0];
    if (was !== undefined && beforeLive[was] === nowLive[i]) continue;
    moved++;
    if (nowLive[i] === joiner) toJoiner++;
  }
  return { moved, toJoiner };
}

/** A join moved only the joiner's fair share: its partitions' groups, nothing between the others. */
function assertFairShareMoved(
  what: string,
  m: { moved: number; toJoiner: number },
  now: Union,
  joinerIndex: number,
  replicaCount: number,
): void {
  process.stdout.write(
    `# ${what}: ${m.moved} of ${GROUPS} groups moved (${m.toJoiner} to the new replica, its ${now.shardPartitions[joinerIndex]} of ${SHARDS} partitions; fair share ${(GROUPS / replicaCount).toFixed(0)})\n`,
  );
  assert.equal(m.toJoiner, m.moved, `${what}: groups moved between the other replicas too`);
  assert.equal(m.moved, now.shardGroups[joinerIndex], describe(now));
  for (const n of now.shardPartitions)
    assert.ok(
      n === Math.floor(SHARDS / replicaCount) || n === Math.ceil(SHARDS / replicaCount),
      `${what}: partitions ${now.shardPartitions.join('+')}`,
    );
  assert.ok(m.moved <= GROUPS / 2, `${what}: ${m.moved} groups moved, most of them`);
}

/** Every group's lag series exactly once in the union, cluster-wide series once, counts agree. */
function exactlyOnce(u: Union, replicaCount: number): boolean {
  if (u.owners.size !== GROUPS) return false;
  for (const o of u.owners.values()) if (o.length !== 1) return false;
  const busy = new Set([...u.owners.values()].map((o) => o[0]));
  return (
    u.maxCopies === 1 &&
    u.brokersSeries === 1 &&
    busy.size === replicaCount &&
    u.listed.length === 1 &&
    u.listed[0] === GROUPS &&
    u.shardGroups.reduce((a, b) => a + b, 0) === GROUPS
  );
}

const describe = (u: Union | undefined) =>
  u
    ? `groups ${u.owners.size}, multi-owned ${[...u.owners.values()].filter((o) => o.length > 1).length}, max copies ${u.maxCopies}, kafka_brokers ${u.brokersSeries}, shard groups ${u.shardGroups.join('+')}, listed ${u.listed.join(',')}`
    : 'no scrape';

async function untilExactlyOnce(live: readonly Replica[], timeoutMs: number, what: string): Promise<Union> {
  let last: Union | undefined;
  try {
    return (await waitFor(
      what,
      async () => {
        last = await union(live);
        return exactlyOnce(last, live.length) ? last : undefined;
      },
      timeoutMs,
      500,
    )) as Union;
  } catch (e) {
    throw new Error(`${(e as Error).message}; last union: ${describe(last)}`);
  }
}

interface RangeSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

/** Prometheus' query_range over [fromS, toS] (unix seconds) at `stepS`. */
async function queryRange(query: string, fromS: number, toS: number, stepS: number): Promise<RangeSeries[]> {
  const u = new URL('/api/v1/query_range', promUrl);
  u.searchParams.set('query', query);
  u.searchParams.set('start', String(fromS));
  u.searchParams.set('end', String(toS));
  u.searchParams.set('step', `${stepS}s`);
  const body = (await (await fetch(u)).json()) as { status: string; error?: string; data: { result: RangeSeries[] } };
  if (body.status !== 'success') throw new Error(`${query}: ${body.error}`);
  return body.data.result;
}

/** A run of evaluation steps at which a group's query had no value. */
interface Gap {
  group: string;
  fromS: number;
  seconds: number;
}

/**
 * Per group (label `consumergroup`), the runs of steps in [fromS, toS] without a value, and its
 * longest run of steps with the value above `steady` (the group counted by two replicas at once).
 */
function gapsOf(
  series: readonly RangeSeries[],
  fromS: number,
  toS: number,
  stepS: number,
  steady?: number,
): { gaps: Gap[]; doubledS: Map<string, number>; missingAtStart: string[] } {
  const byGroup = new Map(
    series.map((s) => [s.metric.consumergroup, new Map(s.values.map(([t, v]) => [Math.round(t), Number(v)]))]),
  );
  const gaps: Gap[] = [];
  const doubledS = new Map<string, number>();
  const missingAtStart: string[] = [];
  for (const group of groupIds) {
    const values = byGroup.get(group) ?? new Map<number, number>();
    if (!values.has(fromS)) missingAtStart.push(group);
    let runFrom: number | undefined;
    let doubledRun = 0;
    for (let t = fromS; t <= toS; t += stepS) {
      const v = values.get(t);
      if (v === undefined) runFrom ??= t;
      else if (runFrom !== undefined) {
        gaps.push({ group, fromS: runFrom, seconds: t - runFrom });
        runFrom = undefined;
      }
      doubledRun = steady !== undefined && v !== undefined && v > steady ? doubledRun + stepS : 0;
      if (doubledRun > (doubledS.get(group) ?? 0)) doubledS.set(group, doubledRun);
    }
    if (runFrom !== undefined) gaps.push({ group, fromS: runFrom, seconds: toS + stepS - runFrom });
  }
  return { gaps, doubledS, missingAtStart };
}

const longest = (gaps: readonly Gap[]) =>
  gaps.reduce<Gap | undefined>((m, g) => (m && m.seconds >= g.seconds ? m : g), undefined);
const describeGap = (g: Gap | undefined, t0: number) =>
  g ? `${g.seconds} s (${g.group}, from ${g.fromS - t0} s after the SIGKILL)` : 'none';

test('2 then 3 replicas export every group exactly once; a SIGKILLed replica is covered within 30 s; restarted, it takes a share', async () => {
  const [a, b] = await Promise.all([startReplica(replicaPorts[0]), startReplica(replicaPorts[1])]);
  const two = await untilExactlyOnce([a, b], 60_000, 'two replicas sharing 200 groups');
  assert.ok(
    two.shardGroups.every((n) => n > 0),
    describe(two),
  );

  const c = await startReplica(replicaPorts[2]);
  const three = await untilExactlyOnce([a, b, c], 60_000, 'three replicas sharing 200 groups');
  assert.ok(
    three.shardGroups.every((n) => n > 0),
    describe(three),
  );
  assertFairShareMoved('third replica joined', movedGroups(two, [a, b], three, [a, b, c], c), three, 2, 3);

  // Prometheus' window starts a second before the SIGKILL: let it scrape the settled three-way
  // share first (the 2 -> 3 handover just before has gaps of its own).
  await new Promise((r) => setTimeout(r, 3 * SCRAPE_S * 1000));

  // SIGKILL the replica that holds coordination partition 0 (it exports the cluster-wide series
  // too): the hardest case, both its groups and the cluster series must move.
  const scrapes = await Promise.all([a, b, c].map((r) => scrape(r.url)));
  const holder = scrapes.findIndex((s) => s.some((x) => x.name === 'kafka_brokers'));
  assert.ok(holder >= 0);
  const victim = [a, b, c][holder];
  const survivors = [a, b, c].filter((r) => r !== victim);
  const killedAt = Date.now();
  victim.proc.kill('SIGKILL');
  await victim.proc.exited;
  const after = await untilExactlyOnce(survivors, 30_000, 'the survivors covering every group after a SIGKILL');
  const coveredMs = Date.now() - killedAt;
  assert.ok(coveredMs < 30_000, `covered after ${coveredMs} ms`);
  process.stdout.write(`# failover: every group exported exactly once again ${coveredMs} ms after SIGKILL\n`);

  const restartedAt = Date.now();
  const back = await startReplica(victim.port);
  const rejoined = await untilExactlyOnce([...survivors, back], 60_000, 'the restarted replica taking back a share');
  assert.ok(
    rejoined.shardGroups.every((n) => n > 0),
    describe(rejoined),
  );
  assert.ok(after.shardGroups.every((n) => n > 0));
  assertFairShareMoved(
    'killed replica restarted',
    movedGroups(after, survivors, rejoined, [...survivors, back], back),
    rejoined,
    2,
    3,
  );

  // What Prometheus saw, from before the SIGKILL to a few scrapes after the restarted replica's share settled.
  await new Promise((r) => setTimeout(r, 3 * SCRAPE_S * 1000));
  const fromS = Math.floor(killedAt / 1000) - SCRAPE_S;
  const toS = Math.floor(Date.now() / 1000) - SCRAPE_S;
  const restartS = Math.floor(restartedAt / 1000);
  const killS = Math.floor(killedAt / 1000);
  const sel = `cluster="fleet",consumergroup=~"fleet-g.*"`;
  const lagSum = gapsOf(
    await queryRange(`sum by (consumergroup) (kafka_consumergroup_lag_sum{${sel}})`, fromS, toS, SCRAPE_S),
    fromS,
    toS,
    SCRAPE_S,
    STEADY_LAG_SUM,
  );
  const lagSeconds = gapsOf(
    await queryRange(`max by (consumergroup) (kafka_consumergroup_lag_seconds{${sel}})`, fromS, toS, SCRAPE_S),
    fromS,
    toS,
    SCRAPE_S,
  );
  assert.deepEqual(lagSum.missingAtStart, [], 'Prometheus had every group before the SIGKILL');
  assert.deepEqual(lagSeconds.missingAtStart, [], 'Prometheus had every group before the SIGKILL');
  const crash = (gs: Gap[]) => gs.filter((g) => g.fromS < restartS);
  const planned = (gs: Gap[]) => gs.filter((g) => g.fromS >= restartS);
  const victimsGroups = [
    ...new Set(
      scrapes[holder].filter((s) => s.name === 'kafka_consumergroup_lag_sum').map((s) => s.labels.consumergroup),
    ),
  ];
  const steadyGroup = victimsGroups[0];
  const doubled = [...lagSum.doubledS.values()];
  process.stdout.write(
    `# prometheus (scrape ${SCRAPE_S} s, interval ${INTERVAL_MS / 1000} s): longest gap in sum(lag_sum) by group after the SIGKILL ${describeGap(longest(crash(lagSum.gaps)), killS)}` +
      ` (${crash(lagSum.gaps).length} gaps, ${steadyGroup}: ${longest(crash(lagSum.gaps).filter((g) => g.group === steadyGroup))?.seconds ?? 0} s),` +
      ` after the restart ${describeGap(longest(planned(lagSum.gaps)), killS)} (${planned(lagSum.gaps).length} gaps);` +
      ` lag_seconds: ${describeGap(longest(crash(lagSeconds.gaps)), killS)} / ${describeGap(longest(planned(lagSeconds.gaps)), killS)};` +
      ` counted twice: ${doubled.length} groups, at most ${Math.max(0, ...doubled)} s\n`,
  );
  // Planned handover: every replica collects at once on the new assignment (after the cycle in
  // progress, if any), so a moved group's gap, or its overlap (counted twice), is the difference
  // between two replicas' publish times: at most two cycles, plus a scrape at each end.
  const [cycles] = await queryRange(
    `max(max_over_time(kafka_sre_exporter_collection_duration_seconds{cluster="fleet"}[${toS - fromS}s]))`,
    toS,
    toS,
    SCRAPE_S,
  );
  const maxCycleS = Number(cycles?.values[0]?.[1] ?? NaN);
  const boundS = Math.max(INTERVAL_MS / 1000, 2 * maxCycleS + 2 * SCRAPE_S);
  process.stdout.write(
    `# planned handover: longest gap ${longest(planned(lagSum.gaps))?.seconds ?? 0} s, longest overlap ${Math.max(0, ...doubled)} s; one interval ${INTERVAL_MS / 1000} s, longest cycle ${maxCycleS.toFixed(2)} s, bound ${boundS.toFixed(1)} s\n`,
  );
  // The issue's claim, shown: detection (session timeout + heartbeat) plus a cycle and a scrape is
  // below one interval here, so no group's sum(lag_sum), nor its lag_seconds, had a gap longer than
  // one interval, across the SIGKILL and across the restart.
  const intervalS = INTERVAL_MS / 1000;
  const survivorsGapped = new Set(
    crash(lagSum.gaps)
      .map((g) => g.group)
      .filter((g) => !victimsGroups.includes(g)),
  );
  process.stdout.write(
    `# gaps vs one interval (${intervalS} s; session ${SESSION_MS / 1000} s, heartbeat ${HEARTBEAT_MS / 1000} s): after the SIGKILL ${longest(crash(lagSum.gaps))?.seconds ?? 0} s` +
      ` (${victimsGroups.length} groups of the killed replica; survivors' groups with a gap: ${survivorsGapped.size}), after the restart ${longest(planned(lagSum.gaps))?.seconds ?? 0} s\n`,
  );
  for (const g of [...lagSum.gaps, ...lagSeconds.gaps]) {
    assert.ok(g.seconds <= intervalS, `gap longer than one interval (${intervalS} s): ${describeGap(g, killS)}`);
    assert.ok(g.seconds * 1000 <= FAILOVER_MS, describeGap(g, killS));
  }
  assert.ok(Number.isFinite(maxCycleS), 'collection durations scraped');
  // A moved group is counted twice at most for the difference of two replicas' publish times.
  for (const [group, s] of lagSum.doubledS)
    assert.ok(s <= boundS, `${group} counted twice for ${s} s, bound ${boundS} s`);

  // The fleet alerts were at most pending (their `for` is 5 m): report how long each was.
  const alerts = await queryRange(
    'ALERTS{alertname=~"KafkaExporterGroups(ExportedTwice|Unexported)"}',
    fromS,
    toS,
    SCRAPE_S,
  );
  assert.deepEqual(
    alerts.filter((s) => s.metric.alertstate === 'firing').map((s) => s.metric.alertname),
    [],
  );
  const pending = new Map<string, { series: number; maxS: number }>();
  for (const s of alerts) {
    const p = pending.get(s.metric.alertname) ?? { series: 0, maxS: 0 };
    pending.set(s.metric.alertname, { series: p.series + 1, maxS: Math.max(p.maxS, s.values.length * SCRAPE_S) });
  }
  process.stdout.write(
    `# fleet alerts pending (never firing): ${[...pending].map(([name, p]) => `${name} ${p.series} series, at most ${p.maxS} s`).join('; ') || 'none'}\n`,
  );
});
