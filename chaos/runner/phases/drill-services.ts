// What runs beside the drill and must stop with it, whatever the outcome: the runner's
// kafka_sre_gameday_* metrics (dashboards shade the drill), the webhook receiver that proves
// notification routing, and the Alertmanager silence that keeps drill alerts from paging.
import { alertsNamedBy } from '../../schema/schema.js';
import { startWebhookReceiver } from '../../verify/webhook.js';
import { createSilence, expireSilence } from '../hygiene.js';
import { startRunnerMetrics } from '../metrics.js';
import type { Drill } from './drill.js';

/** Start what the spec and options ask for, in this order: metrics, webhook receiver, silence. */
export async function startServices(d: Drill): Promise<void> {
  const { spec, target, journal, opts } = d;
  if (opts.metricsPort !== undefined) {
    d.metrics = await startRunnerMetrics(spec.name, opts.metricsPort);
    d.metrics.setActive(true);
    for (const f of d.faults) d.metrics.setFault(f.name, target.id, false);
    journal.add('metrics-listening', { url: d.metrics.url });
    opts.onMetricsListening?.(d.metrics.url);
  }
  if (spec.expectations.notifications.length && target.webhookListen) {
    d.webhook = await startWebhookReceiver(target.webhookListen, (n) =>
      journal.add('notification', {
        receiver: n.receiver,
        status: n.status,
        alerts: n.alerts.map((a) => `${a.labels.alertname ?? '?'}:${a.status}`),
      }),
    );
    journal.add('webhook-listening', { url: d.webhook.url });
  }
  if (spec.hygiene.mode === 'silence' && target.alertmanagerUrl) {
    const names = alertsNamedBy(spec);
    if (names.length) {
      // Ends on its own 5 minutes after the longest the drill may take, should the runner die.
      d.silence = await createSilence(target.alertmanagerUrl, names, {
        drill: spec.name,
        runId: d.runId,
        endsAt: new Date(Date.now() + spec.safety.maxDuration + 300_000),
      });
      journal.add('silence-created', { id: d.silence.id, alerts: names });
    }
  }
}

/** Stop what startServices started: the silence first (a failure to expire it is journaled). */
export async function stopServices(d: Drill): Promise<void> {
  const { silence, journal } = d;
  if (silence) {
    await expireSilence(silence).then(
      () => journal.add('silence-expired', { id: silence.id }),
      (e: Error) => journal.add('silence-expire-failed', { id: silence.id, error: e.message }),
    );
  }
  if (d.metrics) await d.metrics.close();
  if (d.webhook) await d.webhook.close();
}
