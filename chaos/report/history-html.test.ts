import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../test/support/processes.js';
import type { HistoryEntry } from '../schedule/history.js';
import { renderHistoryHtml } from './history-html.js';

const run = (i: number, status: HistoryEntry['status'], ttdMs?: number): HistoryEntry => ({
  spec: 'f3-broker-kill',
  file: 'F3-broker-kill.yaml',
  target: 'embedded',
  runId: `run-${i}`,
  startedAt: new Date(Date.UTC(2026, 11, i, 3, 0, 0)).toISOString(),
  endedAt: new Date(Date.UTC(2026, 11, i, 3, 2, 0)).toISOString(),
  status,
  exitCode: status === 'passed' ? 0 : 1,
  reportDir: `/var/gamedays/reports/f3-broker-kill-run-${i}`,
  alerts: [{ alert: 'KafkaBrokerDown', fault: 'kill-broker-2', passed: status === 'passed', ttdMs, ttrMs: 2000 + i }],
});

test('the history page lists every run newest first with its report, and a TTD/TTR trend per scenario', () => {
  const entries = [run(1, 'passed', 4100), run(2, 'passed', 3900), run(3, 'failed')];
  const html = renderHistoryHtml(entries, '/var/gamedays/history.html');
  const rows = [...html.matchAll(/<tr class="(\w+)"><td>([^<]+)<\/td>/g)].map((m) => `${m[1]} ${m[2]}`);
  assert.deepEqual(rows, [
    'failed 2026-12-03T03:00:00.000Z',
    'passed 2026-12-02T03:00:00.000Z',
    'passed 2026-12-01T03:00:00.000Z',
  ]);
  assert.match(html, /<a href="reports\/f3-broker-kill-run-2\/report.html">report<\/a>/);
  assert.match(html, /KafkaBrokerDown: TTD 3.9 s, TTR 2 s/);
  // The failed run never detected: its TTD point is missing, the two others are drawn.
  assert.match(html, /data-title="Time to detect \(s\)" data-points="2"/);
  assert.match(html, /data-title="Time to recover \(s\)" data-points="3"/);
  assert.match(html, /<svg/);
});

test('`chaos history --html` writes the page from the scheduler history file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kafka-sre-history-'));
  try {
    const file = join(dir, 'history.jsonl');
    await writeFile(
      file,
      [run(1, 'passed', 4100), run(2, 'passed', 3900)].map((e) => JSON.stringify(e)).join('\n') + '\n',
    );
    const out = join(dir, 'site', 'history.html');
    const r = await runCli(['chaos', 'history', '--history', file, '--html', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /wrote .*history\.html: 2 run\(s\)/);
    assert.match(await readFile(out, 'utf8'), /2 recorded run\(s\) of 1 scenario\(s\)/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
