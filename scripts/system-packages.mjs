// The one list of Debian packages the toolkit and its tests use, read by scripts/bootstrap.mjs
// (which `npm start`, `npm test` and `.ci/run` all go through). To add a package, add an entry
// here: `pkg` is the Debian package, `check` proves it is usable (a command on PATH, a Python
// module, a header file), `why` says which part needs it. Entries with `beforeNpm: true` are
// installed before `npm ci` (build dependencies of native npm packages); `npmEnv` holds environment
// variables `npm ci` needs for such builds. Plain JavaScript with no dependencies: it runs before
// any npm package is installed.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export function hasCommand(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

// Debian's Python modules live in the system interpreter, not the first python3 on PATH.
export function pythonHas(mod) {
  return spawnSync('/usr/bin/python3', ['-c', `import ${mod}`], { stdio: 'ignore' }).status === 0;
}

/** Whether a file of a -dev package is present (headers and .so links that native builds use). */
export function hasFile(path) {
  return existsSync(path);
}

/** @type {{ pkg: string, check: () => boolean, why: string, beforeNpm?: boolean }[]} */
export const systemPackages = [
  {
    pkg: 'prometheus',
    check: () => hasCommand('prometheus') && hasCommand('promtool'),
    why: 'rule tests (promtool), up, game days',
  },
  {
    pkg: 'prometheus-alertmanager',
    check: () => (hasCommand('prometheus-alertmanager') || hasCommand('alertmanager')) && hasCommand('amtool'),
    why: 'routing tests (amtool), up',
  },
  { pkg: 'kcat', check: () => hasCommand('kcat'), why: 'librdkafka client tests against the reference cluster' },
  { pkg: 'python3-kafka', check: () => pythonHas('kafka'), why: 'kafka-python client tests' },
  {
    pkg: 'python3-confluent-kafka',
    check: () => pythonHas('confluent_kafka'),
    why: 'confluent-kafka-python (librdkafka) client tests',
  },
  {
    pkg: 'chromium',
    check: () => hasCommand('chromium'),
    why: 'browser test of the game-day report (headless, driven by playwright-core)',
  },
  {
    pkg: 'gcc',
    check: () => hasCommand('gcc'),
    why: 'compiles the librdkafka share-consumer test client (test/support/share-consumer.c, KIP-932 tests)',
  },
  {
    pkg: 'libc6-dev',
    check: () => hasFile('/usr/include/stdio.h'),
    why: 'C headers for the share-consumer test client (gcc only recommends them)',
  },
  // @confluentinc/kafka-javascript (librdkafka 2.15, the current client: KIP-848 consumer groups)
  // has no reachable prebuilt binary here: `npm ci` builds it from source against these libraries.
  ...[
    ['zlib1g-dev', '/usr/include/zlib.h'],
    ['libssl-dev', '/usr/include/openssl/ssl.h'],
    ['libzstd-dev', '/usr/include/zstd.h'],
    ['liblz4-dev', '/usr/include/lz4.h'],
    ['libsasl2-dev', '/usr/include/sasl/sasl.h'],
    ['libcurl4-openssl-dev', '/usr/include/x86_64-linux-gnu/curl/curl.h'],
  ].map(([pkg, header]) => ({
    pkg,
    check: () => hasFile(header) || hasFile(header.replace('/x86_64-linux-gnu', '')),
    why: '@confluentinc/kafka-javascript native build (KIP-848 client tests)',
    beforeNpm: true,
  })),
];

/** Environment variables for `npm ci` (native builds that need the packages above). */
export const npmEnv = {
  // Link librdkafka's build against the Debian libraries above instead of downloading them.
  CKJS_LINKING: 'dynamic',
};
