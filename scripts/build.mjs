// `npm run build`: compiles the sources to dist/ (tsconfig.build.json) and stamps it, so that
// bin/kafka-sre.js runs dist/ only while it matches the sources (bin/dist-stamp.js).
// The fingerprint is taken before the compiler starts: an edit during the build leaves dist/ stale.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceFingerprint, stampFile } from '../bin/dist-stamp.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fingerprint = sourceFingerprint(root);
// A clean dist/: no compiled file of a deleted source can linger.
rmSync(join(root, 'dist'), { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
if (tsc.status !== 0) {
  process.stderr.write('build: tsc failed; dist/ is left unstamped (the program keeps running the sources)\n');
  process.exit(tsc.status ?? 1);
}
// Compiled modules that start the CLI as a child process find it at <their dir>/../bin (or
// ../../bin) relative to themselves, i.e. dist/bin/kafka-sre.js: forward to the real entry point.
mkdirSync(join(root, 'dist', 'bin'), { recursive: true });
writeFileSync(
  join(root, 'dist', 'bin', 'kafka-sre.js'),
  "#!/usr/bin/env node\n// Written by scripts/build.mjs: the CLI entry point for compiled modules that spawn the CLI.\nimport '../../bin/kafka-sre.js';\n",
);
writeFileSync(stampFile(root), `${fingerprint}\n`);
