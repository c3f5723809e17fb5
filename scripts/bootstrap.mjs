#!/usr/bin/env node
// Bootstrap for `npm start`, `npm test` and `.ci/run` on a fresh clone: the Debian packages the
// toolkit uses (when running as root; the list is scripts/system-packages.mjs), then the npm
// dependencies when node_modules is missing or stale. Debian packages come first because some are
// build dependencies of native npm packages. Plain JavaScript with no dependencies, because it
// runs before any are installed. When something cannot be installed it stops with the exact
// command to run (exit 1).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { npmEnv, systemPackages } from './system-packages.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stampFile = join(root, 'node_modules', '.kafka-sre-lock-hash');
const policyFile = '/usr/sbin/policy-rc.d';

function fail(message) {
  console.error(`bootstrap: ${message}`);
  process.exit(1);
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 9))
    fail(`Node ${process.versions.node} is too old; install Node 20.9 or newer.`);
}

function ensureNodeModules() {
  const lock = join(root, 'package-lock.json');
  // The stamp covers the lock file and the build environment, so a changed npmEnv rebuilds.
  const wanted = createHash('sha256').update(readFileSync(lock)).update(JSON.stringify(npmEnv)).digest('hex');
  const have = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : '';
  if (have === wanted && existsSync(join(root, 'node_modules', 'tsx'))) return;
  console.error('bootstrap: installing npm dependencies (npm ci)...');
  const env = { ...process.env, ...npmEnv };
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env,
  });
  const envText = Object.entries(npmEnv)
    .map(([k, v]) => `${k}=${v} `)
    .join('');
  if (r.status !== 0) fail(`npm ci failed (exit ${r.status}). Run it yourself in ${root}: ${envText}npm ci`);
  writeFileSync(stampFile, wanted + '\n');
}

/**
 * Runs `install` while invoke-rc.d refuses to start services (Debian's policy-rc.d protocol: exit
 * 101 = action forbidden), so installing prometheus or alertmanager starts no system service that
 * would hold their default ports. An existing policy file is put back afterwards, untouched.
 */
function withServiceStartsDenied(install) {
  const saved = `${policyFile}.kafka-sre-saved`;
  const hadPolicy = existsSync(policyFile);
  if (hadPolicy) renameSync(policyFile, saved);
  writeFileSync(
    policyFile,
    '#!/bin/sh\n# written by kafka-sre bootstrap while it installs packages: start no services\nexit 101\n',
    { mode: 0o755 },
  );
  try {
    return install();
  } finally {
    rmSync(policyFile, { force: true });
    if (hadPolicy) renameSync(saved, policyFile);
  }
}

function ensureSystemPackages() {
  const missing = systemPackages.filter((p) => !p.check()).map((p) => p.pkg);
  if (missing.length === 0) return;
  const cmd = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) fail(`missing Debian packages: ${missing.join(', ')}. Install them with: sudo ${cmd}`);
  console.error(`bootstrap: installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Fails after the policy file is restored (process.exit inside would skip the restore).
  const failed = withServiceStartsDenied(() => {
    for (const args of [
      ['update', '-qq'],
      ['install', '-y', '-qq', '--no-install-recommends', ...missing],
    ]) {
      const r = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
      if (r.status !== 0) return `apt-get ${args[0]} failed (exit ${r.status}). Run: ${cmd}`;
    }
    return undefined;
  });
  if (failed) fail(failed);
  const still = systemPackages.filter((p) => !p.check()).map((p) => p.pkg);
  if (still.length) fail(`still missing after install: ${still.join(', ')}. Run: ${cmd}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  checkNode();
  ensureSystemPackages();
  ensureNodeModules();
}
