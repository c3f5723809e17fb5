// The long fuzz run (`node scripts/fuzz.mjs [--iterations N] [--seed S]`): starts two single brokers
// on free loopback ports (PLAINTEXT and SASL_PLAINTEXT), then runs N iterations of the fuzzer of
// test/support/fuzz.ts, each with its own seed (random unless --seed; printed before it runs, so a
// failure replays with --seed S --iterations 1). After each iteration both brokers must be alive
// and their RSS within 256 MiB of where it started; the first failure stops the run (exit 1).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../common/index.js';
import { cliEntry } from './processes.js';
import { fuzz, servedVersions } from './fuzz.js';

interface Started {
  port: number;
  child: ChildProcess;
  output: () => string;
}

async function startBroker(dir: string, cfg: string | null): Promise<Started> {
  const port = await freePort();
  const metricsPort = await freePort();
  const args = [
    cliEntry,
    ...(cfg ? ['--config', cfg] : []),
    'broker',
    '--brokers',
    '1',
    '--data-dir',
    join(dir, 'data'),
  ];
  args.push('--port', String(port), '--metrics-port', String(metricsPort));
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KAFKA_SRE_LOG_LEVEL: 'error' },
  });
  let out = '';
  const collect = (d: Buffer) => (out = (out + d.toString()).slice(-200_000));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`broker did not start:\n${out}`)), 60_000);
    const check = () => {
      if (/listening on/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', () => reject(new Error(`broker exited while starting:\n${out}`)));
  });
  return { port, child, output: () => out };
}

const rss = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

export async function main(argv: string[]): Promise<number> {
  const flag = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const iterations = Number(flag('--iterations') ?? 20);
  const fixed = flag('--seed');
  if (!Number.isInteger(iterations) || iterations < 1) {
    process.stderr.write('usage: node scripts/fuzz.mjs [--iterations N] [--seed S]\n');
    return 2;
  }
  const dir = mkdtempSync(join(tmpdir(), 'kafka-sre-fuzz-'));
  const password = 'fuzz-run-pw';
  process.env.FUZZ_RUN_PW = password;
  const cfg = join(dir, 'sasl.yaml');
  writeFileSync(
    cfg,
    'broker:\n  security:\n    listener: SASL_PLAINTEXT\n    mechanisms: [PLAIN]\n    users: { admin: { passwordEnv: FUZZ_RUN_PW } }\n',
  );
  const plain = await startBroker(join(dir, 'plain'), null);
  const sasl = await startBroker(join(dir, 'sasl'), cfg);
  const brokers = [plain, sasl];
  const base = brokers.map((b) => rss(b.child.pid!));
  const versions = servedVersions();
  process.stdout.write(
    `fuzzing ${new Set(versions.map((v) => v.apiKey)).size} APIs / ${versions.length} versions on ports ${plain.port} (PLAINTEXT) and ${sasl.port} (SASL_PLAINTEXT), ${iterations} iteration(s)\n`,
  );
  let code = 0;
  try {
    for (let i = 0; i < iterations; i++) {
      const seed = fixed !== undefined ? Number(fixed) + i : Math.floor(Math.random() * 2 ** 31);
      process.stdout.write(`iteration ${i + 1}/${iterations}: seed ${seed} ... `);
      const sent = await fuzz([{ port: plain.port }, { port: sasl.port, login: { user: 'admin', password } }], seed, 1);
      const growth = brokers.map((b, k) => (rss(b.child.pid!) - base[k]!) / 2 ** 20);
      const dead = brokers.findIndex((b) => b.child.exitCode !== null || b.child.signalCode !== null);
      process.stdout.write(`${sent} frames, RSS growth ${growth.map((g) => g.toFixed(0)).join(' / ')} MiB\n`);
      if (dead >= 0) {
        process.stdout.write(
          `FAILED: broker ${dead} died with seed ${seed}\n${brokers[dead]!.output().slice(-5000)}\n`,
        );
        code = 1;
        break;
      }
      if (growth.some((g) => g >= 256)) {
        process.stdout.write(`FAILED: RSS grew by 256 MiB or more with seed ${seed}\n`);
        code = 1;
        break;
      }
    }
  } finally {
    for (const b of brokers) b.child.kill('SIGTERM');
    await Promise.all(
      brokers.map((b) => new Promise((r) => (b.child.exitCode !== null ? r(null) : b.child.once('exit', r)))),
    );
    rmSync(dir, { recursive: true, force: true });
  }
  if (code === 0) process.stdout.write('fuzz run passed\n');
  return code;
}
