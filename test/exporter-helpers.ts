// Helpers for the exporter integration tests: scrape /metrics and look up samples.
import { waitFor } from './support/processes.js';

export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parseExposition(text: string): MetricSample[] {
  const out: MetricSample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    if (m[3])
      for (const l of m[3].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
        labels[l[1]] = l[2].replace(/\\"/g, '"').replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
    out.push({ name: m[1], labels, value: Number(m[4]) });
  }
  return out;
}

export async function scrape(url: string): Promise<MetricSample[]> {
  const res = await fetch(`${url}/metrics`);
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return parseExposition(await res.text());
}

/** The value of the single sample matching name and labels (undefined when absent). */
export function valueOf(
  samples: readonly MetricSample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const hits = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (hits.length > 1) throw new Error(`${name}${JSON.stringify(labels)} matches ${hits.length} samples`);
  return hits[0]?.value;
}

/** Scrape until `check` returns a truthy value. */
export async function scrapeUntil<T>(
  url: string,
  what: string,
  check: (s: MetricSample[]) => T | undefined | false,
  timeoutMs = 30_000,
): Promise<T> {
  let last: MetricSample[] = [];
  try {
    return (await waitFor(
      what,
      async () => {
        last = await scrape(url);
        return check(last);
      },
      timeoutMs,
      300,
    )) as T;
  } catch (e) {
    const related = last.filter((s) => /^kafka_(consumergroup|sharegroup|sre_exporter)/.test(s.name)).slice(0, 60);
    throw new Error(
      `${(e as Error).message}\nlast scrape (excerpt):\n${related.map((s) => `${s.name}${JSON.stringify(s.labels)} ${s.value}`).join('\n')}`,
    );
  }
}
