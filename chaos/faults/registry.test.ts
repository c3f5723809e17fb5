import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { faultTypes } from '../schema/schema.js';
import { parseSpec } from '../schema/parse.js';
import { planText } from '../runner/plan.js';
import { defaultFaultRegistry } from './registry.js';

test('every fault type of the spec schema has exactly one implementation', () => {
  assert.deepEqual(defaultFaultRegistry().types().sort(), [...faultTypes].sort());
});

const scenarios = join(dirname(fileURLToPath(import.meta.url)), '..', 'scenarios');

test('the scenario library has one spec per failure mode F1-F11 plus all.yaml, and each validates and plans', () => {
  const files = readdirSync(scenarios)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  for (let i = 1; i <= 11; i++)
    assert.ok(
      files.some((f) => f.startsWith(`F${i}-`)),
      `F${i} scenario`,
    );
  assert.ok(files.includes('all.yaml'));
  for (const f of files) {
    const loaded = parseSpec(readFileSync(join(scenarios, f), 'utf8'), f);
    assert.ok(loaded.spec.expectations.alerts.length > 0, `${f} expects an alert`);
    assert.match(planText(loaded), /roll back every fault/);
  }
});
