// Pushes dashboards through Grafana's HTTP API (POST /api/dashboards/db, overwrite by uid),
// one request per dashboard, and reports each result. Auth: a service-account token (Bearer).
import type { GeneratedDashboard } from './render.js';

export interface PublishOptions {
  grafanaUrl: string;
  token: string;
  folderUid?: string;
  timeoutMs: number;
  message?: string;
}

export interface PublishResult {
  uid: string;
  title: string;
  ok: boolean;
  status?: number;
  /** Grafana's url and version on success, its message or the network error otherwise. */
  detail: string;
}

/** The dashboard-save endpoint under a Grafana base URL (which may have a sub-path). */
export function dashboardsApiUrl(base: string): string {
  let u: URL;
  try {
    u = new URL(base);
  } catch {
    throw new Error(`--grafana-url ${JSON.stringify(base)} is not a URL (e.g. http://localhost:3000)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new Error(`--grafana-url must be http or https, got ${u.protocol}`);
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}/api/dashboards/db`;
}

export async function publishDashboard(dash: GeneratedDashboard, opts: PublishOptions): Promise<PublishResult> {
  const body = {
    // id null + overwrite: create or replace by uid, whatever the target Grafana's numeric id is.
    dashboard: { ...dash, id: null },
    overwrite: true,
    message: opts.message ?? 'kafka-sre dashboards publish',
    ...(opts.folderUid ? { folderUid: opts.folderUid } : {}),
  };
  const base = { uid: dash.uid, title: dash.title };
  try {
    const res = await fetch(dashboardsApiUrl(opts.grafanaUrl), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        authorization: `Bearer ${opts.token}`,
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    const text = await res.text();
    let parsed: { url?: string; version?: number; status?: string; message?: string } = {};
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      // Non-JSON answer (a proxy error page): report its start.
    }
    if (res.ok)
      return {
        ...base,
        ok: true,
        status: res.status,
        detail: `${parsed.status ?? 'success'} ${parsed.url ?? ''} version ${parsed.version ?? '?'}`
          .replace(/\s+/g, ' ')
          .trim(),
      };
    return { ...base, ok: false, status: res.status, detail: parsed.message ?? text.slice(0, 200) };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    // fetch() wraps socket errors ("fetch failed"); the cause says what happened (ECONNREFUSED...).
    const detail =
      err.name === 'TimeoutError'
        ? `no answer within ${opts.timeoutMs} ms`
        : [err.message, err.cause?.code ?? err.cause?.message].filter(Boolean).join(': ');
    return { ...base, ok: false, detail };
  }
}

export async function publishDashboards(
  dashboards: GeneratedDashboard[],
  opts: PublishOptions,
): Promise<PublishResult[]> {
  // One at a time: Grafana serialises dashboard saves anyway, and the report stays in order.
  const results: PublishResult[] = [];
  for (const d of dashboards) results.push(await publishDashboard(d, opts));
  return results;
}
