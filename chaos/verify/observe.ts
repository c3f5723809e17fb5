// One poll of Prometheus' alerts API turned into the verifier's AlertPoll. The runner polls
// through verify/prometheus-poller.ts (which records failures); these helpers serve tests and tools.
import type { PrometheusClient, PromAlert } from './prometheus.js';

export interface ObservedAlert {
  name: string;
  labels: Record<string, string>;
  state: 'pending' | 'firing' | 'inactive';
}

export interface AlertPoll {
  at: number;
  alerts: ObservedAlert[];
}

/** The alerts API's answer as an AlertPoll: alertname split from the other labels. */
export function alertPollOf(alerts: readonly PromAlert[], at: number): AlertPoll {
  return {
    at,
    alerts: alerts.map((a) => {
      const { alertname, ...labels } = a.labels;
      return { name: alertname ?? '', labels, state: a.state };
    }),
  };
}

export async function pollOnce(client: PrometheusClient): Promise<AlertPoll> {
  const alerts = await client.alerts();
  return alertPollOf(alerts, Date.now());
}

/** `count` polls 200 ms apart appended to `into` (tests and the pre-flight baseline). */
export async function pollAlerts(client: PrometheusClient, into: AlertPoll[], count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    into.push(await pollOnce(client));
    if (i < count - 1) await new Promise((r) => setTimeout(r, 200));
  }
}
