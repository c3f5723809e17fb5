// Drill hygiene: a game day must never page on-call by accident. "silence" creates an
// Alertmanager silence (API v2) for the drill's alerts and removes it afterwards; "drill-receiver"
// relies on Alertmanager routing alerts that carry the drill label to a drill receiver, and the
// pre-flight checks that the running config has such a route.

export interface Silence {
  id: string;
  url: string;
}

async function am<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const url = new URL(path.replace(/^\//, ''), base.endsWith('/') ? base : `${base}/`);
  const res = await fetch(url, {
    method,
    headers: body ? { 'content-type': 'application/json' } : undefined,
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(5000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`Alertmanager ${method} ${url.pathname}: HTTP ${res.status}: ${text.slice(0, 200)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export async function alertmanagerReady(base: string): Promise<void> {
  await am<unknown>(base, 'GET', '/api/v2/status');
}

/** Silence the named alerts until `endsAt`; comment names the drill. */
export async function createSilence(
  base: string,
  alertNames: string[],
  opts: { drill: string; runId: string; endsAt: Date; label?: { name: string; value: string } },
): Promise<Silence> {
  const matchers = [
    {
      name: 'alertname',
      value: alertNames.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
      isRegex: true,
      isEqual: true,
    },
  ];
  if (opts.label) matchers.push({ name: opts.label.name, value: opts.label.value, isRegex: false, isEqual: true });
  const res = await am<{ silenceID: string }>(base, 'POST', '/api/v2/silences', {
    matchers,
    startsAt: new Date().toISOString(),
    endsAt: opts.endsAt.toISOString(),
    createdBy: 'kafka-sre chaos',
    comment: `game day ${opts.drill} (run ${opts.runId})`,
  });
  return { id: res.silenceID, url: base };
}

export async function expireSilence(s: Silence): Promise<void> {
  await am<unknown>(s.url, 'DELETE', `/api/v2/silence/${encodeURIComponent(s.id)}`);
}

/** Whether the running Alertmanager config routes on the drill label (drill-receiver mode). */
export async function hasDrillRoute(base: string, labelName: string): Promise<boolean> {
  const status = await am<{ config?: { original?: string } }>(base, 'GET', '/api/v2/status');
  return (status.config?.original ?? '').includes(labelName);
}
