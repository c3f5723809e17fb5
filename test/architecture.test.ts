// The import graph follows docs/architecture.md: parts import lower layers only, only through front
// doors, nobody imports cli/, and front doors hold re-exports only. Static analysis, no processes.
// test-budget: 20s
//
// How to read a failure: one line per violation, `file:line [rule] imports 'specifier': why`.
// Fix the import (or the code), not the rules:
//   [front-door]   import the part's front door (the message names it); if the name is not exported
//                  there yet, add an `export … from` line to that front door.
//   [direction]    the import goes sideways or up a layer: move the shared code down to the part
//                  both can import (usually common/ or kafka-client/), or invert the dependency.
//   [cli-is-top]   a part needs something from cli/: move it to common/command/.
//   [door-code]    a front door holds code: move it into a module of the part and re-export it.
//   [outside]      a part imports test/, scripts/ or bin/: move the helper into a part.
//   [missing-door] a part has no index.ts: create it, re-exporting what other parts use.
//   [no-part]      a new top-level code folder: place it in a layer (test/support/import-graph.ts
//                  and docs/architecture.md, together) or move the file into a part.
// Changing the layering itself is a design decision: edit `layers` in test/support/import-graph.ts
// and docs/architecture.md in the same change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkImportGraph, formatViolations, frontDoors, layers, partOf } from './support/import-graph.js';
import { repoRoot } from './support/processes.js';

test('the repository follows the import rules of docs/architecture.md', () => {
  const violations = checkImportGraph(repoRoot);
  if (violations.length > 0)
    assert.fail(
      `${violations.length} import(s) break docs/architecture.md (how to read this: test/architecture.test.ts):\n` +
        formatViolations(violations),
    );
});

test('every part is in exactly one layer; common is at the bottom, cli at the top', () => {
  const all = layers.flat();
  assert.equal(new Set(all).size, all.length);
  assert.deepEqual(layers[0], ['common']);
  assert.ok(layers[layers.length - 1].includes('cli'));
  assert.equal(partOf('kafka-client/index.ts'), 'kafka-client');
  assert.equal(partOf('test/support/ports.ts'), undefined);
  assert.deepEqual(frontDoors('alerts'), ['alerts/index.ts']);
});

/** A small tree with one allowed and one broken import of every kind. */
const fixture: Record<string, string> = {
  'protocol/index.ts': "export * from './frame.js';\n",
  'protocol/frame.ts': 'export const frame = 1;\n',
  'protocol/record-batch/index.ts': "export * from './batch.js';\n",
  'protocol/record-batch/batch.ts': "import { frame } from '../frame.js';\nexport const batch = frame;\n",
  'protocol/wire.ts': "import { helper } from '../test/support/helper.js';\nexport const wire = helper;\n",
  'alerts/index.ts': "export { rules } from './rules.js';\nexport const extra = 1;\n",
  'alerts/rules.ts': [
    "import { frame } from '../protocol/index.js';",
    "import { batch } from '../protocol/record-batch/index.js';",
    'export const rules = frame + batch;',
    '',
  ].join('\n'),
  'dashboards/index.ts': "export { panels } from './panels.js';\n",
  'dashboards/panels.ts': [
    "import { frame } from '../protocol/frame.js';",
    "import { rules } from '../alerts/index.js';",
    "export const panels = async () => [frame, rules, (await import('../cli/main.js')).x];",
    '',
  ].join('\n'),
  'ops/index.ts': "export { run } from './run.js';\n",
  'ops/run.ts': "import { rules } from '../alerts/index.js';\nexport const run = rules;\n",
  'ops/run.test.ts': "import { x } from '../cli/main.js';\nimport { rules } from '../alerts/rules.js';\n",
  'cli/main.ts': [
    "import { run } from '../ops/index.js';",
    "import { panels } from '../dashboards/index.js';",
    'export const x = [run, panels];',
    '',
  ].join('\n'),
  'bench/run.ts':
    "import { helper } from '../test/support/helper.js';\nimport { frame } from '../protocol/index.js';\n",
  'test/support/helper.ts': 'export const helper = 1;\n',
  'test/e2e.test.ts': "import { rules } from '../alerts/rules.js';\n",
  'scripts/tool.ts': "import { rules } from '../alerts/rules.js';\n",
  'chaos/run.ts': "import { rules } from '../dashboards/panels.js';\n",
  'tools/gen.ts': 'export const gen = 1;\n',
};

test('the checker names every broken import of a fixture, and nothing else', () => {
  const root = mkdtempSync(join(tmpdir(), 'kafka-sre-architecture-'));
  try {
    for (const [file, text] of Object.entries(fixture)) {
      mkdirSync(join(root, dirname(file)), { recursive: true });
      writeFileSync(join(root, file), text);
    }
    const found = checkImportGraph(root).map((v) => `${v.file}:${v.line} [${v.rule}] ${v.target ?? ''}`.trim());
    assert.deepEqual(found.sort(), [
      'alerts/index.ts:2 [door-code]',
      'chaos/index.ts:0 [missing-door]',
      'chaos/run.ts:1 [direction] dashboards/panels.ts',
      'dashboards/panels.ts:1 [front-door] protocol/frame.ts',
      'dashboards/panels.ts:2 [direction] alerts/index.ts',
      'dashboards/panels.ts:3 [cli-is-top] cli/main.ts',
      'protocol/wire.ts:1 [outside] test/support/helper.ts',
      'tools/gen.ts:0 [no-part]',
    ]);
    const text = formatViolations(checkImportGraph(root));
    assert.match(
      text,
      /^dashboards\/panels\.ts:1 \[front-door\] imports '\.\.\/protocol\/frame\.js': protocol\/frame\.ts is inside protocol\/: import protocol\/index\.ts instead \(it re-exports protocol\/frame\.ts\)$/m,
    );
    assert.match(
      text,
      /^dashboards\/panels\.ts:2 \[direction\] .*dashboards\/ \(layer 3\) may not import alerts\/ \(layer 3\)/m,
    );
    assert.match(text, /^dashboards\/panels\.ts:3 \[cli-is-top\] imports '\.\.\/cli\/main\.js': cli\/ is the top/m);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
