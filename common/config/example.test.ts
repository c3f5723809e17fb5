import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { loadConfig } from './load.js';
import { configSchema } from './schema.js';
import { repoRoot } from '../../test/support/processes.js';

const examplePath = `${repoRoot}/kafka-sre.example.yaml`;

test('the shipped example configuration is valid', () => {
  const cfg = loadConfig({ file: examplePath, env: {} });
  assert.equal(cfg.exporter.clusters[0]?.name, 'local');
});

test('the example shows every section of the schema', () => {
  const example = parse(readFileSync(examplePath, 'utf8')) as Record<string, unknown>;
  for (const section of Object.keys(configSchema.shape))
    assert.ok(section in example, `section ${section} missing from kafka-sre.example.yaml`);
});
