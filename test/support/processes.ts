// Real processes for integration tests: started on loopback, waited for, and always stopped by
// PID when the test file ends (even when it fails). Use `processFixture()` once per test file.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { after } from 'node:test';
import { portOpen } from '../../common/free-ports.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The CLI entry, run with the same Node as the tests. */
export const cliEntry = join(repoRoot, 'bin', 'kafka-sre.js');

export interface StartOptions extends SpawnOptions {
  /** Resolve once stdout or stderr matches this (e.g. /listening on/). */
  readyWhen?: RegExp;
  /** Resolve once this TCP port on 127.0.0.1 accepts connections. */
  readyPort?: number;
  /** How long to wait for readiness (default 30 s). */
  readyTimeoutMs?: number;
  /** A name for log lines and errors. */
  name?: string;
}

export interface RunningProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything the process printed so far (stdout and stderr interleaved). */
  output(): string;
  /**
   * Only what it wrote to stdout: parse data lines from here, since a client's stderr chatter
   * (kcat's "% Reached end of topic") can land in the middle of a stdout line in output().
   */
  stdout(): string;
  /** Resolves when the process exits, with its code or signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): void;
}

export interface ProcessFixture {
  start(command: string, args: string[], opts?: StartOptions): Promise<RunningProcess>;
  /** Start `kafka-sre <args>` through the real CLI entry. */
  startCli(args: string[], opts?: StartOptions): Promise<RunningProcess>;
  stopAll(): Promise<void>;
}

export async function waitForPort(port: number, timeoutMs = 30_000, host = '127.0.0.1'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await portOpen(port, host)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${host}:${port} did not open within ${timeoutMs} ms`);
}

/** Whether a process with this PID exists (signal 0 checks without signalling). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Poll `check` until it returns a truthy value or the deadline passes. */
/** Polls `check` until it returns a truthy value (so return objects, not ids: 0 reads as "not yet"). */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T> | T,
  timeoutMs = 30_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

export function processFixture(): ProcessFixture {
  const running = new Set<RunningProcess>();

  async function start(command: string, args: string[], opts: StartOptions = {}): Promise<RunningProcess> {
    const {
      readyWhen,
      readyPort,
      readyTimeoutMs = 30_000,
      name = command.split('/').pop() ?? command,
      ...spawnOpts
    } = opts;
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...spawnOpts });
    if (child.pid === undefined) throw new Error(`could not start ${name}`);
    let out = '';
    let stdoutOnly = '';
    let onOutput: (() => void) | undefined;
    const collect = (d: Buffer) => {
      out += d.toString();
      if (out.length > 4_000_000) out = out.slice(-2_000_000);
      onOutput?.();
    };
    child.stdout?.on('data', (d: Buffer) => {
      stdoutOnly += d.toString();
      if (stdoutOnly.length > 4_000_000) stdoutOnly = stdoutOnly.slice(-2_000_000);
      collect(d);
    });
    child.stderr?.on('data', collect);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    let isExited = false;
    void exited.then(() => (isExited = true));
    const proc: RunningProcess = {
      name,
      child,
      pid: child.pid,
      output: () => out,
      stdout: () => stdoutOnly,
      exited,
      kill: (signal = 'SIGKILL') => {
        if (!isExited) process.kill(child.pid!, signal);
      },
      stop: async (graceMs = 10_000) => {
        if (isExited) return;
        process.kill(child.pid!, 'SIGTERM');
        const timer = setTimeout(() => !isExited && process.kill(child.pid!, 'SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
        running.delete(proc);
      },
    };
    running.add(proc);

    const ready: Promise<void>[] = [];
    if (readyWhen) {
      ready.push(
        new Promise((resolve) => {
          onOutput = () => {
            if (readyWhen.test(out)) {
              onOutput = undefined;
              resolve();
            }
          };
          onOutput();
        }),
      );
    }
    if (readyPort) ready.push(waitForPort(readyPort, readyTimeoutMs));
    if (ready.length) {
      let timer: NodeJS.Timeout | undefined;
      const failed = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${name} not ready within ${readyTimeoutMs} ms; output:\n${out.slice(-4000)}`)),
          readyTimeoutMs,
        );
        void exited.then(({ code, signal }) =>
          reject(new Error(`${name} exited early (code ${code}, signal ${signal}); output:\n${out.slice(-4000)}`)),
        );
      });
      try {
        await Promise.race([Promise.all(ready), failed]);
      } catch (e) {
        await proc.stop(2000);
        throw e;
      } finally {
        clearTimeout(timer);
      }
    }
    return proc;
  }

  async function stopAll(): Promise<void> {
    await Promise.all([...running].map((p) => p.stop(5000)));
    running.clear();
  }

  after(stopAll);
  return {
    start,
    startCli: (args, opts = {}) =>
      start(process.execPath, [cliEntry, ...args], {
        name: `kafka-sre ${args[0] ?? ''}`.trim(),
        cwd: repoRoot,
        ...opts,
      }),
    stopAll,
  };
}

/** Run a command to completion and capture its output (for CLI tests). */
export async function runCommand(
  command: string,
  args: string[],
  opts: SpawnOptions & { input?: string; timeoutMs?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { input, timeoutMs = 120_000, ...spawnOpts } = opts;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], cwd: repoRoot, ...spawnOpts });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} timed out after ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    // 'close' (not 'exit'): stdout and stderr are fully read only once the pipes close.
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

/** `kafka-sre <args>` to completion. */
export function runCli(args: string[], opts: SpawnOptions & { input?: string; timeoutMs?: number } = {}) {
  return runCommand(process.execPath, [cliEntry, ...args], opts);
}
