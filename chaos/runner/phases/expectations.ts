// The alert and notification expectations, judged over the whole drill's polls once it is over.
// A verdict that rests on polls that did not answer is inconclusive (verify/alerts.ts), and the
// failed polls are journaled so the report says why.
import {
  evaluateFires,
  evaluateMustNotFire,
  type AlertExpectationResult,
  type MustNotFireResult,
} from '../../verify/alerts.js';
import { evaluateNotification, type NotificationResult } from '../../verify/webhook.js';
import { failedAlertPolls, windowFor, type Drill } from './drill.js';

export interface ExpectationVerdicts {
  alerts: AlertExpectationResult[];
  silent: MustNotFireResult[];
  notified: NotificationResult[];
}

/** Judge every expectation and journal each verdict (notifications, alerts, must-not-fire). */
export function judgeExpectations(d: Drill): ExpectationVerdicts {
  const { spec, journal, prom, polls } = d;
  const end = Date.now();
  const failedPolls = failedAlertPolls(d);
  const alerts = spec.expectations.alerts.map((e) => evaluateFires(e, polls, windowFor(d, e.fault), end, failedPolls));
  const silent = spec.expectations.mustNotFire.map((m) => evaluateMustNotFire(m, polls, failedPolls));
  const account = prom.account();
  if (account.failed) journal.add('prometheus-polls-failed', { url: prom.url, ...account });
  const notified = spec.expectations.notifications.map((n) =>
    evaluateNotification(n, d.webhook?.notifications ?? [], windowFor(d, n.fault)),
  );
  for (const n of notified)
    journal.add('expectation', { notification: n.alert, receiver: n.receiver, passed: n.passed, reason: n.reason });
  for (const a of alerts)
    journal.add('expectation', {
      alert: a.alert,
      fault: a.fault,
      passed: a.passed,
      reason: a.reason,
      ttdMs: a.ttdMs,
      ttrMs: a.ttrMs,
      ...(a.inconclusive ? { inconclusive: true } : {}),
    });
  for (const s of silent)
    journal.add('expectation', {
      mustNotFire: s.alert,
      passed: s.passed,
      reason: s.reason,
      ...(s.inconclusive ? { inconclusive: true } : {}),
    });
  return { alerts, silent, notified };
}
