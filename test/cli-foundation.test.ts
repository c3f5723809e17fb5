// The kafka-sre binary itself: help, exit codes, doctor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCli } from './support/processes.js';
import { externalTools } from '../cli/doctor.js';

const dataDir = mkdtempSync(join(tmpdir(), 'kafka-sre-doctor-'));

test('kafka-sre --help lists the commands and exits 0', async () => {
  const r = await runCli(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Usage: kafka-sre/);
  assert.match(r.stdout, /\bup\b/);
  assert.match(r.stdout, /\bdoctor\b/);
});

test('every registered command has --help', async () => {
  const top = await runCli(['--help']);
  const commands = [...top.stdout.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]).filter((c) => c !== 'help');
  assert.ok(commands.length >= 2);
  for (const c of commands) {
    const r = await runCli([c, '--help']);
    assert.equal(r.code, 0, `${c} --help exits 0`);
    assert.match(r.stdout, new RegExp(`Usage: kafka-sre ${c}`));
  }
});

test('an unknown command is a usage error (exit 2)', async () => {
  const r = await runCli(['no-such-command']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command/);
});

test('--log-format takes pretty or json; anything else is a usage error (exit 2)', async () => {
  const r = await runCli(['--log-format', 'yaml', 'doctor']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--log-format: "yaml" is not pretty or json/);
});

test('a bad config file is a usage error (exit 2) with a one-line message', async () => {
  const r = await runCli(['doctor'], { env: { ...process.env, KAFKA_SRE_BROKER_PORT: '70000' } });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /config error: broker\.port: 70000 is out of range/);
});

test('doctor finds every external tool on this machine', async () => {
  const r = await runCli(['doctor', '--output', 'json'], {
    env: { ...process.env, KAFKA_SRE_BROKER_DATA_DIR: dataDir },
  });
  const report = JSON.parse(r.stdout) as { checks: { name: string; ok: boolean }[] };
  for (const t of externalTools) assert.ok(report.checks.find((c) => c.name === t.command)?.ok, `${t.command} found`);
  assert.ok(report.checks.find((c) => c.name === 'data dir')?.ok);
});

test('doctor exits 3 and names the missing tool when PATH lacks it', async () => {
  // A PATH with every tool but kcat.
  const bin = mkdtempSync(join(tmpdir(), 'kafka-sre-path-'));
  for (const t of externalTools.filter((x) => x.command !== 'kcat')) {
    const where = spawnSync('/bin/sh', ['-c', `command -v ${t.command}`], { encoding: 'utf8' }).stdout.trim();
    symlinkSync(where, join(bin, t.command));
  }
  const r = await runCli(['doctor'], { env: { ...process.env, PATH: bin, KAFKA_SRE_BROKER_DATA_DIR: dataDir } });
  assert.equal(r.code, 3);
  assert.match(r.stdout, /FAIL\s+kcat\s+not found on PATH/);
  assert.match(r.stdout, /apt-get install -y kcat/);
});
