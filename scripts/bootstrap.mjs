#!/usr/bin/env node
// Bootstrap for `npm start` and `npm test` on a fresh clone: installs npm dependencies when
// node_modules is missing or stale, and the Debian packages the toolkit uses when running as
// root. Plain JavaScript with no dependencies, because it runs before any are installed.
// When something cannot be installed it stops with the exact command to run (exit 1).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stampFile = join(root, 'node_modules', '.kafka-sre-lock-hash');

/** Debian packages, each with a check that proves it is usable. */
export const systemPackages = [
  { pkg: 'prometheus', check: () => hasCommand('prometheus') && hasCommand('promtool') },
  { pkg: 'prometheus-alertmanager', check: () => (hasCommand('prometheus-alertmanager') || hasCommand('alertmanager')) && hasCommand('amtool') },
  { pkg: 'kcat', check: () => hasCommand('kcat') },
  { pkg: 'python3-kafka', check: () => pythonHas('kafka') },
  { pkg: 'python3-confluent-kafka', check: () => pythonHas('confluent_kafka') },
];

function hasCommand(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

// Debian's Python modules live in the system interpreter, not the first python3 on PATH.
function pythonHas(mod) {
  return spawnSync('/usr/bin/python3', ['-c', `import ${mod}`], { stdio: 'ignore' }).status === 0;
}

function fail(message) {
  console.error(`bootstrap: ${message}`);
  process.exit(1);
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 9)) fail(`Node ${process.versions.node} is too old; install Node 20.9 or newer.`);
}

function ensureNodeModules() {
  const lock = join(root, 'package-lock.json');
  const wanted = createHash('sha256').update(readFileSync(lock)).digest('hex');
  const have = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : '';
  if (have === wanted && existsSync(join(root, 'node_modules', 'tsx'))) return;
  console.error('bootstrap: installing npm dependencies (npm ci)...');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) fail(`npm ci failed (exit ${r.status}). Run it yourself in ${root}: npm ci`);
  writeFileSync(stampFile, wanted + '\n');
}

function ensureSystemPackages() {
  const missing = systemPackages.filter((p) => !p.check()).map((p) => p.pkg);
  if (missing.length === 0) return;
  const cmd = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) fail(`missing Debian packages: ${missing.join(', ')}. Install them with: sudo ${cmd}`);
  console.error(`bootstrap: installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...missing]]) {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
    if (r.status !== 0) fail(`apt-get ${args[0]} failed (exit ${r.status}). Run: ${cmd}`);
  }
  // The Debian prometheus packages start system services; the toolkit runs its own instances.
  for (const svc of ['prometheus', 'prometheus-alertmanager', 'prometheus-node-exporter']) {
    spawnSync('sh', ['-c', `command -v systemctl >/dev/null && systemctl stop ${svc} 2>/dev/null; pkill -x ${svc.replace('prometheus-', '')} 2>/dev/null; true`], { stdio: 'ignore' });
  }
  const still = systemPackages.filter((p) => !p.check()).map((p) => p.pkg);
  if (still.length) fail(`still missing after install: ${still.join(', ')}. Run: ${cmd}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  checkNode();
  ensureNodeModules();
  ensureSystemPackages();
}
