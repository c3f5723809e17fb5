// `kafka-sre doctor`: checks what the toolkit needs on this machine and prints what to fix.
// Exit 0 when everything is in place, 3 when a check found a problem.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ExitCode, defaultPortTable } from '../common/index.js';
import { contextFor } from '../common/command/index.js';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

/** External tools: command to look for, the Debian package that provides it. */
export const externalTools = [
  { command: 'prometheus', pkg: 'prometheus' },
  { command: 'promtool', pkg: 'prometheus' },
  // Debian names the Alertmanager binary prometheus-alertmanager.
  { command: 'prometheus-alertmanager', pkg: 'prometheus-alertmanager' },
  { command: 'amtool', pkg: 'prometheus-alertmanager' },
  { command: 'kcat', pkg: 'kcat' },
];
export const pythonModules = [
  { module: 'kafka', pkg: 'python3-kafka' },
  { module: 'confluent_kafka', pkg: 'python3-confluent-kafka' },
];

function onPath(command: string): string | undefined {
  const r = spawnSync('/bin/sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

async function portFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((done) => {
    const srv = createServer();
    srv.once('error', () => done(false));
    srv.listen(port, host, () => srv.close(() => done(true)));
  });
}

export async function runChecks(dataDir: string, brokers: number): Promise<Check[]> {
  const checks: Check[] = [];
  const [major, minor] = process.versions.node.split('.').map(Number);
  checks.push({
    name: 'node',
    ok: major > 20 || (major === 20 && minor >= 9),
    detail: `Node ${process.versions.node}`,
    fix: 'install Node 20.9 or newer',
  });
  for (const t of externalTools) {
    const where = onPath(t.command);
    checks.push({
      name: t.command,
      ok: !!where,
      detail: where ?? 'not found on PATH',
      fix: `apt-get install -y ${t.pkg}`,
    });
  }
  for (const m of pythonModules) {
    const r = spawnSync('/usr/bin/python3', ['-c', `import ${m.module}`], { stdio: 'ignore' });
    checks.push({
      name: `python3 ${m.module}`,
      ok: r.status === 0,
      detail: r.status === 0 ? 'importable by /usr/bin/python3' : 'not importable by /usr/bin/python3',
      fix: `apt-get install -y ${m.pkg}`,
    });
  }
  for (const row of defaultPortTable(brokers)) {
    const free = await portFree(row.port);
    checks.push({
      name: `port ${row.port}`,
      ok: free,
      detail: `${row.what}: ${free ? 'free' : 'in use'}`,
      fix: `stop what listens on ${row.port} or choose another port in the config`,
    });
  }
  const dir = resolve(dataDir);
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    checks.push({ name: 'data dir', ok: true, detail: `${dir} is writable` });
  } catch (e) {
    checks.push({
      name: 'data dir',
      ok: false,
      detail: `${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      fix: `make ${dir} writable or set broker.dataDir`,
    });
  }
  return checks;
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check Node, external tools, default ports and the data directory; print what to fix')
    .option('--output <format>', 'table or json', 'table')
    .action(async (opts: { output: string }, cmd: Command) => {
      const config = contextFor(cmd).config();
      const checks = await runChecks(config.broker.dataDir, Math.max(config.broker.brokers, 3));
      const failed = checks.filter((c) => !c.ok);
      if (opts.output === 'json') {
        process.stdout.write(JSON.stringify({ ok: failed.length === 0, checks }, null, 2) + '\n');
      } else {
        for (const c of checks) process.stdout.write(`${c.ok ? 'ok  ' : 'FAIL'}  ${c.name.padEnd(22)} ${c.detail}\n`);
        if (failed.length) {
          process.stdout.write(`\n${failed.length} problem(s). To fix:\n`);
          for (const fix of new Set(failed.map((c) => c.fix).filter(Boolean))) process.stdout.write(`  ${fix}\n`);
        } else process.stdout.write('\nall checks passed\n');
      }
      process.exitCode = failed.length ? ExitCode.problemsFound : ExitCode.ok;
    });
}
