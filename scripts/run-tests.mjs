#!/usr/bin/env node
// `npm test`: bootstrap, then Node's built-in test runner over every *.test.ts (via tsx).
// Extra arguments narrow the run to files whose path contains one of them.
// The budget reporter prints each file's wall time against its budget after the summary.
import { readdirSync, statSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distIsCurrent } from '../bin/dist-stamp.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const skipDirs = new Set(['node_modules', 'dist', '.git', 'generated', '.kafka-sre']);

function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (skipDirs.has(name)) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) findTests(full, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, full));
  }
  return out;
}

const filters = process.argv.slice(2);
const files = findTests(root)
  .sort()
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error(`run-tests: no test files match ${filters.join(' ')}`);
  process.exit(2);
}
// The processes the tests start (brokers, exporters, every CLI run) go through bin/kafka-sre.js,
// which runs the compiled dist/ when it matches the sources and transpiles the sources through tsx
// otherwise. Compile first: a spawned process then starts in about half the time and ~45 MB smaller
// (measured: cli-foundation 16 s vs 29 s, cluster-lifecycle + exporter-lag 36 s vs 61 s), which on
// two cores is minutes of the suite. The test files themselves still import the sources.
// KAFKA_SRE_FROM_SOURCE=1 runs the spawned processes from the sources instead (the bin's other path,
// which test/bin-dist.test.ts also covers). A failed build is reported and the run goes on from the
// sources: the typecheck, not the test run, is where a compile error is judged.
if (process.env.KAFKA_SRE_FROM_SOURCE !== '1' && !distIsCurrent(root)) {
  const started = Date.now();
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (build.status === 0) console.log(`run-tests: compiled dist/ in ${seconds} s (spawned processes run it)`);
  else console.error(`run-tests: npm run build failed after ${seconds} s: spawned processes run the sources`);
}

const args = [
  '--import',
  'tsx',
  '--test',
  `--test-concurrency=${process.env.KAFKA_SRE_TEST_CONCURRENCY ?? '2'}`,
  '--test-timeout=600000',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=./test/support/budget-reporter.mjs',
  '--test-reporter-destination=stdout',
  ...files,
];
const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
