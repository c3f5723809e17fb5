import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCommand } from '../test/support/processes.js';

const script = `
import { createLogger } from './common/logging.ts';
const log = createLogger({ level: 'info' });
log.info({ sasl: { password: 'hunter2' }, password: 'hunter2' }, 'connected');
log.debug('hidden at info');
`;

test('logs are JSON lines when stderr is not a terminal, below-level lines dropped, credentials redacted', async () => {
  const r = await runCommand(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1);
  const rec = JSON.parse(lines[0]) as { msg: string; level: number; password: string; sasl: { password: string } };
  assert.equal(rec.msg, 'connected');
  assert.equal(rec.level, 30);
  assert.equal(rec.password, '[redacted]');
  assert.equal(rec.sasl.password, '[redacted]');
  assert.doesNotMatch(r.stderr, /hunter2/);
});
