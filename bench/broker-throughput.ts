// Reference broker throughput. Prints one JSON document with two parts:
// - single (issue 3): one broker, a librdkafka producer (kcat, so the client is not the bottleneck),
//   acks=1 with batching: produce records/s and MB/s for 100-byte and 1 KiB records, consume
//   records/s and MB/s (kcat -C), produce latency p50/p99 at a fixed moderate rate.
// - cluster (issue 4, bench/support/cluster-bench.ts): 3 brokers as OS processes under the launcher, RF=3.
// Env: BENCH_RECORDS_100B (default 1,000,000), BENCH_RECORDS_1K (default 200,000),
//      BENCH_RATE (latency runs, records/s, default 2000), BENCH_KEEP=1 keeps the data dir,
//      BENCH_ONLY=single|cluster runs one part; cluster knobs in bench/support/cluster-bench.ts.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../common/index.js';
import { runClusterBench } from './support/cluster-bench.js';
import { writeLines } from './support/records-file.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const N100 = Number(process.env.BENCH_RECORDS_100B ?? 1_000_000);
const N1K = Number(process.env.BENCH_RECORDS_1K ?? 200_000);
const RATE = Number(process.env.BENCH_RATE ?? 2000);

/** CPU seconds (user + system) the broker process has used so far (Linux /proc). */
function cpuSeconds(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

function timed(
  cmd: string,
  args: string[],
): { seconds: number; stdout: string; stderr: string; status: number | null } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return {
    seconds: Number(process.hrtime.bigint() - t0) / 1e9,
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
    status: r.status,
  };
}

const LATENCY_SCRIPT = `
import sys, time, json
from confluent_kafka import Producer
b, rate, secs = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
p = Producer({'bootstrap.servers': b, 'acks': 1, 'linger.ms': 0})
lat = []
def cb(err, msg, t0):
    if err is None: lat.append((time.perf_counter() - t0) * 1000)
payload = b'x' * 100
p.produce('latency', b'warmup')
p.flush(30)
n = int(rate * secs)
start = time.perf_counter()
for i in range(n):
    due = start + i / rate
    while True:
        now = time.perf_counter()
        if now >= due: break
        p.poll(min(due - now, 0.001))
    t0 = time.perf_counter()
    p.produce('latency', payload, on_delivery=lambda e, m, t0=t0: cb(e, m, t0))
    p.poll(0)
p.flush(30)
lat.sort()
q = lambda f: lat[min(len(lat) - 1, int(f * len(lat)))] if lat else None
print(json.dumps({'records': len(lat), 'p50_ms': q(0.5), 'p99_ms': q(0.99), 'max_ms': lat[-1] if lat else None}))
`;

async function single(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-broker-'));
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
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, KAFKA_SRE_LOG_LEVEL: 'warn' },
    },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    broker.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (/listening on/.test(out)) resolve();
    });
    broker.once('exit', (c) => reject(new Error(`broker exited ${c}`)));
  });
  const bootstrap = `127.0.0.1:${port}`;
  const result: Record<string, unknown> = {
    brokers: 1,
    client: 'kcat (librdkafka 2.0.2)',
    acks: 1,
    load_average_at_start: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  };
  try {
    const producerOpts = [
      '-X',
      'acks=1',
      '-X',
      'linger.ms=10',
      '-X',
      'batch.num.messages=10000',
      '-X',
      'queue.buffering.max.messages=2000000',
      '-X',
      'queue.buffering.max.kbytes=2097151',
    ];
    for (const [label, n, size] of [
      ['100B', N100, 100],
      ['1KiB', N1K, 1024],
    ] as const) {
      const file = join(dir, `records-${label}.txt`);
      await writeLines(file, n, size);
      const topic = `bench-${label}`;
      spawnSync('kcat', ['-b', bootstrap, '-P', '-t', topic, '-p', '0'], { input: 'warmup\n' });
      const cpu0 = cpuSeconds(broker.pid!);
      const p = timed('kcat', ['-b', bootstrap, '-P', '-t', topic, '-p', '0', ...producerOpts, '-l', file]);
      const brokerCpu = cpuSeconds(broker.pid!) - cpu0;
      if (p.status !== 0) throw new Error(`kcat -P failed: ${p.stderr}`);
      const c = timed('kcat', [
        '-b',
        bootstrap,
        '-C',
        '-t',
        topic,
        '-p',
        '0',
        '-o',
        'beginning',
        '-e',
        '-q',
        '-X',
        'fetch.message.max.bytes=8388608',
        '-f',
        '%o\\n',
      ]);
      const consumed = c.stdout.split('\n').filter(Boolean).length;
      result[`produce_${label}`] = {
        records: n,
        seconds: +p.seconds.toFixed(3),
        records_per_sec: Math.round(n / p.seconds),
        mb_per_sec: +((n * size) / p.seconds / 1e6).toFixed(1),
        // What one core of broker CPU would sustain: separates the broker from the client and the load.
        broker_cpu_seconds: +brokerCpu.toFixed(2),
        broker_records_per_cpu_sec: Math.round(n / brokerCpu),
      };
      result[`consume_${label}`] = {
        records: consumed,
        seconds: +c.seconds.toFixed(3),
        records_per_sec: Math.round(consumed / c.seconds),
        mb_per_sec: +((consumed * size) / c.seconds / 1e6).toFixed(1),
      };
      rmSync(file, { force: true });
    }
    const lat = spawnSync('/usr/bin/python3', ['-c', LATENCY_SCRIPT, bootstrap, String(RATE), '5'], {
      encoding: 'utf8',
    });
    result.produce_latency = {
      rate_per_sec: RATE,
      record_bytes: 100,
      linger_ms: 0,
      ...(lat.status === 0 ? JSON.parse(lat.stdout.trim().split('\n').pop()!) : { error: lat.stderr.slice(-500) }),
    };
  } finally {
    broker.kill('SIGTERM');
    await new Promise((r) => broker.once('exit', r));
    if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

const only = process.env.BENCH_ONLY;
const out: Record<string, unknown> = {};
if (only !== 'cluster') out.single = await single();
if (only !== 'single') out.cluster = await runClusterBench(RATE);
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
