// Runbooks: every page has the required sections, its ```sh blocks are exactly the commands in
// commands.json, every command parses as sh, and `kafka-sre` commands stay within the operator
// command contract documented in alerts/README.md.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { alertsSection } from '../common/config/sections/alerts.js';
import { alertsByName, buildModel } from './model.js';
import { renderRunbooks, runbookCommands } from './render/runbooks.js';
import { runbookVariables, variablesOf } from './runbook-commands.js';

const model = buildModel(alertsSection.parse({}));
const pages = renderRunbooks(model);
const commands = runbookCommands(model);

const contract = [
  /^kafka-sre cluster describe /,
  /^kafka-sre topics describe (--(under-replicated|under-min-isr|at-min-isr|offline|unpreferred-leader) |"\$TOPIC" )/,
  /^kafka-sre groups (list|describe "\$GROUP") /,
  /^kafka-sre log (dirs|dump --topic "\$TOPIC" --partition "\$PARTITION") /,
  /^kafka-sre topics elect-leaders --preferred /,
  /^kafka-sre groups reset-offsets "\$GROUP" --topic "\$TOPIC" --to-latest /,
  /^kafka-sre transactions (list|find-hanging( --abort --execute)?) /,
];

function shBlocks(md: string): string[] {
  return [...md.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) =>
    m[1].split('\n').filter((l) => l && !l.startsWith('#')),
  );
}

test('there is one page per alert name plus the index and commands.json', () => {
  const names = [...alertsByName(model).keys()];
  assert.deepEqual([...pages.keys()].sort(), [...names.map((n) => `${n}.md`), 'README.md', 'commands.json'].sort());
  for (const n of names) assert.match(pages.get('README.md') ?? '', new RegExp(`\\[${n}\\]\\(${n}\\.md\\)`));
});

test('every page explains meaning, impact, confirmation, mitigation and escalation', () => {
  for (const [file, md] of pages) {
    if (!file.endsWith('.md') || file === 'README.md') continue;
    for (const h of [
      '## What it means',
      '## Impact',
      '## How to confirm',
      '## Mitigation',
      '## When to escalate',
      '```promql',
    ])
      assert.ok(md.includes(h), `${file}: ${h}`);
  }
});

test('the sh blocks of each page are exactly its commands in commands.json', () => {
  for (const [name, entry] of Object.entries(commands.alerts)) {
    const md = pages.get(`${name}.md`) ?? '';
    assert.deepEqual(
      shBlocks(md),
      [...entry.confirm, ...entry.mitigation].map((c) => c.sh),
      name,
    );
    assert.ok(entry.confirm.length > 0, `${name} has confirmation commands`);
  }
});

test('every command parses as sh, uses only declared variables, and kafka-sre commands follow the contract', () => {
  const all = Object.values(commands.alerts).flatMap((e) => [...e.confirm, ...e.mitigation]);
  for (const c of all) {
    const r = spawnSync('/bin/sh', ['-n', '-c', c.sh]);
    assert.equal(r.status, 0, `${c.sh}: ${r.stderr}`);
    for (const v of variablesOf(c.sh)) assert.ok(v in runbookVariables, `${c.sh}: $${v} is not a documented variable`);
    if (c.sh.startsWith('kafka-sre '))
      assert.ok(
        contract.some((re) => re.test(c.sh)),
        `${c.sh} is outside the operator command contract`,
      );
    assert.equal(/^(kafka-sre|kcat|curl) /.test(c.sh), true, c.sh);
  }
  assert.ok(
    all.some((c) => c.mutates),
    'mutating commands are marked',
  );
});
