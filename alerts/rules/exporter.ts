// The exporter watching itself: without it lag, probe and SLO alerts go blind.
import { exporterMetrics as em } from '../../common/metrics/index.js';
import { dashboardUids } from '../../common/index.js';
import { cmd } from '../runbook-commands.js';
import { gauge, TEST_CLUSTER } from '../schema/cases.js';
import { num } from '../schema/promql.js';
import type { RuleGroupSpec } from '../schema/types.js';
import type { RuleKit } from './common.js';

export function exporterRules({ s, t, k }: RuleKit): RuleGroupSpec {
  const ts = (steps: number, flatAfter: number) => `0+60x${flatAfter - 1} ${(flatAfter - 1) * 60}x${steps - flatAfter}`;
  return {
    name: 'kafka-sre-exporter',
    file: 'kafka',
    records: [],
    alerts: [
      {
        alert: 'KafkaExporterDown',
        expr: `${s.upExporter()} == 0`,
        for: '2m',
        severity: 'page',
        summary: 'Kafka exporter {{ $labels.instance }} for cluster {{ $labels.cluster }} is down',
        description:
          'Prometheus has failed to scrape the kafka-sre exporter {{ $labels.instance }} of cluster {{ $labels.cluster }} for 2 minutes: consumer lag, probe and SLO alerts for the cluster are blind.',
        dashboard: dashboardUids.oncall,
        runbook: {
          meaning: "The exporter's /metrics endpoint does not answer.",
          impact:
            'No lag, probe, partition-health or SLO data for the cluster: those alerts cannot fire (lag alerts are inhibited while this fires).',
          queries: [`${s.upExporter()}`],
          confirm: [
            cmd.exporterMetrics('^kafka_sre_exporter_', 'exporter self-metrics, if the endpoint answers at all'),
          ],
          mitigation: [
            'Restart the exporter (`kafka-sre exporter --bootstrap "$BOOTSTRAP"` or its service) and read its log for the reason it stopped.',
            'Check its memory use: a cluster with very many groups or partitions needs the cardinality guard.',
          ],
          escalate: 'Escalate to the monitoring owner if it is not back within 15 minutes.',
        },
        cases: [
          {
            name: 'an exporter unreachable for 5 minutes fires',
            series: [
              k.upExporter(
                gauge([
                  [1, 5],
                  [0, 10],
                ]),
              ),
            ],
            evalTime: '12m',
            fires: [k.exporterTarget],
          },
          {
            name: 'one failed exporter scrape does not fire',
            series: [
              k.upExporter(
                gauge([
                  [1, 5],
                  [0, 1],
                  [1, 8],
                ]),
              ),
            ],
            evalTime: '8m',
            fires: [],
          },
        ],
      },
      {
        alert: 'KafkaExporterCollectionStale',
        expr: `(time() - max by (cluster) (${s.exporter(em.exporterLastSuccess)}) > ${num(t.exporterStaleSeconds)})\nor on (cluster)\n(max by (cluster) (${s.exporter(em.exporterUp)}) == 0)`,
        for: '2m',
        severity: 'ticket',
        summary: 'Kafka exporter data for cluster {{ $labels.cluster }} is stale',
        description: `The exporter serves data for cluster {{ $labels.cluster }} from an old collection (last success {{ $value | humanizeDuration }} ago, threshold ${t.exporterStaleSeconds} s) or its last collection failed: lag and partition metrics are frozen.`,
        dashboard: dashboardUids.oncall,
        runbook: {
          meaning:
            'The exporter answers scrapes, but its background collection from Kafka fails or has not succeeded for a while.',
          impact:
            'Lag and partition-health values are frozen at the last good collection; lag alerts are inhibited while this fires.',
          queries: [
            `time() - ${s.exporter(em.exporterLastSuccess)}`,
            `${s.exporter(em.exporterUp)}`,
            `rate(${s.exporter(em.exporterRequestErrors)}[5m])`,
          ],
          confirm: [
            cmd.exporterMetrics(
              '^kafka_sre_exporter_(up|last_success|request_errors|collection_duration)',
              'which Kafka API fails and how long collections take',
            ),
            cmd.kcatMetadata,
          ],
          mitigation: [
            'If the cluster itself is unreachable, follow the broker alerts.',
            "If a single API fails (see request errors by api), check the exporter's ACLs (Describe on cluster, groups and topics).",
            'If collections take longer than the interval, raise the interval or narrow the group/topic filters.',
          ],
          escalate: 'Escalate to the monitoring owner if it lasts more than 30 minutes.',
        },
        cases: [
          {
            name: 'no successful collection for 20 minutes fires',
            series: [k.e(em.exporterLastSuccess.name, {}, ts(31, 10))],
            evalTime: '30m',
            fires: [{ cluster: TEST_CLUSTER }],
          },
          {
            name: 'a failing last collection fires',
            series: [
              k.e(
                em.exporterUp.name,
                {},
                gauge([
                  [1, 5],
                  [0, 15],
                ]),
              ),
            ],
            evalTime: '15m',
            fires: [{ cluster: TEST_CLUSTER }],
          },
          {
            name: 'collections succeeding every minute do not fire',
            series: [k.e(em.exporterLastSuccess.name, {}, ts(31, 31)), k.e(em.exporterUp.name, {}, gauge([[1, 31]]))],
            evalTime: '30m',
            fires: [],
          },
        ],
      },
    ],
  };
}
