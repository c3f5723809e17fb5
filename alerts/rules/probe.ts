// End-to-end probe (F6): the exporter produces with acks=all to a probe topic and consumes the
// records back; failures and records that never come back are what users would see.
import { exporterMetrics as em } from '../../common/metrics/index.js';
import type { MetricDef } from '../../common/metrics/index.js';
import { dashboardUids } from '../../common/index.js';
import { cmd } from '../runbook-commands.js';
import { counter, TEST_CLUSTER } from '../schema/cases.js';
import { num } from '../schema/promql.js';
import type { RuleGroupSpec } from '../schema/types.js';
import type { RuleKit } from './common.js';

export function probeRules({ s, t, k }: RuleKit): RuleGroupSpec {
  const rate = (def: MetricDef) => `sum by (cluster) (rate(${s.exporter(def)}[5m]))`;
  const failed = rate(em.probeFailed);
  const produced = rate(em.probeProduced);
  const probe = (produceStep: number, failStep: number, receiveStep: number) => [
    k.e(em.probeProduced.name, { partition: '0' }, counter([[produceStep, 20]])),
    k.e(em.probeFailed.name, { partition: '0' }, counter([[failStep, 20]])),
    k.e(em.probeReceived.name, { partition: '0' }, counter([[receiveStep, 20]])),
  ];
  return {
    name: 'kafka-sre-probe',
    file: 'kafka',
    records: [],
    alerts: [
      {
        alert: 'KafkaEndToEndProbeFailing',
        // A missing `produced` series (nothing ever succeeded) counts as zero successes.
        expr: `(${failed} / (${failed} + (${produced} or ${failed} * 0))) > ${num(t.probeFailureRatio)}\nor on (cluster)\n(sum by (cluster) (rate(${s.exporter(em.probeReceived)}[5m])) == 0)`,
        for: '5m',
        severity: 'page',
        summary: 'End-to-end probe failing on cluster {{ $labels.cluster }}',
        description: `The exporter's probe cannot produce to or consume from cluster {{ $labels.cluster }}: failed share {{ $value | humanizePercentage }} over 5 minutes (threshold ${num(t.probeFailureRatio * 100)}%), or nothing consumed back at all.`,
        dashboard: dashboardUids.oncall,
        runbook: {
          meaning:
            'The synthetic client (acks=all produce, then consume) fails: produce errors, or no probe record is read back within 5 minutes. It sees what real clients see, through the same listeners.',
          impact: 'Real producers and consumers very likely fail in the same way: this is customer-visible.',
          queries: [
            `sum by (cluster) (rate(${s.exporter(em.probeFailed)}[5m]))`,
            `sum by (cluster) (rate(${s.exporter(em.probeReceived)}[5m]))`,
            `histogram_quantile(0.99, sum by (le) (rate(${s.exporterSuffixed(em.probeRoundtripLatency, '_bucket')}[5m])))`,
          ],
          confirm: [
            cmd.clusterDescribe,
            cmd.topicsOffline,
            cmd.topicsUnderMinIsr,
            cmd.exporterMetrics('^kafka_sre_probe_records_', 'probe counters per partition'),
          ],
          mitigation: [
            'Follow the cause alert that usually fires with it: KafkaBrokerDown, KafkaOfflinePartitions, KafkaUnderMinIsrPartitions, KafkaNoActiveController.',
            "If only the probe fails, check the probe topic (deleted? ACLs?) and the exporter's log.",
          ],
          escalate: 'Escalate to the platform owner when no cause alert explains it within 10 minutes.',
        },
        cases: [
          {
            name: 'half of the probe produces failing fires',
            series: probe(30, 30, 30),
            evalTime: '15m',
            fires: [{ cluster: TEST_CLUSTER }],
          },
          {
            name: 'every probe produce failing (no success series) fires',
            series: [k.e(em.probeFailed.name, { partition: '0' }, counter([[60, 20]]))],
            evalTime: '15m',
            fires: [{ cluster: TEST_CLUSTER }],
          },
          {
            name: 'probe records no longer consumed fire',
            series: probe(60, 0, 0),
            evalTime: '15m',
            fires: [{ cluster: TEST_CLUSTER }],
          },
          { name: 'a 5% produce failure share does not fire', series: probe(57, 3, 57), evalTime: '15m', fires: [] },
        ],
      },
      {
        alert: 'KafkaMessagesLost',
        expr: `sum by (cluster, partition) (increase(${s.exporter(em.probeLost)}[10m])) > 0`,
        for: '0m',
        severity: 'page',
        summary: 'Acknowledged probe records lost on cluster {{ $labels.cluster }} partition {{ $labels.partition }}',
        description:
          '{{ $value | humanize }} probe records acknowledged with acks=all by cluster {{ $labels.cluster }} (probe partition {{ $labels.partition }}) were never consumed back in the last 10 minutes: acknowledged data was lost.',
        dashboard: dashboardUids.oncall,
        runbook: {
          meaning:
            'The probe produced records that the cluster acknowledged (acks=all), but its consumer never received them within the loss timeout: the log was truncated after the acknowledgement.',
          impact:
            'Real acknowledged records were probably lost too: typical causes are unclean leader election, min.insync.replicas=1, or a disk losing written data.',
          queries: [`increase(${s.exporter(em.probeLost)}[1h])`, `increase(${s.exporter(em.probeProduced)}[1h])`],
          confirm: [
            cmd.clusterDescribe,
            cmd.exporterMetrics('^kafka_sre_probe_records_(lost|produced|received)', 'probe counters per partition'),
          ],
          mitigation: [
            'Check for unclean leader elections and leader changes on the probe topic at the same time.',
            "Check the probe topic's replication factor and min.insync.replicas (should be RF 3, min ISR 2).",
            'Tell the owners of topics on the same brokers which time window is affected.',
          ],
          escalate: 'Treat as a data-loss incident: escalate to the platform owner at once.',
        },
        cases: [
          {
            name: 'two lost probe records fire',
            series: [
              k.e(
                em.probeLost.name,
                { partition: '1' },
                counter([
                  [0, 5],
                  [2, 1],
                  [0, 10],
                ]),
              ),
            ],
            evalTime: '8m',
            fires: [{ cluster: TEST_CLUSTER, partition: '1' }],
          },
          {
            name: 'no lost probe records does not fire',
            series: [k.e(em.probeLost.name, { partition: '1' }, counter([[0, 16]]))],
            evalTime: '8m',
            fires: [],
          },
        ],
      },
    ],
  };
}
