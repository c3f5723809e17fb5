// Run history: one JSON line per scheduled (or skipped) game day, appended, never rewritten.
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface HistoryEntry {
  spec: string;
  file: string;
  target: string;
  runId?: string;
  startedAt: string;
  endedAt: string;
  status: 'passed' | 'failed' | 'aborted' | 'error' | 'skipped';
  exitCode: number;
  reportDir?: string;
  reason?: string;
  /** Each expected alert's time to detect and to recover (ms), for the trends on the history page. */
  alerts?: { alert: string; fault: string; passed: boolean; ttdMs?: number; ttrMs?: number }[];
}

export async function appendHistory(file: string, e: HistoryEntry): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await appendFile(file, JSON.stringify(e) + '\n');
}

/** Entries oldest first; a torn last line (crash mid-write) is skipped. */
export async function readHistory(file: string): Promise<HistoryEntry[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: HistoryEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as HistoryEntry);
    } catch {
      /* torn line */
    }
  }
  return out;
}

export function formatHistory(entries: HistoryEntry[]): string {
  if (entries.length === 0) return 'no game days recorded\n';
  const rows = entries.map((e) => [
    e.startedAt,
    e.spec,
    e.target,
    e.status,
    String(e.exitCode),
    e.reportDir ?? '',
    e.reason ?? '',
  ]);
  const head = ['started', 'spec', 'target', 'status', 'exit', 'report', 'reason'];
  const widths = head.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => r[i].length))));
  const line = (r: string[]) =>
    r.map((c, i) => (i === r.length - 1 ? c : c.slice(0, widths[i]).padEnd(widths[i]))).join('  ');
  return [line(head), ...rows.map(line)].join('\n') + '\n';
}
