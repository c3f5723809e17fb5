import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeLineFormatter } from './node-output.js';

const line = JSON.stringify({
  level: 40,
  time: Date.UTC(2026, 11, 7, 10, 0, 0),
  pid: 1,
  hostname: 'h',
  component: 'broker',
  node: 1,
  part: 'raft',
  term: 13,
  msg: 'stepped down as metadata quorum leader',
});

test('on a terminal a node JSON line becomes one readable line', () => {
  const out = nodeLineFormatter(true)(1, line);
  assert.match(out, /^\[broker 1\] .*WARN.*stepped down as metadata quorum leader/);
  assert.ok(!out.includes('"level"'), out);
  assert.ok(!out.includes('\n'), out);
  assert.match(out, /"term":13/);
});

test('elsewhere, and for lines that are not JSON, the line passes through', () => {
  assert.equal(nodeLineFormatter(false)(2, line), `[broker 2] ${line}`);
  assert.equal(nodeLineFormatter(true)(0, 'broker 0 stopped'), '[broker 0] broker 0 stopped');
  assert.equal(nodeLineFormatter(true)(0, '{not json'), '[broker 0] {not json');
});
