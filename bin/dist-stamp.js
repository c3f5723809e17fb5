// Whether dist/ (the compiled JavaScript `npm run build` emits) matches the TypeScript sources, so
// that bin/kafka-sre.js may run it instead of transpiling the sources through tsx at every start
// (tsx's loader thread and the transpiled modules cost ~35 MB of RSS in a long-lived process).
//
// "Matches" is decided cheaply and conservatively: the build records a fingerprint of every file
// the compiler could read (path, size and modification time of each .ts/.mts/.json file under the
// directories tsconfig.json includes, less what tsconfig.build.json excludes, plus both tsconfig
// files and package.json), taken BEFORE the
// compiler runs. At start the same fingerprint is computed again (a few hundred stat calls, a few
// milliseconds) and dist/ is used only when it is equal. Any edit, added, removed or renamed file,
// checkout or tsconfig change therefore sends the program back to the sources; an edit made while
// the build ran also does (the recorded fingerprint predates it). Only a file rewritten with the
// same size and its old modification time restored could go unnoticed.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const stampFile = (root) => join(root, 'dist', '.build-stamp');

const SKIP = new Set(['node_modules', 'dist', '.git']);
const SOURCE = /\.(m?ts|json)$/;

function walk(dir, out, skip) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (SKIP.has(e.name)) continue;
    const path = join(dir, e.name);
    if (skip.paths.has(path) || skip.suffixes.some((x) => e.name.endsWith(x))) continue;
    if (e.isDirectory()) walk(path, out, skip);
    else if (SOURCE.test(e.name)) out.push(path);
  }
}

/** Fingerprint of the sources the build compiles (see above). */
export function sourceFingerprint(root) {
  const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8'));
  const build = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8'));
  // "scripts/**/*.ts" -> "scripts": the directory part of each include pattern.
  const dirs = new Set((tsconfig.include ?? []).map((p) => p.split('/').filter((s) => !s.includes('*'))[0]));
  // What the build excludes (tests, benchmarks) cannot make dist/ stale: "test" is a path,
  // "**/*.test.ts" the file-name suffix ".test.ts"; any other pattern is ignored (the fingerprint only covers more).
  const exclude = build.exclude ?? [];
  const skip = {
    paths: new Set(exclude.filter((p) => !p.includes('*')).map((p) => join(root, p))),
    suffixes: exclude.filter((p) => /^\*\*\/\*[^*/]+$/.test(p)).map((p) => p.slice(4)),
  };
  const files = ['tsconfig.json', 'tsconfig.build.json', 'package.json'].map((f) => join(root, f));
  for (const d of [...dirs].sort()) if (!skip.paths.has(join(root, d))) walk(join(root, d), files, skip);
  const hash = createHash('sha256');
  for (const f of files) {
    const s = statSync(f);
    hash.update(`${relative(root, f)}\t${s.size}\t${s.mtimeMs}\n`);
  }
  return `${files.length}:${hash.digest('hex')}`;
}

/** True when dist/ was built from exactly the sources now on disk. Never throws. */
export function distIsCurrent(root) {
  try {
    return readFileSync(stampFile(root), 'utf8').trim() === sourceFingerprint(root);
  } catch {
    return false;
  }
}

// `node bin/dist-stamp.js`: exit 0 when dist/ is current, 1 when the program would run the sources
// (bench/exporter-scale.ts reports which one it measured).
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const current = distIsCurrent(join(dirname(fileURLToPath(import.meta.url)), '..'));
  process.stdout.write(current ? 'dist/ is current\n' : 'dist/ is missing or stale: the program runs the sources\n');
  process.exitCode = current ? 0 : 1;
}
