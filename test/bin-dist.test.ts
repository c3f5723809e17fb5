// bin/kafka-sre.js runs the compiled dist/ only while it matches the sources (bin/dist-stamp.js),
// else the sources through tsx. `npm test` builds dist/ first (scripts/run-tests.mjs), so most
// spawned processes take the compiled path: this file shows the stamp's rule on a small tree of its
// own and that the sources path still runs the program.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: plain JavaScript module without type declarations (bin/ is not compiled)
import { distIsCurrent, sourceFingerprint, stampFile } from '../bin/dist-stamp.js';
import { runCli } from './support/processes.js';

type Stamp = {
  distIsCurrent: (root: string) => boolean;
  sourceFingerprint: (root: string) => string;
  stampFile: (root: string) => string;
};
const stamp: Stamp = { distIsCurrent, sourceFingerprint, stampFile };

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'kafka-sre-dist-stamp-'));
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ include: ['src/**/*.ts', 'test/**/*.ts'] }));
  writeFileSync(join(root, 'tsconfig.build.json'), JSON.stringify({ exclude: ['test', '**/*.test.ts'] }));
  writeFileSync(join(root, 'package.json'), '{}');
  mkdirSync(join(root, 'src'));
  mkdirSync(join(root, 'test'));
  writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 1;\n');
  mkdirSync(join(root, 'dist'));
  writeFileSync(stamp.stampFile(root), `${stamp.sourceFingerprint(root)}\n`);
  return root;
}

test('dist/ is current only while the compiled sources are unchanged', (t) => {
  const root = tree();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  assert.equal(stamp.distIsCurrent(root), true, 'right after the build');

  // What the build does not compile cannot make dist/ stale.
  writeFileSync(join(root, 'test', 'x.ts'), 'export {};\n');
  writeFileSync(join(root, 'src', 'a.test.ts'), 'export {};\n');
  assert.equal(stamp.distIsCurrent(root), true, 'tests added');

  // An edit of the same size: only the modification time tells, and it does.
  const later = new Date(Date.now() + 5_000);
  writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 2;\n');
  utimesSync(join(root, 'src', 'a.ts'), later, later);
  assert.equal(stamp.distIsCurrent(root), false, 'edited source');

  writeFileSync(stamp.stampFile(root), `${stamp.sourceFingerprint(root)}\n`);
  writeFileSync(join(root, 'src', 'b.ts'), 'export const b = 1;\n');
  assert.equal(stamp.distIsCurrent(root), false, 'added source');

  writeFileSync(stamp.stampFile(root), `${stamp.sourceFingerprint(root)}\n`);
  writeFileSync(join(root, 'tsconfig.build.json'), JSON.stringify({ exclude: ['test'] }));
  assert.equal(stamp.distIsCurrent(root), false, 'build configuration changed');

  rmSync(stamp.stampFile(root));
  assert.equal(stamp.distIsCurrent(root), false, 'no stamp: never run');
});

test('KAFKA_SRE_FROM_SOURCE=1 runs the program from the TypeScript sources', async () => {
  const r = await runCli(['--help'], { env: { ...process.env, KAFKA_SRE_FROM_SOURCE: '1' } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Usage: kafka-sre/);
});
