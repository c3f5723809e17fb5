// Exporter at scale on the reference broker, and what it costs next to Burrow: builds N topics x
// 10 partitions and N consumer groups each committed on 2 topics, runs `kafka-sre exporter
// --no-probe --interval 10000` as its own process and prints JSON: idle RSS (no cluster), then at
// 100 and 1,000 groups (by default) the exporter's CPU cores and RSS max over a steady window with
// a Prometheus-like gzip scrape every 10 s, collection cycle time, /metrics latency p50/p99 under
// repeated scrapes, series count. When Burrow and ZooKeeper are installed (Debian packages
// `burrow`, `zookeeper`; bench/support/burrow.ts) Burrow runs on the same broker at the same
// moment with the same 10 s refresh, and its CPU and RSS are measured over the same window; then
// every group's total lag is compared (exporter: sum of kafka_consumergroup_lag_sum over topics;
// Burrow: /v3/kafka/<cluster>/consumer/<group>/lag status.totallag). A markdown table in the
// issue's shape goes to stderr and into the JSON (`table`), with the load average next to it.
// Usage: node --import tsx bench/exporter-scale.ts [small=100] [large=1000] [scrapes=200 per encoding]
//        [--window=60] (seconds of the CPU/RSS window) [--no-burrow] [--gzip-only] (no identity scrapes)
//        [--exporter-node-options='--max-semi-space-size=4']  (NODE_OPTIONS of the exporter only)
//        [--replicas=N]  fleet mode: N exporters in one coordination group (fleetRun below);
//                        positional sizes as above, the third is gzip scrapes per replica
// CPU is CPU time (/proc utime+stime) over wall time: it does not depend on how busy the machine
// is as much as latency does, but compare runs only at a similar load (printed).
//
// What is measured, so the numbers stay honest:
// - scrape latency: request sent to last body byte received (node:http, bytes neither
//   decompressed nor decoded to a string: that is the scraper's cost, not the exporter's), for
//   gzip (what Prometheus asks for) and identity, alternating. Scrapes run 20 ms apart for at
//   least `scrapes` requests AND until two more collections have finished, so they land at every
//   point of the cycle and the p99 includes the collections' interference.
// - RSS: of the exporter process only (its own PID, `node bin/kafka-sre.js exporter` spawned
//   directly, no shell; the broker and this script are separate processes and the exporter starts
//   no children), sampled from /proc every 100 ms during the scrape phase: `rssMB` is the highest
//   sample (`rssAtPeakMB` splits it into anonymous memory and file pages such as the node
//   binary's code), `rssMinMB` the lowest, `peakMB` the kernel's high-water mark (VmHWM) over
//   the whole run including the first collection. `idleProcessMB` is the same CLI with no reachable cluster: the fixed cost of
//   Node, the tsx loader and the CLI's modules, which the exporter's data adds to.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterClient, createKafka, mapLimit } from '../kafka-client/index.js';
import { freePort, freePortBase } from '../test/support/ports.js';
import { cliEntry, repoRoot, waitFor, waitForPort } from '../test/support/processes.js';
import {
  burrowAvailable,
  burrowGroups,
  burrowTotalLag,
  startBurrow,
  startZooKeeper,
  type SideProcess,
} from './support/burrow.js';

const PARTITIONS = 10;
/** Topics per CreateTopics request. */
const CREATE_BATCH = 20;
const SCRAPE_GAP_MS = 20;
/** Both tools' collection interval, as in the issue's comparison. */
const INTERVAL_MS = 10_000;
const CLUSTER = 'bench';

const flag = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const windowSeconds = Number(flag('window') ?? 60);
/** `--series-limit=N`: the exporters' series limit (at 50,000 partitions the cluster-wide series alone pass 300,000). */
const seriesLimit = Number(flag('series-limit') ?? 300_000);
/** `--brokers=N`: reference brokers (default 1; more: a cluster, one process per broker). */
const brokerCount = Number(flag('brokers') ?? 1);
const withBurrow = !process.argv.includes('--no-burrow');
/** `--gzip-only`: every latency scrape asks for gzip, as Prometheus does (default: gzip and identity alternate). */
const gzipOnly = process.argv.includes('--gzip-only');

/** `--exporter-node-options=...`: NODE_OPTIONS for the exporter process only (e.g. V8 heap flags). */
const exporterNodeOptions = flag('exporter-node-options');
const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));

/** The exporter as both modes run it: no probe, the bench interval, room for every series. */
function exporterArgs(brokerPort: number, port: number): string[] {
  return [
    'exporter',
    '--bootstrap',
    `127.0.0.1:${brokerPort}`,
    '--cluster-name',
    CLUSTER,
    '--port',
    String(port),
    '--interval',
    String(INTERVAL_MS),
    '--no-probe',
    '--log-level',
    'warn',
    '--series-limit',
    String(seriesLimit),
  ];
}

function startCli(args: string[], nodeOptions?: string): ChildProcess {
  const env = nodeOptions
    ? { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${nodeOptions}`.trim() }
    : process.env;
  const child = spawn(process.execPath, [cliEntry, ...args], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', () => undefined);
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(t);
}

/**
 * VmRSS and VmHWM of one process, in MB, and the RSS split into anonymous memory (heaps,
 * buffers: what the exporter's data costs) and file pages (mostly the node binary's code).
 */
function memoryMB(pid: number): { rss: number; hwm: number; anon: number; file: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  const mb = (field: string) => Math.round(kb(field) / 1024);
  return { rss: mb('VmRSS'), hwm: mb('VmHWM'), anon: mb('RssAnon'), file: mb('RssFile') };
}

/** CPU seconds (user + system) a process has used so far: a cost that does not depend on how busy the machine is. */
function cpuSeconds(pid: number): number {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
}

/** One scrape: milliseconds from request to last body byte, and the body size (as sent). */
function scrapeOnce(url: string, encoding: 'identity' | 'gzip'): Promise<{ ms: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    get(`${url}/metrics`, { headers: { 'accept-encoding': encoding } }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, bytes }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** RSS of the exporter CLI when it has nothing to collect (no reachable cluster). */
async function idleProcessMB(): Promise<number> {
  const port = await freePort();
  const idle = startCli(
    ['exporter', '--bootstrap', '127.0.0.1:1', '--port', String(port), '--no-probe', '--log-level', 'error'],
    exporterNodeOptions,
  );
  try {
    // A process that exits at once (e.g. a V8 flag NODE_OPTIONS does not allow) fails the run now.
    const exited = new Promise<never>((_, reject) =>
      idle.once('exit', (code) =>
        reject(new Error(`the idle exporter exited (${code}): check --exporter-node-options`)),
      ),
    );
    exited.catch(() => undefined); // its later exit (stop() below) is not an error
    await Promise.race([waitForPort(port, 60_000), exited]);
    // Long enough for the start-up GC (exporter/service.ts) and the first failed cycle.
    await new Promise((r) => setTimeout(r, 8000));
    return memoryMB(idle.pid!).rss;
  } finally {
    await stop(idle);
  }
}

const round = (x: number) => Math.round(x * 10) / 10;
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

/** The text exposition (fetch asks for gzip and decompresses it, as a Prometheus scrape does). */
async function exposition(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}

function metricIn(text: string, name: string): number | undefined {
  const m = new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

async function metric(url: string, name: string): Promise<number | undefined> {
  return metricIn(await exposition(url), name);
}

/** Total lag of each group as the exporter reports it: kafka_consumergroup_lag_sum summed over topics. */
function exporterTotalLag(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const re = /^kafka_consumergroup_lag_sum\{([^}]*)\} (\S+)$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const group = /consumergroup="([^"]*)"/.exec(m[1])?.[1];
    if (group !== undefined) out.set(group, (out.get(group) ?? 0) + Number(m[2]));
  }
  return out;
}

/** CPU cores and RSS max of one process over a window: call `sample()` often, `result()` at the end. */
function costMeter(pid: number) {
  const cpu0 = cpuSeconds(pid);
  const t0 = Date.now();
  let rssMax = 0;
  let rssMin = Infinity;
  return {
    sample() {
      const m = memoryMB(pid);
      rssMax = Math.max(rssMax, m.rss);
      rssMin = Math.min(rssMin, m.rss);
    },
    result() {
      const seconds = cpuSeconds(pid) - cpu0;
      const wall = (Date.now() - t0) / 1000;
      return {
        cores: Number((seconds / wall).toFixed(3)),
        cpuSeconds: round(seconds),
        rssMaxMB: rssMax,
        rssMinMB: rssMin,
      };
    },
  };
}

const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/**
 * The reference broker (one node) with N topics x 10 partitions, one record per partition, and N
 * groups each committed on 2 topics. Stops the broker if the setup fails.
 */
async function benchCluster(topics: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'kafka-sre-bench-'));
  let brokerPort: number;
  let brokerArgs: string[];
  if (brokerCount === 1) {
    brokerPort = await freePort();
    brokerArgs = ['broker', '--brokers', '1', '--data-dir', dataDir, '--port', String(brokerPort)];
    brokerArgs.push('--metrics-port', String(await freePort()));
  } else {
    // A cluster: each broker its own process, so each holds only its share of the partitions'
    // open files (one broker process stops at about the file limit, 20,000 here, in partitions).
    brokerPort = await freePortBase(brokerCount, 100, [0, 10, 20]);
    const configFile = join(dataDir, 'cluster.yaml');
    const broker = {
      brokers: brokerCount,
      controllers: Math.min(3, brokerCount),
      dataDir: join(dataDir, 'cluster'),
      port: brokerPort,
      interBrokerPort: brokerPort + 10,
      controllerPort: brokerPort + 20,
      metricsPort: await freePortBase(brokerCount, 1),
      launcherPort: await freePort(),
    };
    writeFileSync(configFile, JSON.stringify({ log: { level: 'warn' }, broker }));
    brokerArgs = ['--config', configFile, 'broker'];
  }
  const broker = startCli(brokerArgs);
  try {
    for (let i = 0; i < brokerCount; i++) await waitForPort(brokerPort + 100 * i, 120_000);
    const kafka = createKafka({ clientId: 'bench', brokers: [`127.0.0.1:${brokerPort}`], requestTimeout: 60_000 });
    const admin = kafka.admin();
    await admin.connect();
    const names = Array.from({ length: topics }, (_, i) => `bench-${String(i).padStart(5, '0')}`);
    const setupStart = Date.now();
    // Small batches, asked again on failure: with thousands of topics the one broker may answer a
    // CreateTopics after the request timeout (seen at ~1,500 topics in batches of 100, load ~20);
    // topics it made meanwhile are "already exists" the second time. Progress goes to stderr.
    for (let i = 0; i < names.length; i += CREATE_BATCH) {
      const batch = names.slice(i, i + CREATE_BATCH);
      for (let attempt = 1; ; attempt++) {
        try {
          await admin.createTopics({
            waitForLeaders: false,
            topics: batch.map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 1 })),
          });
          break;
        } catch (e) {
          if (attempt === 5) throw e;
          process.stderr.write(`exporter-scale: CreateTopics from ${batch[0]}: ${(e as Error).message}; again\n`);
        }
      }
      if (topics >= 1000 && (i / CREATE_BATCH) % 50 === 49)
        process.stderr.write(
          `exporter-scale: ${i + batch.length} of ${topics} topics after ${Math.round((Date.now() - setupStart) / 1000)} s\n`,
        );
    }
    const step = (what: string) =>
      topics >= 1000 &&
      process.stderr.write(`exporter-scale: ${what} after ${Math.round((Date.now() - setupStart) / 1000)} s\n`);
    step('topics created');
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < names.length; i += 50) {
      await producer.sendBatch({
        acks: 1,
        topicMessages: names.slice(i, i + 50).map((topic) => ({
          topic,
          messages: Array.from({ length: PARTITIONS }, (_, p) => ({ partition: p, value: 'x' })),
        })),
      });
    }
    await producer.disconnect();
    step('one record per partition written');
    const groups = topics; // as many groups as topics, each committed on 2 topics
    const client = new ClusterClient({
      name: CLUSTER,
      bootstrap: [`127.0.0.1:${brokerPort}`],
      requestTimeoutMs: 60_000,
    });
    // Every partition holds one record; group i has consumed it on its first (i % 11) partitions,
    // so total lags differ between groups (20 - i % 11) and a tool summing the wrong partitions shows.
    await mapLimit(
      Array.from({ length: groups }, (_, i) => i),
      16,
      (i) =>
        client.commitOffsets(
          `bench-g-${i}`,
          [names[i % topics], names[(i + 1) % topics]].flatMap((topic, t) =>
            Array.from({ length: PARTITIONS }, (_, p) => ({
              topic,
              partition: p,
              offset: t * PARTITIONS + p < i % 11 ? 1 : 0,
            })),
          ),
        ),
    );
    await client.close();
    await admin.disconnect();
    step('groups committed');
    const setupSeconds = (Date.now() - setupStart) / 1000;
    return { broker, dataDir, brokerPort, groups, setupSeconds };
  } catch (e) {
    await stop(broker);
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
}

async function run(topics: number, scrapes: number, burrow: boolean) {
  const { broker, dataDir, brokerPort, groups, setupSeconds } = await benchCluster(topics);
  let exporter: ChildProcess | undefined;
  const sides: SideProcess[] = [];
  try {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    exporter = startCli([...exporterArgs(brokerPort, port)], exporterNodeOptions);
    let burrowPid: number | undefined;
    let zookeeperPid: number | undefined;
    let burrowPort = 0;
    if (burrow) {
      const zkPort = await freePort();
      const zk = startZooKeeper(zkPort, join(dataDir, 'zookeeper'));
      sides.push(zk);
      zookeeperPid = zk.child.pid;
      await waitForPort(zkPort, 60_000);
      burrowPort = await freePort();
      // ZooKeeper accepts connections a little before it serves them, and Burrow exits at once when
      // it cannot create its root path: start it again until it stays up.
      const setup = {
        dir: join(dataDir, 'burrow'),
        zookeeperPort: zkPort,
        httpPort: burrowPort,
        brokers: [`127.0.0.1:${brokerPort}`],
        intervalSeconds: INTERVAL_MS / 1000,
        cluster: CLUSTER,
      };
      let b = startBurrow(setup);
      // Burrow serves HTTP only once its ZooKeeper coordinator started (it gives up after its 6 s
      // session timeout and exits): up = answering /burrow/admin.
      const answers = () =>
        fetch(`http://127.0.0.1:${burrowPort}/burrow/admin`).then(
          (r) => r.ok,
          () => false,
        );
      const deadline = Date.now() + 180_000;
      while (!(await answers())) {
        if (Date.now() > deadline) throw new Error(`Burrow did not come up: see ${setup.dir}/burrow.log`);
        await new Promise((r) => setTimeout(r, 1000));
        if (b.child.exitCode !== null || b.child.signalCode !== null) b = startBurrow(setup);
      }
      sides.unshift(b);
      burrowPid = b.child.pid;
    }
    await waitFor('first collection', async () => (await metric(url, 'kafka_sre_exporter_up')) === 1, 180_000, 500);
    if (burrow)
      await waitFor(
        'Burrow to know every group',
        async () => (await burrowGroups(burrowPort, CLUSTER).catch(() => [])).length >= groups,
        300_000,
        1000,
      );
    // Two full cycles of both tools before the window: start-up is not the steady cost.
    await new Promise((r) => setTimeout(r, 2 * INTERVAL_MS));

    // Steady window: both tools collecting every 10 s, the exporter scraped every 10 s (gzip).
    const meters = {
      exporter: costMeter(exporter.pid!),
      burrow: burrowPid ? costMeter(burrowPid) : undefined,
      zookeeper: zookeeperPid ? costMeter(zookeeperPid) : undefined,
    };
    const sampler = setInterval(() => {
      meters.exporter.sample();
      meters.burrow?.sample();
      meters.zookeeper?.sample();
    }, 200);
    const cycles: number[] = [];
    let lastSuccess: number | undefined;
    const windowEnd = Date.now() + windowSeconds * 1000;
    let text = '';
    try {
      while (Date.now() < windowEnd) {
        text = await exposition(url);
        const ts = metricIn(text, 'kafka_sre_exporter_last_success_timestamp_seconds');
        if (ts !== lastSuccess) {
          lastSuccess = ts;
          cycles.push(metricIn(text, 'kafka_sre_exporter_collection_duration_seconds') ?? NaN);
        }
        await new Promise((r) => setTimeout(r, Math.min(INTERVAL_MS, Math.max(0, windowEnd - Date.now()))));
      }
    } finally {
      clearInterval(sampler);
    }
    const steady = {
      windowSeconds,
      loadAverage: loadAverage(),
      exporter: meters.exporter.result(),
      burrow: meters.burrow?.result(),
      zookeeper: meters.zookeeper?.result(),
    };

    // Lag agreement, read from both tools right after the window.
    let lag: { groups: number; agree: number; disagreeExamples: string[] } | undefined;
    if (burrow) {
      const ours = exporterTotalLag(await exposition(url));
      const theirs = await burrowTotalLag(burrowPort, CLUSTER, [...ours.keys()]);
      const disagree = [...ours].filter(([g, v]) => theirs.get(g) !== v);
      lag = {
        groups: ours.size,
        agree: ours.size - disagree.length,
        disagreeExamples: disagree
          .slice(0, 5)
          .map(([g, v]) => `${g}: exporter ${v}, Burrow ${theirs.get(g) ?? 'none'}`),
      };
    }

    // Scrape latency under repeated scrapes (the exporter alone matters here; Burrow keeps running).
    const latencies = { identity: [] as number[], gzip: [] as number[] };
    const bytes = { identity: 0, gzip: 0 };
    let rssMB = 0;
    let rssMinMB = Infinity;
    let atPeak = { anon: 0, file: 0 };
    const peakSampler = setInterval(() => {
      const m = memoryMB(exporter!.pid!);
      if (m.rss > rssMB) atPeak = { anon: m.anon, file: m.file };
      rssMB = Math.max(rssMB, m.rss);
      rssMinMB = Math.min(rssMinMB, m.rss);
    }, 100);
    let collectionsSeen = 0;
    let lastSeen = await metric(url, 'kafka_sre_exporter_last_success_timestamp_seconds');
    const scrapeCpu = costMeter(exporter.pid!);
    try {
      for (let i = 0; i < 2 * scrapes || collectionsSeen < 2; i++) {
        // Alternate encodings (Prometheus asks for gzip; curl and many tools do not), and pause
        // between scrapes so they land at any point of a collection cycle, as real scrapes do.
        const encoding = gzipOnly || i % 2 === 0 ? 'gzip' : 'identity';
        const r = await scrapeOnce(url, encoding);
        latencies[encoding].push(r.ms);
        bytes[encoding] = r.bytes;
        await new Promise((resolve) => setTimeout(resolve, SCRAPE_GAP_MS));
        if (i % 20 === 0) {
          const ts = await metric(url, 'kafka_sre_exporter_last_success_timestamp_seconds');
          if (ts !== lastSeen) {
            collectionsSeen++;
            lastSeen = ts;
            cycles.push((await metric(url, 'kafka_sre_exporter_collection_duration_seconds')) ?? NaN);
          }
        }
      }
    } finally {
      clearInterval(peakSampler);
    }
    const stats = (xs: number[]) => ({
      p50: round(quantile(xs, 0.5)),
      p99: round(quantile(xs, 0.99)),
      max: round(Math.max(...xs)),
      scrapes: xs.length,
    });
    return {
      topics,
      partitions: topics * PARTITIONS,
      groups,
      groupPartitionSeries: groups * 2 * PARTITIONS,
      setupSeconds,
      steady,
      lag,
      cycleSeconds: { min: Math.min(...cycles), max: Math.max(...cycles), samples: cycles },
      scrapeMs: {
        gzip: stats(latencies.gzip),
        identity: stats(latencies.identity),
        collectionsDuringScrapes: collectionsSeen,
        // Exporter CPU while scraped every 20 ms (not a steady-state cost: compare `steady`).
        exporterCpuCores: scrapeCpu.result().cores,
      },
      series: metricIn(text, 'kafka_sre_exporter_series'),
      metricsBytes: bytes.identity,
      metricsGzipBytes: bytes.gzip,
      rssUnderScrapesMB: { max: rssMB, min: rssMinMB, atPeak },
      peakMB: memoryMB(exporter.pid!).hwm,
    };
  } finally {
    if (exporter) await stop(exporter);
    for (const s of sides) await s.stop();
    await stop(broker);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Fleet mode (`--replicas=N`): N exporters in one coordination group on the same cluster. Per
 * replica: its share (groups, coordination partitions), collection cycle max, RSS max and CPU
 * over the window, gzip scrape latency; for the fleet: whether the union of the replicas'
 * /metrics holds every group's lag exactly once and the cluster-wide series once.
 */
async function fleetRun(topics: number, replicas: number, scrapes: number) {
  const { broker, dataDir, brokerPort, groups, setupSeconds } = await benchCluster(topics);
  const exporters: { child: ChildProcess; url: string }[] = [];
  try {
    for (let i = 0; i < replicas; i++) {
      const port = await freePort();
      const child = startCli(
        [...exporterArgs(brokerPort, port), '--coordination-group', 'kafka-sre-bench-fleet'],
        exporterNodeOptions,
      );
      exporters.push({ child, url: `http://127.0.0.1:${port}` });
    }
    const union = async () => {
      const texts = await Promise.all(exporters.map((e) => exposition(e.url)));
      const owners = new Map<string, number>();
      let clusterWide = 0;
      texts.forEach((text) => {
        if (/^kafka_brokers\{/m.test(text)) clusterWide++;
        for (const m of text.matchAll(
          /^kafka_consumergroup_lag_sum\{[^}]*consumergroup="([^"]+)"[^}]*topic="([^"]+)"/gm,
        ))
          owners.set(`${m[1]}/${m[2]}`, (owners.get(`${m[1]}/${m[2]}`) ?? 0) + 1);
      });
      const seriesExpected = groups * 2;
      return {
        groupTopics: owners.size,
        expected: seriesExpected,
        exactlyOnce: owners.size === seriesExpected && [...owners.values()].every((n) => n === 1) && clusterWide === 1,
        replicasWithClusterSeries: clusterWide,
      };
    };
    const joinedStart = Date.now();
    await waitFor(
      'every group exported exactly once by the fleet',
      async () => (await union()).exactlyOnce,
      300_000,
      1000,
    );
    const coveredSeconds = (Date.now() - joinedStart) / 1000;
    await new Promise((r) => setTimeout(r, 2 * INTERVAL_MS));

    const meters = exporters.map((e) => costMeter(e.child.pid!));
    const sampler = setInterval(() => meters.forEach((m) => m.sample()), 200);
    const cycles = exporters.map(() => [] as number[]);
    const lastSuccess: (number | undefined)[] = exporters.map(() => undefined);
    const latencies = exporters.map(() => [] as number[]);
    const windowEnd = Date.now() + windowSeconds * 1000;
    try {
      // Scrapes: gzip, round-robin over the replicas, 20 ms apart, for the window and at least
      // `scrapes` per replica; each replica's cycle duration read whenever it published anew.
      for (let i = 0; Date.now() < windowEnd || i < scrapes * exporters.length; i++) {
        const k = i % exporters.length;
        latencies[k].push((await scrapeOnce(exporters[k].url, 'gzip')).ms);
        if (i % (10 * exporters.length) < exporters.length) {
          const text = await exposition(exporters[k].url);
          const ts = metricIn(text, 'kafka_sre_exporter_last_success_timestamp_seconds');
          if (ts !== lastSuccess[k]) {
            lastSuccess[k] = ts;
            cycles[k].push(metricIn(text, 'kafka_sre_exporter_collection_duration_seconds') ?? NaN);
          }
        }
        await new Promise((r) => setTimeout(r, SCRAPE_GAP_MS));
      }
    } finally {
      clearInterval(sampler);
    }
    const final = await union();
    const perReplica = await Promise.all(
      exporters.map(async (e, k) => {
        const text = await exposition(e.url);
        return {
          shardGroups: metricIn(text, 'kafka_sre_exporter_shard_groups'),
          shardPartitions: metricIn(text, 'kafka_sre_exporter_shard_partitions'),
          clusterWide: /^kafka_brokers\{/m.test(text),
          series: metricIn(text, 'kafka_sre_exporter_series'),
          seriesLimitReached: metricIn(text, 'kafka_sre_exporter_series_limit_reached') === 1,
          cycleMaxSeconds: cycles[k].length ? Math.max(...cycles[k]) : null,
          cycleSamples: cycles[k],
          gzipScrapeMs: {
            p50: round(quantile(latencies[k], 0.5)),
            p99: round(quantile(latencies[k], 0.99)),
            scrapes: latencies[k].length,
          },
          ...meters[k].result(),
          peakMB: memoryMB(e.child.pid!).hwm,
        };
      }),
    );
    return {
      topics,
      partitions: topics * PARTITIONS,
      groups,
      replicas,
      brokers: brokerCount,
      seriesLimit,
      setupSeconds,
      loadAverage: loadAverage(),
      secondsUntilEveryGroupExportedOnce: round(coveredSeconds),
      union: final,
      perReplica,
    };
  } finally {
    for (const e of exporters) await stop(e.child);
    await stop(broker);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

type RunResult = Awaited<ReturnType<typeof run>>;

/** The issue's table: one row per size, CPU cores / RSS max for each tool, plus lag agreement. */
function table(idleMB: number, runs: RunResult[], burrowNote: string | undefined): string {
  const burrowCol = burrowNote ? `Burrow (not run: ${burrowNote})` : 'Burrow 1.2.1 (Go, Debian)';
  const lines = [
    `| | kafka-sre exporter (${runsFrom}) | ${burrowCol} |`,
    '|---|---|---|',
    `| idle, no cluster: RSS | ${idleMB} MB | |`,
  ];
  for (const r of runs) {
    const e = r.steady.exporter;
    const b = r.steady.burrow;
    lines.push(
      `| ${r.topics.toLocaleString('en-US')} topics x ${PARTITIONS} partitions, ${r.groups.toLocaleString('en-US')} groups: CPU cores / RSS max | ` +
        `${e.cores} / ${e.rssMaxMB} MB | ${b ? `${b.cores} / ${b.rssMaxMB} MB` : ''} |`,
    );
  }
  const notes = runs.map(
    (r) =>
      `${r.groups} groups: load ${r.steady.loadAverage}, cycle max ${r.cycleSeconds.max} s, gzip p99 ${r.scrapeMs.gzip.p99} ms` +
      (r.lag ? `, lag agreed ${r.lag.agree} of ${r.lag.groups} group totals` : '') +
      (r.steady.zookeeper ? `, ZooKeeper (Burrow's store, not counted) ${r.steady.zookeeper.rssMaxMB} MB` : ''),
  );
  return [...lines, '', ...notes].join('\n');
}

const replicas = flag('replicas') === undefined ? undefined : Number(flag('replicas'));
if (replicas !== undefined) {
  // Fleet mode: no Burrow, no idle measurement; one JSON object per size.
  if (!Number.isInteger(replicas) || replicas < 1) throw new Error('--replicas=N: N >= 1');
  const sizes = positional.length ? positional.slice(0, 2).map(Number) : [100, 1000];
  const fleetScrapes = Number(positional[2] ?? 100);
  const results = [];
  for (const size of [...new Set(sizes)]) results.push(await fleetRun(size, replicas, fleetScrapes));
  process.stdout.write(
    JSON.stringify(
      {
        benchmark: 'exporter-scale (fleet)',
        targets: { cycleSecondsPerReplica: 5, gzipScrapeP99Ms: 100, rssMBPerReplica: 350 },
        intervalMs: INTERVAL_MS,
        exporterRunsFrom:
          spawnSync(process.execPath, [join(repoRoot, 'bin', 'dist-stamp.js')]).status === 0 ? 'dist' : 'tsx',
        runs: results,
      },
      null,
      2,
    ) + '\n',
  );
  process.exit(0);
}
const small = Number(positional[0] ?? 100);
const large = Number(positional[1] ?? 1000);
const scrapes = Number(positional[2] ?? 200);
const missing = withBurrow ? burrowAvailable() : '--no-burrow';
const distCurrent = spawnSync(process.execPath, [join(repoRoot, 'bin', 'dist-stamp.js')]).status === 0;
const runsFrom = distCurrent ? 'dist (compiled)' : 'sources through tsx (run `npm run build` first)';
process.stderr.write(`exporter-scale: the exporter runs from ${runsFrom}\n`);
const idleMB = await idleProcessMB();
const runs: RunResult[] = [];
for (const size of small === large ? [small] : [small, large])
  runs.push(await run(size, scrapes, missing === undefined));
const ratio = (a: number | undefined, b: number | undefined) => (a && b ? Number((b / a).toFixed(2)) : null);
const md = table(idleMB, runs, missing);
process.stderr.write(`${md}\n`);
process.stdout.write(
  JSON.stringify(
    {
      benchmark: 'exporter-scale',
      targets: {
        idleRssMB: 60,
        smallRss: '< 2x Burrow',
        largeRss: '<= Burrow',
        cpu: '<= Burrow',
        cycleSeconds: 2,
        scrapeP99Ms: 50,
      },
      intervalMs: INTERVAL_MS,
      exporterNodeOptions: exporterNodeOptions ?? null,
      // bin/kafka-sre.js runs dist/ only when `npm run build` made it from the current sources;
      // from the sources, tsx's loader adds ~35 MB to every RSS number here.
      exporterRunsFrom: runsFrom,
      burrow: missing ?? 'side by side',
      loadAverage: loadAverage(),
      idleProcessMB: idleMB,
      runs,
      growth:
        runs.length === 2
          ? {
              factor: ratio(runs[0].topics, runs[1].topics),
              cycle: ratio(runs[0].cycleSeconds.max, runs[1].cycleSeconds.max),
              scrapeP99Gzip: ratio(runs[0].scrapeMs.gzip.p99, runs[1].scrapeMs.gzip.p99),
              series: ratio(runs[0].series, runs[1].series),
              rss: ratio(runs[0].steady.exporter.rssMaxMB, runs[1].steady.exporter.rssMaxMB),
            }
          : null,
      table: md,
    },
    null,
    2,
  ) + '\n',
);
