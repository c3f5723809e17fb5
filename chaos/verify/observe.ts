// One poll of Prometheus' alerts API turned into the verifier's AlertPoll.
import type { AlertPoll } from './alerts.js';
import type { PrometheusClient } from './prometheus.js';

export async function pollOnce(client: PrometheusClient): Promise<AlertPoll> {
  const alerts = await client.alerts();
  return {
    at: Date.now(),
    alerts: alerts.map((a) => {
      const { alertname, ...labels } = a.labels;
      return { name: alertname ?? '', labels, state: a.state };
    }),
  };
}

/** `count` polls 200 ms apart appended to `into` (tests and the pre-flight baseline). */
export async function pollAlerts(client: PrometheusClient, into: AlertPoll[], count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    into.push(await pollOnce(client));
    if (i < count - 1) await new Promise((r) => setTimeout(r, 200));
  }
}
