// Child processes of the embedded drill stack (the broker launcher, the exporter, Prometheus):
// started with a readiness check, stopped by PID (SIGTERM, then SIGKILL after a grace period).
// Tests hand in their own starter with the same shape, so their fixture tracks every PID.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { portOpen } from '../../common/index.js';

export interface ChildStartOptions {
  /** A name for errors ("prometheus", "kafka-sre broker"). */
  name: string;
  /** Ready once stdout or stderr matches this. */
  readyWhen?: RegExp;
  /** Ready once this TCP port on 127.0.0.1 accepts connections. */
  readyPort?: number;
  readyTimeoutMs?: number;
  cwd?: string;
  /** Also append everything the process prints to this file (kept with the drill directory for a post-mortem). */
  logFile?: string;
}

export interface ChildHandle {
  readonly pid: number;
  /** What the process printed so far (stdout and stderr, the last few MB). */
  output(): string;
  /** SIGTERM, then SIGKILL after graceMs; resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
}

export type StartChild = (command: string, args: string[], opts: ChildStartOptions) => Promise<ChildHandle>;

export const startChild: StartChild = async (command, args, opts) => {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: opts.cwd });
  let out = '';
  // Set by the 'exit' listener (an object, so the checks below see the change).
  const state: { exit: { code: number | null; signal: string | null } | null } = { exit: null };
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      state.exit = { code, signal };
      resolve();
    }),
  );
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new Error(e.code === 'ENOENT' ? `${command} not found on PATH (${opts.name})` : `${opts.name}: ${e.message}`),
      ),
    );
  });
  let file: NodeJS.WritableStream | null = null;
  if (opts.logFile) {
    mkdirSync(dirname(opts.logFile), { recursive: true });
    file = createWriteStream(opts.logFile, { flags: 'a' });
    // 'close', not 'exit': output can still arrive after the process exited, until its pipes close.
    child.once('close', () => file?.end());
  }
  const collect = (d: Buffer) => {
    file?.write(d);
    out += d.toString();
    if (out.length > 4_000_000) out = out.slice(-2_000_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  await spawned;
  const pid = child.pid!;
  const handle: ChildHandle = {
    pid,
    output: () => out,
    async stop(graceMs = 10_000) {
      if (state.exit) return;
      process.kill(pid, 'SIGTERM');
      const timer = setTimeout(() => !state.exit && process.kill(pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  const timeoutMs = opts.readyTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  while (!(opts.readyWhen?.test(out) ?? true) || !(opts.readyPort === undefined || (await portOpen(opts.readyPort)))) {
    if (state.exit || Date.now() > deadline) {
      const why = state.exit
        ? `exited early (code ${state.exit.code}, signal ${state.exit.signal})`
        : `not ready within ${timeoutMs / 1000} s`;
      await handle.stop(2000);
      throw new Error(`${opts.name} ${why}; its output:\n${out.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return handle;
};
