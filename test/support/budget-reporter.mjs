// Test reporter that prints each test file's wall time against its time budget, so the suite
// stays well under CI's 20 minutes as it grows. A file states its budget in a comment near the
// top: `// test-budget: 120s` (default 60 s). Over-budget files are flagged, never failed:
// timings are not assertions here.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const DEFAULT_BUDGET_S = 60;
const SUITE_BUDGET_S = 15 * 60;

function budgetOf(file) {
  try {
    const m = /\/\/\s*test-budget:\s*(\d+)\s*s/.exec(readFileSync(file, 'utf8').slice(0, 2000));
    return m ? Number(m[1]) : DEFAULT_BUDGET_S;
  } catch {
    return DEFAULT_BUDGET_S;
  }
}

export default async function* budgetReporter(source) {
  const seen = new Map(); // file -> { first, last }
  const started = Date.now();
  for await (const event of source) {
    const file = event.data?.file;
    if (!file) continue;
    const now = Date.now();
    const span = seen.get(file) ?? { first: now, last: now };
    span.last = now;
    if (event.type === 'test:pass' || event.type === 'test:fail') {
      const d = event.data.details?.duration_ms;
      if (event.data.nesting === 0 && typeof d === 'number') span.testMs = (span.testMs ?? 0) + d;
    }
    seen.set(file, span);
  }
  const rows = [...seen.entries()]
    .map(([file, s]) => {
      // The runner reports a file's events in declaration order once they are known, so arrival
      // times stretch over whatever ran concurrently; the top-level durations are the file's own.
      const secs = s.testMs !== undefined ? s.testMs / 1000 : (s.last - s.first) / 1000;
      return { file: relative(process.cwd(), file), secs, budget: budgetOf(file) };
    })
    .sort((a, b) => b.secs - a.secs);
  const total = (Date.now() - started) / 1000;
  let out = '\n# per-file time budget (wall seconds / budget)\n';
  for (const r of rows)
    out += `#  ${r.secs > r.budget ? 'OVER' : 'ok  '} ${r.secs.toFixed(1).padStart(7)}s / ${String(r.budget).padStart(4)}s  ${r.file}\n`;
  out += `# suite wall time ${total.toFixed(1)}s / budget ${SUITE_BUDGET_S}s${total > SUITE_BUDGET_S ? ' OVER' : ''}\n`;
  yield out;
}
