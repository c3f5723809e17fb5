import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { candidateRanges, freePort, freePortBase, releasePort, reservationsDir, reservePort } from './free-ports.js';

const modulePath = fileURLToPath(new URL('./free-ports.ts', import.meta.url));

function kernelEphemeralRange(): [number, number] | undefined {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return [lo, hi];
  } catch {
    return undefined;
  }
}

test('ports are handed out outside the ephemeral range and the default-port blocks', async () => {
  const eph = kernelEphemeralRange() ?? [32768, 65535];
  const ports = [];
  for (let i = 0; i < 20; i++) ports.push(await freePort());
  const base = await freePortBase(3, 100, [0, 10, 20]);
  for (let i = 0; i < 3; i++) for (const o of [0, 10, 20]) ports.push(base + 100 * i + o);
  assert.equal(new Set(ports).size, ports.length, 'no port handed out twice in one process');
  for (const p of ports) {
    assert.ok(p >= 10000 && p <= 65535, `${p} in 10000-65535`);
    assert.ok(p < eph[0] || p > eph[1], `${p} outside the ephemeral range ${eph.join('-')}`);
    for (const block of [19000, 29000, 39000])
      assert.ok(p < block || p > block + 999, `${p} outside ${block}-${block + 999}`);
    assert.ok(existsSync(join(reservationsDir(), String(p))), `${p} has a reservation file`);
  }
  for (const p of ports) releasePort(p);
  for (const p of ports) {
    const file = join(reservationsDir(), String(p));
    assert.ok(!existsSync(file) || !readFileSync(file, 'utf8').startsWith(`${process.pid} `), `${p} released`);
  }
});

// A child that allocates `n` ports once told "go" on stdin, prints them, and holds them until
// stdin ends (then exits normally, removing its reservations).
const CHILD = `
const { freePort } = await import(process.env.FREE_PORTS_MODULE);
const n = Number(process.env.FREE_PORTS_N);
let buf = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', async (d) => {
  buf += d;
  if (buf !== 'go\\n') return;
  const ports = [];
  for (let i = 0; i < n; i++) ports.push(await freePort());
  process.stdout.write(JSON.stringify(ports) + '\\n');
});
process.stdin.on('end', () => process.exit(0));
process.stdout.write('ready\\n');
`;

interface Child {
  proc: ChildProcessWithoutNullStreams;
  line: (re: RegExp) => Promise<string>;
  exited: Promise<number | null>;
}

function startChild(env: Record<string, string>): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
    env: { ...process.env, FREE_PORTS_MODULE: modulePath, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: (() => void)[] = [];
  proc.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of waiters.splice(0)) w();
  });
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    proc.once('exit', (code) => {
      resolve(code);
      for (const w of waiters.splice(0)) w();
    }),
  );
  const line = (re: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`child ${proc.pid}: no line matching ${re} within 30 s; stdout ${out} stderr ${err}`)),
        30_000,
      );
      const check = () => {
        const m = out.split('\n').find((l) => re.test(l));
        if (m !== undefined) {
          clearTimeout(timer);
          resolve(m);
        } else if (proc.exitCode !== null) {
          clearTimeout(timer);
          reject(new Error(`child ${proc.pid} exited ${proc.exitCode}: ${err}`));
        } else waiters.push(check);
      };
      check();
    });
  return { proc, line, exited };
}

test(
  'two processes allocating at once never get the same port; a dead owner is reclaimed',
  { timeout: 120_000 },
  async () => {
    // 200 candidate ports for 2 x 50: without cross-process reservations collisions are all but certain.
    const env = { FREE_PORTS_N: '50', KAFKA_SRE_PORT_RANGE: '12000-12199' };
    const children = [startChild(env), startChild(env)];
    try {
      await Promise.all(children.map((c) => c.line(/^ready$/)));
      for (const c of children) c.proc.stdin.write('go\n');
      const [a, b] = (await Promise.all(children.map((c) => c.line(/^\[/)))).map((l) => JSON.parse(l) as number[]);
      assert.equal(a.length, 50);
      assert.equal(b.length, 50);
      const all = [...a, ...b];
      assert.equal(
        new Set(all).size,
        100,
        `ports handed out twice: ${all.filter((p, i) => all.indexOf(p) !== i).join(', ')}`,
      );
      for (const p of all) assert.ok(p >= 12000 && p <= 12199, `${p} in KAFKA_SRE_PORT_RANGE`);

      // A live owner's reservation holds.
      assert.equal(reservePort(a[0]), false, 'a port a live process holds is not reserved again');
      // A killed owner (no exit cleanup) leaves its files; they are reclaimed.
      const [killed, alive] = children;
      killed.proc.kill('SIGKILL');
      await killed.exited;
      // (Its files stay until reclaimed: by this reservePort, or by another process's sweep.)
      assert.equal(reservePort(a[0]), true, "a dead owner's reservation is reclaimed");
      const content = readFileSync(join(reservationsDir(), String(a[0])), 'utf8');
      assert.match(content, new RegExp(`^${process.pid} `));
      releasePort(a[0]);
      const ownerOf = (p: number) =>
        existsSync(join(reservationsDir(), String(p)))
          ? readFileSync(join(reservationsDir(), String(p)), 'utf8').split(' ')[0]
          : undefined;
      for (const p of a.slice(1)) if (reservePort(p)) releasePort(p);
      for (const p of a)
        assert.notEqual(ownerOf(p), String(killed.proc.pid), `${p}: the killed child's reservation is gone`);
      assert.equal(reservePort(b[0]), false, 'the other child still holds its ports');
      // A normal exit removes the reservations.
      alive.proc.stdin.end();
      assert.equal(await alive.exited, 0);
      for (const p of b) assert.notEqual(ownerOf(p), String(alive.proc.pid), `${p} released at exit`);
    } finally {
      for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
      for (let p = 12000; p <= 12199; p++) releasePort(p);
    }
  },
);

test('a reservation whose PID now belongs to another process (other start time) is reclaimed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'free-ports-test-'));
  const saved = process.env.KAFKA_SRE_PORTS_DIR;
  process.env.KAFKA_SRE_PORTS_DIR = dir;
  try {
    // Our own PID, but a start time that is not ours: the PID was reused.
    writeFileSync(join(dir, '12345'), `${process.pid} 1 0123456789ab\n`);
    assert.equal(reservePort(12345), true);
    // A live owner with the right start time (ourselves, as another process would see us): kept.
    writeFileSync(join(dir, '12346'), readFileSync(join(dir, '12345'), 'utf8'));
    assert.equal(reservePort(12346), false);
    // A file being written (empty, fresh) is not reclaimed.
    writeFileSync(join(dir, '12347'), '');
    assert.equal(reservePort(12347), false);
    releasePort(12345);
    assert.ok(!existsSync(join(dir, '12345')));
    assert.ok(candidateRanges().length > 0);
  } finally {
    if (saved === undefined) delete process.env.KAFKA_SRE_PORTS_DIR;
    else process.env.KAFKA_SRE_PORTS_DIR = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});
