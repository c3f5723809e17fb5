// test-budget: 60s
// Golden files (sloth-style in/out pairs): the real CLI turns each alerts/testdata/golden/in-*.yaml
// into a directory that must equal out-*/ byte for byte; docs/runbooks must equal the runbooks
// generated from the defaults. Regenerate after an intended change with
//   KAFKA_SRE_UPDATE_GOLDEN=1 node scripts/run-tests.mjs test/alerts-golden
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import { repoRoot, runCli } from './support/processes.js';

const goldenDir = join(repoRoot, 'alerts', 'testdata', 'golden');
const docsRunbooks = join(repoRoot, 'docs', 'runbooks');
const update = process.env.KAFKA_SRE_UPDATE_GOLDEN === '1';
const tmp = mkdtempSync(join(tmpdir(), 'kafka-sre-golden-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full) : [full];
  });
}

function assertSameTree(actualDir: string, expectedDir: string) {
  const rel = (d: string) =>
    listFiles(d)
      .map((f) => relative(d, f))
      .sort();
  assert.deepEqual(rel(actualDir), rel(expectedDir), `file list of ${relative(repoRoot, expectedDir)}`);
  for (const f of rel(expectedDir))
    assert.equal(
      readFileSync(join(actualDir, f), 'utf8'),
      readFileSync(join(expectedDir, f), 'utf8'),
      `${relative(repoRoot, expectedDir)}/${f} differs (KAFKA_SRE_UPDATE_GOLDEN=1 to accept)`,
    );
}

/** Environment without KAFKA_SRE_* so only the input file configures the run. */
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KAFKA_SRE_')));

async function generate(input: string, out: string) {
  const r = await runCli(['-c', join(goldenDir, input), 'alerts', 'generate', '--out', out], { env: cleanEnv });
  assert.equal(r.code, 0, r.stdout + r.stderr);
}

for (const name of ['default', 'custom']) {
  test(`in-${name}.yaml generates out-${name}/`, async () => {
    const out = join(tmp, name);
    await generate(`in-${name}.yaml`, out);
    if (name === 'default') {
      // The default runbooks are the committed docs/runbooks.
      if (update) {
        rmSync(docsRunbooks, { recursive: true, force: true });
        cpSync(join(out, 'runbooks'), docsRunbooks, { recursive: true });
      }
      assertSameTree(join(out, 'runbooks'), docsRunbooks);
      rmSync(join(out, 'runbooks'), { recursive: true });
    }
    const expected = join(goldenDir, `out-${name}`);
    if (update) {
      rmSync(expected, { recursive: true, force: true });
      cpSync(out, expected, { recursive: true });
    }
    assertSameTree(out, expected);
  });
}

test('alerts generate without --out is a usage error (exit 2)', async () => {
  const r = await runCli(['alerts', 'generate'], { env: cleanEnv });
  assert.equal(r.code, 2);
});

test('a bad threshold in the config file is a usage error naming the field', async () => {
  const r = await runCli(['-c', join(goldenDir, 'in-default.yaml'), 'alerts', 'generate', '--out', join(tmp, 'bad')], {
    env: { ...cleanEnv, KAFKA_SRE_ALERTS_THRESHOLDS_DISK_USED_RATIO: '3' },
  });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /alerts\.thresholds\.diskUsedRatio/);
});
