// Write a run's reports into a directory: journal.json, junit.xml, report.html and, with load,
// summary.json (k6 handleSummary shape). Charts and budget come from the signals the runner captured.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunOutcome } from '../runner/runner.js';
import { PrometheusClient } from '../verify/prometheus.js';
import { PrometheusPoller } from '../verify/prometheus-poller.js';
import { renderHtml } from './html.js';
import { junitXml } from './junit.js';
import { captureSignals, type ReportSignals } from './signals.js';

export async function writeReports(o: RunOutcome, dir: string, opts: { objective?: number } = {}): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const objective = opts.objective ?? 0.999;
  const files: string[] = [];
  const put = async (name: string, text: string) => {
    const f = join(dir, name);
    await writeFile(f, text);
    files.push(f);
  };
  await put('journal.json', JSON.stringify(o.journal.toJSON(), null, 2) + '\n');
  await put('junit.xml', junitXml(o));
  // Captured by the runner as the drill ended; read now only when it was not (an outcome built elsewhere).
  let signals: ReportSignals = o.signals ?? { charts: [], budget: [], objective };
  if (!o.signals && o.target) {
    const prom = o.poller ?? new PrometheusPoller(new PrometheusClient(o.target.prometheusUrl));
    signals = await captureSignals(prom, o.windowStartMs, o.windowEndMs, objective);
  }
  await put('report.html', renderHtml(o, signals.charts, signals.budget, signals.objective));
  if (o.load) await put('summary.json', JSON.stringify(o.load.summary, null, 2) + '\n');
  return files;
}
