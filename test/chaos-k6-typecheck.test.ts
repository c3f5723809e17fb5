// The shipped k6 scripts type-check against @types/k6 (their own tsconfig; the root one excludes
// chaos/k6). Running them needs a k6 binary with xk6-kafka, which this machine does not have.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { repoRoot, runCommand } from './support/processes.js';

test('chaos/k6 scripts type-check against @types/k6', async () => {
  const r = await runCommand(process.execPath, [
    join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'),
    '-p',
    join(repoRoot, 'chaos', 'k6', 'tsconfig.json'),
  ]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
});
