// Loopback ports handed out at run time to processes started next to others (tests, `up`'s port 0,
// the game-day runner's embedded cluster, benchmarks), and whether one is open.
//
// No pick-then-bind against the kernel's ephemeral range. Binding port 0, reading the kernel's
// choice, closing and handing the number to a process started later races every outgoing
// connection on the machine: the kernel may give that very port to someone's connect() before the
// child binds it (EADDRINUSE). So:
// - A server the caller binds itself binds port 0 and reads the bound port back (no helper needed).
// - For a process started later, freePort()/freePortBase() hand out ports from OUTSIDE the
//   ephemeral range (/proc/sys/net/ipv4/ip_local_port_range, e.g. 32768-60999): 10000..low-1 and
//   high+1..65535, skipping the thousand-blocks of the toolkit's default ports at or above 10000
//   (19092, 29092, 39092 + 100 per broker: 19000-19999, 29000-29999, 39000-39999; the others are
//   below 10000). The kernel never hands those out for outgoing connections.
// - Every handed-out port is reserved across processes (Node's test runner runs two test files at
//   once, each its own process; tools run at once): a file `<tmpdir>/kafka-sre-ports/<port>`
//   created with O_EXCL ('wx') holding the owner's PID, its start time (/proc/<pid>/stat, because
//   PIDs get reused) and a nonce. A reservation whose owner is dead (or whose PID now belongs to a
//   process started at another time) is reclaimed: moved aside atomically, checked to be the stale
//   file and not a fresh one, then created anew. A process removes its reservations at exit (best
//   effort: a killed one leaves them; they are reclaimed when their port comes up, and swept by the
//   next process's first reservation). Reservations last as long as the process that asked, so a
//   test file never gets a port another running test file holds (for its whole run, not just
//   until the port is bound).
// - A reserved port is also checked to be bindable right now (isFree) before it is handed out:
//   other software listening in the range is skipped (it does not take part in reservations).
// KAFKA_SRE_PORTS_DIR moves the reservation directory; KAFKA_SRE_PORT_RANGE=LO-HI narrows the
// candidates (still minus the ephemeral range and the default blocks; the allocator's test uses it).
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPorts } from './ports.js';
import { processStartTime } from './process-identity.js';

const LOWEST = 10_000;
const HIGHEST = 65_535;
/** A file still empty this long after it was created belongs to a process that died writing it. */
const UNWRITTEN_STALE_MS = 10_000;

type Range = [lo: number, hi: number];

/** The kernel's ephemeral (outgoing connection) port range, inclusive. */
export function ephemeralPortRange(): Range {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(lo) && Number.isInteger(hi) && lo > 0 && hi >= lo) return [lo, hi];
  } catch {
    /* not Linux */
  }
  // Linux's default starts at 32768, the IANA range (macOS, Windows) at 49152.
  return [32_768, HIGHEST];
}

/** Thousand-blocks around the toolkit's default ports (listener bases + 100 per broker). */
function avoidedBlocks(): Range[] {
  const blocks = new Set<number>();
  for (const p of Object.values(defaultPorts)) if (p >= LOWEST) blocks.add(Math.floor(p / 1000) * 1000);
  return [...blocks].map((b): Range => [b, b + 999]);
}

function subtract(ranges: Range[], cut: Range): Range[] {
  const out: Range[] = [];
  for (const [lo, hi] of ranges) {
    if (cut[1] < lo || cut[0] > hi) out.push([lo, hi]);
    else {
      if (lo < cut[0]) out.push([lo, cut[0] - 1]);
      if (hi > cut[1]) out.push([cut[1] + 1, hi]);
    }
  }
  return out;
}

/** The ranges ports are handed out from: outside the ephemeral range and the default blocks. */
export function candidateRanges(): Range[] {
  let ranges: Range[] = [[LOWEST, HIGHEST]];
  const wanted = process.env.KAFKA_SRE_PORT_RANGE;
  if (wanted) {
    const m = /^(\d+)-(\d+)$/.exec(wanted.trim());
    if (!m || Number(m[1]) < 1 || Number(m[2]) > HIGHEST || Number(m[1]) > Number(m[2]))
      throw new Error(`KAFKA_SRE_PORT_RANGE=${wanted}: expected LO-HI within 1-65535`);
    ranges = [[Number(m[1]), Number(m[2])]];
  }
  ranges = subtract(ranges, ephemeralPortRange());
  for (const b of avoidedBlocks()) ranges = subtract(ranges, b);
  if (ranges.length === 0)
    throw new Error(`no port outside the ephemeral range ${ephemeralPortRange().join('-')} to hand out`);
  return ranges;
}

function isCandidate(port: number, ranges: Range[]): boolean {
  return ranges.some(([lo, hi]) => port >= lo && port <= hi);
}

function randomCandidate(ranges: Range[]): number {
  let r = Math.floor(Math.random() * ranges.reduce((n, [lo, hi]) => n + hi - lo + 1, 0));
  for (const [lo, hi] of ranges) {
    if (r <= hi - lo) return lo + r;
    r -= hi - lo + 1;
  }
  return ranges[0][0];
}

// --- reservations ----------------------------------------------------------------------------

/** Every port this process holds: its reservation file and the content written there. */
const held = new Map<number, { file: string; content: string }>();
let cleanupInstalled = false;
/** Directories this process has prepared (created, swept of dead owners' reservations). */
const prepared = new Set<string>();

export function reservationsDir(): string {
  return process.env.KAFKA_SRE_PORTS_DIR || join(tmpdir(), 'kafka-sre-ports');
}

function ensureDir(dir: string): void {
  if (prepared.has(dir)) return;
  if (mkdirSync(dir, { recursive: true }) !== undefined) {
    try {
      // Shared by every user of the machine (ports are); sticky, so only owners remove files.
      chmodSync(dir, 0o1777);
    } catch {
      /* best effort */
    }
  }
  prepared.add(dir);
  // Once per process: drop the reservations of killed processes (they would be reclaimed when
  // their port comes up anyway; this keeps the directory small) and leftovers of a reclaim.
  try {
    for (const name of readdirSync(dir)) {
      const file = join(dir, name);
      if (/^\d+$/.test(name)) reclaim(file);
      else if (name.includes('.stale-') && Date.now() - statSync(file).mtimeMs > 60_000) unlinkSync(file);
    }
  } catch {
    /* best effort */
  }
}

const startTime = processStartTime;

const myStart = startTime(process.pid) ?? '-';

function ownerAlive(content: string): boolean {
  const [pidText, start] = content.trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    // EPERM: it exists (another user's process).
  }
  const now = startTime(pid);
  return start === undefined || start === '-' || now === undefined || now === start;
}

/** Remove a stale reservation; true when the port may be tried again. */
function reclaim(file: string): boolean {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
  if (content.endsWith('\n')) {
    if (ownerAlive(content)) return false;
  } else {
    // Created but not yet written (or its writer died right then).
    try {
      if (Date.now() - statSync(file).mtimeMs < UNWRITTEN_STALE_MS) return false;
    } catch {
      return true;
    }
  }
  // Two processes may find the same stale file: only the one that moves *that* file aside
  // removes it. One that moved a fresh reservation (made after the other reclaimed) puts it back.
  const aside = `${file}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(file, aside);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
  let moved: string | undefined;
  try {
    moved = readFileSync(aside, 'utf8');
  } catch {
    /* gone: treat as not ours to judge */
  }
  if (moved !== content) {
    try {
      linkSync(aside, file);
    } catch {
      /* a third process reserved it meanwhile */
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    /* already gone */
  }
  return moved === content;
}

function releaseAll(): void {
  for (const port of [...held.keys()]) releasePort(port);
}

/**
 * Reserve `port` for this process (no bind): false when another live process (or this one)
 * holds it. A reservation of a dead process is reclaimed.
 */
export function reservePort(port: number): boolean {
  if (held.has(port)) return false;
  const dir = reservationsDir();
  ensureDir(dir);
  const file = join(dir, String(port));
  const content = `${process.pid} ${myStart} ${randomBytes(6).toString('hex')}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, content, { flag: 'wx' });
      held.set(port, { file, content });
      if (!cleanupInstalled) {
        cleanupInstalled = true;
        process.on('exit', releaseAll);
      }
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        // The directory was removed since this process prepared it.
        prepared.delete(dir);
        ensureDir(dir);
        continue;
      }
      if (code !== 'EEXIST') {
        if (code === 'EACCES' || code === 'EPERM') return false;
        throw e;
      }
    }
    if (!reclaim(file)) return false;
  }
  return false;
}

/** Give back a port this process reserved (its reservation file is removed if still ours). */
export function releasePort(port: number): void {
  const mine = held.get(port);
  if (mine === undefined) return;
  held.delete(port);
  try {
    if (readFileSync(mine.file, 'utf8') === mine.content) unlinkSync(mine.file);
  } catch {
    /* already gone */
  }
}

// --- allocation ------------------------------------------------------------------------------

/**
 * A port outside the ephemeral range, reserved for this process until it exits (or
 * releasePort) and free on 127.0.0.1 right now: for a process started later to bind.
 */
export async function freePort(): Promise<number> {
  const ranges = candidateRanges();
  for (let attempt = 0; attempt < 500; attempt++) {
    const port = randomCandidate(ranges);
    if (!reservePort(port)) continue;
    if (await isFree(port)) return port;
    releasePort(port);
  }
  throw new Error(
    `no free port in ${ranges.map((r) => r.join('-')).join(', ')} (reservations in ${reservationsDir()})`,
  );
}

/**
 * A base port P such that P + step*i + o are all free and reserved for i < count and o in
 * offsets: for launching N brokers whose ports follow the +100 rule. Same range and reservations
 * as freePort().
 */
export async function freePortBase(count: number, step = 100, offsets: number[] = [0]): Promise<number> {
  const ranges = candidateRanges();
  const rel: number[] = [];
  for (let i = 0; i < count; i++) for (const o of offsets) rel.push(step * i + o);
  let reservedTries = 0;
  for (let attempt = 0; attempt < 20_000 && reservedTries < 200; attempt++) {
    const base = randomCandidate(ranges);
    const ports = rel.map((r) => base + r);
    if (!ports.every((p) => isCandidate(p, ranges))) continue;
    reservedTries++;
    const got: number[] = [];
    for (const p of ports) {
      if (!reservePort(p)) break;
      got.push(p);
    }
    if (got.length === ports.length && (await Promise.all(ports.map(isFree))).every(Boolean)) return base;
    for (const p of got) releasePort(p);
  }
  throw new Error(
    `no free port base for ${count} ports with step ${step} in ${ranges.map((r) => r.join('-')).join(', ')}`,
  );
}

export async function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** Whether something accepts TCP connections on host:port right now. */
export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host }, () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
