// The cluster launcher: runs each broker as its own OS process (`kafka-sre broker-node`), so a
// drill can SIGKILL, SIGSTOP or restart one from its data directory. It never restarts a node on
// its own: a killed broker stays down until asked (/restart), as a drill needs. Stopping the
// launcher stops every node with SIGTERM (controlled shutdown), SIGKILL after a grace period; a
// node whose launcher dies stops on its own (parent-watch.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../common/index.js';
import type { ClusterSpec, NodeSpec } from '../config.js';
import { clusterSpecFile, nodeAdminToken, writeClusterSpec } from './spec.js';
import { CONTROLLER_LAST_WAIT_MS, NODE_KILL_AFTER_MS } from './stop-bounds.js';

const cliEntry = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'kafka-sre.js');

export type NodeRunState = 'running' | 'paused' | 'stopped';

export interface ManagedNode {
  spec: NodeSpec;
  child: ChildProcess | null;
  state: NodeRunState;
  /** Last lines the node wrote (for errors and the admin API). */
  tail: string[];
  /** How its last process ended (null until one has): a drill checks a SIGTERM ended in exit 0. */
  lastExit: { code: number | null; signal: string | null; at: string } | null;
}

/** What a running node's `GET /admin/state` (on its /metrics port) tells the launcher. */
export interface NodeAdminState {
  activeController: boolean;
  fenced: boolean;
  raft: { role: string; leader: number };
  logDir: { usedBytes: number; capacityBytes: number | null; offline: boolean };
}

export class LauncherError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'LauncherError';
  }
}

/** Bytes under a directory (for the log-dir size of a stopped node). */
export function dirBytes(dir: string): number {
  let n = 0;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e);
    try {
      const st = statSync(p);
      n += st.isDirectory() ? dirBytes(p) : st.size;
    } catch {
      /* vanished while walking */
    }
  }
  return n;
}

export class ClusterLauncher {
  readonly nodes = new Map<number, ManagedNode>();
  readonly specFile: string;

  constructor(
    readonly spec: ClusterSpec,
    private readonly logger: Logger,
    private readonly opts: {
      logLevel?: string;
      readyTimeoutMs?: number;
      onNodeOutput?: (nodeId: number, line: string) => void;
    } = {},
  ) {
    this.specFile = clusterSpecFile(spec.broker.dataDir);
    for (const n of spec.nodes)
      this.nodes.set(n.nodeId, { spec: n, child: null, state: 'stopped', tail: [], lastExit: null });
  }

  node(id: number): ManagedNode {
    const n = this.nodes.get(id);
    if (!n) throw new LauncherError(`no node ${id} (nodes: ${[...this.nodes.keys()].join(', ')})`, 404);
    return n;
  }

  /** Write the spec and start every node; resolves once all print that they listen. */
  async start(): Promise<void> {
    writeClusterSpec(this.specFile, this.spec);
    await Promise.all([...this.nodes.keys()].map((id) => this.startNode(id)));
  }

  async startNode(id: number): Promise<void> {
    const n = this.node(id);
    if (n.child && n.state !== 'stopped') throw new LauncherError(`node ${id} is already ${n.state}`, 409);
    const args = [cliEntry, 'broker-node', '--spec', this.specFile, '--node-id', String(id)];
    if (this.opts.logLevel) args.push('--log-level', this.opts.logLevel);
    // stdin is a pipe the node watches: if the launcher dies without stopping it (SIGKILL), the
    // pipe closes and the node stops itself instead of lingering as an orphan.
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    n.child = child;
    n.state = 'running';
    n.tail = [];
    const keep = (stream: NodeJS.ReadableStream | null) => {
      let partial = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (d: string) => {
        partial += d;
        const lines = partial.split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          n.tail.push(line);
          if (n.tail.length > 50) n.tail.shift();
          this.opts.onNodeOutput?.(id, line);
        }
      });
    };
    keep(child.stdout);
    keep(child.stderr);
    child.once('exit', (code, signal) => {
      if (n.child !== child) return;
      n.lastExit = { code, signal, at: new Date().toISOString() };
      n.child = null;
      n.state = 'stopped';
      this.logger.info({ node: id, code, signal }, `broker ${id} exited`);
    });
    const timeoutMs = this.opts.readyTimeoutMs ?? 60_000;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new LauncherError(`broker ${id} did not start within ${timeoutMs} ms:\n${n.tail.join('\n')}`, 500)),
        timeoutMs,
      );
      const onData = (d: Buffer | string) => {
        if (/listening on/.test(String(d)) || n.tail.some((l) => /listening on/.test(l))) {
          clearTimeout(timer);
          child.stdout?.off('data', onData);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(
          new LauncherError(
            `broker ${id} exited (code ${code}, signal ${signal}) before it was ready:\n${n.tail.join('\n')}`,
            500,
          ),
        );
      });
    });
  }

  private signal(id: number, sig: NodeJS.Signals): ManagedNode {
    const n = this.node(id);
    if (!n.child || n.child.pid === undefined) throw new LauncherError(`node ${id} is not running`, 409);
    process.kill(n.child.pid, sig);
    return n;
  }

  /** SIGKILL: no controlled shutdown, no flush. */
  async kill(id: number): Promise<void> {
    const n = this.node(id);
    if (!n.child) return;
    const exited = new Promise<void>((r) => n.child!.once('exit', () => r()));
    this.signal(id, 'SIGKILL');
    await exited;
  }

  pause(id: number): void {
    this.signal(id, 'SIGSTOP').state = 'paused';
  }

  resume(id: number): void {
    this.signal(id, 'SIGCONT').state = 'running';
  }

  /**
   * How long a SIGTERMed node gets before SIGKILL: a node bounds its own stop (controlled shutdown
   * included) below this, so only a stuck one meets the SIGKILL (stop-bounds.ts).
   */
  get stopGraceMs(): number {
    return NODE_KILL_AFTER_MS;
  }

  /** SIGTERM (controlled shutdown); SIGKILL after graceMs. */
  async stop(id: number, graceMs = this.stopGraceMs): Promise<void> {
    const n = this.node(id);
    const child = n.child;
    if (!child || child.pid === undefined) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    if (n.state === 'paused') process.kill(child.pid, 'SIGCONT');
    process.kill(child.pid, 'SIGTERM');
    const timer = setTimeout(() => {
      if (child.pid === undefined || child.exitCode !== null) return;
      this.logger.warn({ node: id, graceMs }, `broker ${id} did not stop within ${graceMs} ms of SIGTERM: SIGKILL`);
      process.kill(child.pid, 'SIGKILL');
    }, graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** Start again from its data directory (stopping it first when it runs). */
  async restart(id: number): Promise<void> {
    if (this.node(id).child) await this.stop(id);
    await this.startNode(id);
  }

  /**
   * Stop every node, the active controller's last, as Kafka stops brokers before controllers: each
   * other broker's controlled shutdown then meets a controller that still has its quorum, and the
   * controller, last, finds nobody left to hand leaderships to and stops at once. Stopped all at
   * once instead, the last node standing waits for a quorum that has just left. Bounded: the
   * controller's turn comes when the others are gone or after CONTROLLER_LAST_WAIT_MS at most,
   * and a node still alive graceMs after this began is SIGKILLed.
   */
  async stopAll(graceMs = this.stopGraceMs): Promise<void> {
    const started = Date.now();
    const ids = [...this.nodes.keys()].filter((id) => this.nodes.get(id)!.child);
    const states = await Promise.all(ids.map(async (id) => ({ id, state: await this.nodeAdminState(id, 1000) })));
    const last = states.find((s) => s.state?.activeController)?.id;
    const others = Promise.all(ids.filter((id) => id !== last).map((id) => this.stop(id, graceMs)));
    if (last !== undefined) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([others, new Promise((r) => (timer = setTimeout(r, CONTROLLER_LAST_WAIT_MS)))]);
      clearTimeout(timer);
      await this.stop(last, Math.max(1000, graceMs - (Date.now() - started)));
    }
    await others;
  }

  /** A running node's own view (role, fencing, log dir) from its /metrics port, or null. */
  async nodeAdminState(id: number, timeoutMs = 2000): Promise<NodeAdminState | null> {
    const n = this.node(id);
    if (n.state !== 'running') return null;
    const m = n.spec.bind.metrics;
    try {
      const token = nodeAdminToken(this.spec);
      const res = await fetch(`http://${m.host === '0.0.0.0' ? '127.0.0.1' : m.host}:${m.port}/admin/state`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        signal: AbortSignal.timeout(timeoutMs),
      });
      return res.ok ? ((await res.json()) as NodeAdminState) : null;
    } catch {
      return null;
    }
  }

  logDir(id: number): string {
    return join(this.spec.broker.dataDir, `broker-${id}`, 'logs');
  }
}
