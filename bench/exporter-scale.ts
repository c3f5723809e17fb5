// Exporter at scale on the reference broker: builds N topics x 10 partitions and N consumer
// groups each committed on 2 topics, runs `kafka-sre exporter` as its own process and prints
// JSON: collection cycle time, /metrics latency p50/p99 under repeated scrapes, series count and
// exporter RSS. Runs the full size (default 1000) and 10x fewer objects to show how cost grows.
// Usage: node --import tsx bench/exporter-scale.ts [topics=1000] [scrapes=200 per encoding]
//        [--exporter-node-options='--max-semi-space-size=4']  (NODE_OPTIONS of the exporter only)
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
import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterClient, createKafka, mapLimit } from '../kafka-client/index.js';
import { freePort } from '../test/support/ports.js';
import { cliEntry, repoRoot, waitFor, waitForPort } from '../test/support/processes.js';

const PARTITIONS = 10;
const SCRAPE_GAP_MS = 20;

/** `--exporter-node-options=...`: NODE_OPTIONS for the exporter process only (e.g. V8 heap flags). */
const exporterNodeOptions = process.argv
  .find((a) => a.startsWith('--exporter-node-options='))
  ?.slice('--exporter-node-options='.length);
const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));

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
    await waitForPort(port, 60_000);
    await new Promise((r) => setTimeout(r, 3000));
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

async function metric(url: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

async function run(topics: number, scrapes: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'kafka-sre-bench-'));
  const brokerPort = await freePort();
  const broker = startCli([
    'broker',
    '--brokers',
    '1',
    '--data-dir',
    dataDir,
    '--port',
    String(brokerPort),
    '--metrics-port',
    String(await freePort()),
  ]);
  let exporter: ChildProcess | undefined;
  try {
    await waitForPort(brokerPort, 60_000);
    const kafka = createKafka({ clientId: 'bench', brokers: [`127.0.0.1:${brokerPort}`], requestTimeout: 60_000 });
    const admin = kafka.admin();
    await admin.connect();
    const names = Array.from({ length: topics }, (_, i) => `bench-${String(i).padStart(5, '0')}`);
    const setupStart = Date.now();
    for (let i = 0; i < names.length; i += 100)
      await admin.createTopics({
        waitForLeaders: false,
        topics: names.slice(i, i + 100).map((topic) => ({ topic, numPartitions: PARTITIONS })),
      });
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
    const groups = topics; // as many groups as topics, each committed on 2 topics
    const client = new ClusterClient({
      name: 'bench',
      bootstrap: [`127.0.0.1:${brokerPort}`],
      requestTimeoutMs: 60_000,
    });
    await mapLimit(
      Array.from({ length: groups }, (_, i) => i),
      16,
      (i) =>
        client.commitOffsets(
          `bench-g-${i}`,
          [names[i % topics], names[(i + 1) % topics]].flatMap((topic) =>
            Array.from({ length: PARTITIONS }, (_, p) => ({ topic, partition: p, offset: 0 })),
          ),
        ),
    );
    await client.close();
    await admin.disconnect();
    const setupSeconds = (Date.now() - setupStart) / 1000;

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    exporter = startCli(
      [
        'exporter',
        '--bootstrap',
        `127.0.0.1:${brokerPort}`,
        '--cluster-name',
        'bench',
        '--port',
        String(port),
        '--interval',
        '5000',
        '--no-probe',
        '--log-level',
        'warn',
        '--series-limit',
        '300000',
      ],
      exporterNodeOptions,
    );
    await waitFor('first collection', async () => (await metric(url, 'kafka_sre_exporter_up')) === 1, 180_000, 500);
    const cycles: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = await metric(url, 'kafka_sre_exporter_last_success_timestamp_seconds');
      await waitFor(
        'next collection',
        async () => (await metric(url, 'kafka_sre_exporter_last_success_timestamp_seconds')) !== before,
        120_000,
        200,
      );
      cycles.push((await metric(url, 'kafka_sre_exporter_collection_duration_seconds')) ?? NaN);
    }
    const latencies = { identity: [] as number[], gzip: [] as number[] };
    const bytes = { identity: 0, gzip: 0 };
    let rssMB = 0;
    let rssMinMB = Infinity;
    let atPeak = { anon: 0, file: 0 };
    const sampler = setInterval(() => {
      const m = memoryMB(exporter!.pid!);
      if (m.rss > rssMB) atPeak = { anon: m.anon, file: m.file };
      rssMB = Math.max(rssMB, m.rss);
      rssMinMB = Math.min(rssMinMB, m.rss);
    }, 100);
    let collectionsSeen = 0;
    let lastSeen = await metric(url, 'kafka_sre_exporter_last_success_timestamp_seconds');
    const cpuStart = cpuSeconds(exporter.pid!);
    const wallStart = Date.now();
    try {
      for (let i = 0; i < 2 * scrapes || collectionsSeen < 2; i++) {
        // Alternate encodings (Prometheus asks for gzip; curl and many tools do not), and pause
        // between scrapes so they land at any point of a collection cycle, as real scrapes do.
        const encoding = i % 2 === 0 ? 'gzip' : 'identity';
        const r = await scrapeOnce(url, encoding);
        latencies[encoding].push(r.ms);
        bytes[encoding] = r.bytes;
        await new Promise((resolve) => setTimeout(resolve, SCRAPE_GAP_MS));
        if (i % 20 === 0) {
          const ts = await metric(url, 'kafka_sre_exporter_last_success_timestamp_seconds');
          if (ts !== lastSeen) {
            collectionsSeen++;
            lastSeen = ts;
          }
        }
      }
    } finally {
      clearInterval(sampler);
    }
    const cpuUsed = cpuSeconds(exporter.pid!) - cpuStart;
    const wallUsed = (Date.now() - wallStart) / 1000;
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
      cycleSeconds: { min: Math.min(...cycles), max: Math.max(...cycles), samples: cycles },
      scrapeMs: {
        gzip: stats(latencies.gzip),
        identity: stats(latencies.identity),
        collectionsDuringScrapes: collectionsSeen,
      },
      // Exporter CPU over the scrape phase (collections every 5 s plus every scrape served).
      exporterCpu: {
        seconds: round(cpuUsed),
        wallSeconds: round(wallUsed),
        cores: Number((cpuUsed / wallUsed).toFixed(2)),
      },
      series: await metric(url, 'kafka_sre_exporter_series'),
      metricsBytes: bytes.identity,
      metricsGzipBytes: bytes.gzip,
      rssMB,
      rssMinMB,
      rssAtPeakMB: atPeak,
      peakMB: memoryMB(exporter.pid!).hwm,
    };
  } finally {
    if (exporter) await stop(exporter);
    await stop(broker);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const topics = Number(positional[0] ?? 1000);
const scrapes = Number(positional[1] ?? 200);
const idleMB = await idleProcessMB();
const small = await run(Math.max(1, Math.round(topics / 10)), scrapes);
const large = await run(topics, scrapes);
const ratio = (a: number | undefined, b: number | undefined) => (a && b ? Number((b / a).toFixed(2)) : null);
process.stdout.write(
  JSON.stringify(
    {
      benchmark: 'exporter-scale',
      targets: { cycleSeconds: 2, scrapeP99Ms: 50, rssMB: 250 },
      exporterNodeOptions: exporterNodeOptions ?? null,
      loadAverage: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
      idleProcessMB: idleMB,
      small,
      large,
      growth10x: {
        cycle: ratio(small.cycleSeconds.max, large.cycleSeconds.max),
        scrapeP99Gzip: ratio(small.scrapeMs.gzip.p99, large.scrapeMs.gzip.p99),
        scrapeP99Identity: ratio(small.scrapeMs.identity.p99, large.scrapeMs.identity.p99),
        series: ratio(small.series, large.series),
        rss: ratio(small.rssMB, large.rssMB),
      },
    },
    null,
    2,
  ) + '\n',
);
