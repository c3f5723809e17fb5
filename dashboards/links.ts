// Links between dashboards: titles, the tag the link menu finds them by, and drill-downs. Runbook
// links use the required alert names and runbookUrl of common/links.ts (alerts/ owns the rules and
// runbooks).
import type { DashboardUid } from '../common/index.js';

export const dashboardTitles: Record<DashboardUid, string> = {
  'kafka-sre-executive': 'Kafka / Executive overview',
  'kafka-sre-oncall': 'Kafka / On-call',
  'kafka-sre-debug': 'Kafka / Debug',
  'kafka-sre-lag': 'Kafka / Consumer lag',
  'kafka-sre-slo': 'Kafka / SLOs',
  'kafka-sre-gameday': 'Kafka / Game day',
};

/** Tag every generated dashboard carries; the dashboard-list link menu finds them by it. */
export const dashboardTag = 'kafka-sre';

/**
 * A Grafana-relative link to another dashboard that keeps the time range and the variables.
 * `${__url_time_range}` and `${var:queryparam}` are Grafana link interpolations (Grafana 7.1+).
 */
export function drilldownUrl(uid: DashboardUid, variables: readonly string[]): string {
  const params = ['${__url_time_range}', '${datasource:queryparam}', ...variables.map((v) => `\${${v}:queryparam}`)];
  return `/d/${uid}?${params.join('&')}`;
}
