import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { loadScheduleFile } from './scheduler.js';
import { formatHistory } from './history.js';

const examples = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples');

test('the example schedule loads, with spec paths resolved next to it', async () => {
  const entries = await loadScheduleFile(join(examples, 'schedule.yaml'));
  assert.equal(entries.length, 3);
  assert.ok(entries[0].spec.endsWith('chaos/scenarios/F3-broker-kill.yaml'));
});

test('the example CronJob and CI workflow are valid YAML that run `chaos run`', () => {
  for (const f of ['kubernetes-cronjob.yaml', 'github-workflow.yaml']) {
    const doc = parse(readFileSync(join(examples, f), 'utf8')) as unknown;
    assert.match(JSON.stringify(doc), /"chaos","run"|chaos run/);
  }
});

test('an empty history says so', () => {
  assert.equal(formatHistory([]), 'no game days recorded\n');
});
