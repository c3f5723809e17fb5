// Routing proof: the runner listens for Alertmanager webhooks (webhook_config pointing at
// target.webhookListen) and records every notification, so an expectation can say "this alert
// reached this receiver within N seconds of the fault". Evaluation is a pure function.
import { createServer, type Server } from 'node:http';
import { adminGuard } from '../../common/index.js';
import type { FaultWindow } from './alerts.js';

export interface Notification {
  at: number;
  receiver: string;
  status: string;
  alerts: { status: string; labels: Record<string, string> }[];
}

export interface NotificationResult {
  kind: 'notified';
  alert: string;
  receiver: string;
  fault: string;
  passed: boolean;
  reason: string;
  /** Fault injection to the first matching notification. */
  latencyMs?: number;
}

export interface WebhookReceiver {
  url: string;
  notifications: Notification[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(
  hostPort: string,
  onNotification?: (n: Notification) => void,
): Promise<WebhookReceiver> {
  const notifications: Notification[] = [];
  const at = hostPort.lastIndexOf(':');
  const host = hostPort.slice(0, at).replace(/^\[|\]$/g, '');
  const port = Number(hostPort.slice(at + 1));
  // Alertmanager posts here: on loopback the browser check and body cap guard it, beyond loopback
  // KAFKA_SRE_ADMIN_TOKEN is required too (webhook_config's http_config.authorization sends it).
  const guard = adminGuard({ name: 'game-day webhook receiver', host, tokenOnLoopback: false });
  const server: Server = createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    const refused = guard.check(req);
    if (refused) {
      res.writeHead(refused.status, { connection: 'close' }).end(`${refused.message}\n`);
      return;
    }
    guard.readBody(req).then(
      (text) => {
        try {
          const body = JSON.parse(text) as Omit<Notification, 'at'>;
          const n: Notification = {
            at: Date.now(),
            receiver: String(body.receiver ?? ''),
            status: String(body.status ?? ''),
            alerts: (body.alerts ?? []).map((a) => ({ status: a.status, labels: a.labels ?? {} })),
          };
          notifications.push(n);
          onNotification?.(n);
          res.writeHead(200).end();
        } catch {
          res.writeHead(400).end('not JSON\n');
        }
      },
      (e: Error & { status?: number }) => res.writeHead(e.status ?? 400, { connection: 'close' }).end(`${e.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return { url: `http://${hostPort}/`, notifications, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export function evaluateNotification(
  exp: { alert: string; receiver: string; labels: Record<string, string>; within: number },
  notes: readonly Notification[],
  window: FaultWindow,
): NotificationResult {
  const base = { kind: 'notified' as const, alert: exp.alert, receiver: exp.receiver, fault: window.fault };
  if (window.injectedAt === undefined)
    return { ...base, passed: false, reason: `fault ${window.fault} was never injected` };
  const injectedAt = window.injectedAt;
  const hit = notes.find(
    (n) =>
      n.at >= injectedAt &&
      n.receiver === exp.receiver &&
      n.alerts.some(
        (a) =>
          a.status === 'firing' &&
          a.labels.alertname === exp.alert &&
          Object.entries(exp.labels).every(([k, v]) => a.labels[k] === v),
      ),
  );
  if (!hit) {
    const elsewhere = notes
      .filter((n) => n.alerts.some((a) => a.labels.alertname === exp.alert))
      .map((n) => n.receiver);
    return {
      ...base,
      passed: false,
      reason: `no firing notification for ${exp.alert} reached receiver ${exp.receiver}${elsewhere.length ? ` (it went to: ${[...new Set(elsewhere)].join(', ')})` : ''}`,
    };
  }
  const latencyMs = hit.at - injectedAt;
  return latencyMs <= exp.within
    ? { ...base, passed: true, reason: `notified ${exp.receiver} ${latencyMs} ms after the fault`, latencyMs }
    : {
        ...base,
        passed: false,
        reason: `notified ${exp.receiver} ${latencyMs} ms after the fault, later than ${exp.within} ms`,
        latencyMs,
      };
}
