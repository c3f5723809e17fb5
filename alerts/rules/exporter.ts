// The exporter watching itself: without it lag, probe and SLO alerts go blind.
import { exporterMetrics as em } from '../../common/metrics/index.js';
import { dashboardUids } from '../../common/index.js';
import { cmd } from '../runbook-commands.js';
import { gauge, TEST_CLUSTER } from '../schema/cases.js';
import { num } from '../schema/promql.js';
import type { RuleGroupSpec } from '../schema/types.js';
import { handover, type RuleKit } from './common.js';

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
      {
        // Exporter fleets (exporter.coordination): two replicas exporting one group double every
        // sum over it; no replica exporting a group blinds every alert on it.
        alert: 'KafkaExporterGroupsExportedTwice',
        expr: `count by (cluster, consumergroup) (${s.exporter(em.consumerGroupMembers)}) > 1`,
        for: '5m',
        severity: 'ticket',
        summary:
          'Consumer group {{ $labels.consumergroup }} of cluster {{ $labels.cluster }} is exported by {{ $value }} exporters',
        description:
          'Consumer group {{ $labels.consumergroup }} of cluster {{ $labels.cluster }} has been exported by {{ $value }} exporter instances for 5 minutes: sums over its series count it {{ $value }} times.',
        dashboard: dashboardUids.oncall,
        runbook: {
          meaning:
            'More than one exporter instance serves the same consumer group. In a fleet (exporter.coordination) a group moves between replicas on a rebalance and is exported twice for at most one collection interval; longer means two replicas believe they own its shard (one lost contact with the coordinator but kept exporting, or they use different coordination groups or topics), or an exporter without coordination runs next to the fleet.',
          impact:
            'Recording rules and dashboards that sum lag double it; alerts (which take the max per group) are unaffected.',
          queries: [
            `count by (cluster, consumergroup) (${s.exporter(em.consumerGroupMembers)}) > 1`,
            `${s.exporter(em.exporterShardPartitions)}`,
            `${s.exporter(em.exporterShardGeneration)}`,
          ],
          confirm: [
            cmd.exporterMetrics(
              '^kafka_sre_exporter_shard_',
              'shard partitions and generation of each replica: every replica of one fleet has the same generation',
            ),
            cmd.groupDescribe,
          ],
          mitigation: [
            'Find the instances serving the group (the query above, by instance). All replicas of a fleet must use the same --coordination-group and exporter.coordination.topic.',
            'An exporter started without --coordination-group next to the fleet exports everything: stop it or add it to the fleet.',
            'A replica whose generation lags the others has lost its coordinator: restart it.',
          ],
          escalate: 'Escalate to the monitoring owner if it lasts more than an hour.',
        },
        cases: [
          {
            name: 'two exporters serving one group for 10 minutes fires',
            series: [
              k.e(em.consumerGroupMembers.name, { consumergroup: 'orders-service' }, gauge([[1, 11]])),
              k.e(
                em.consumerGroupMembers.name,
                { consumergroup: 'orders-service', instance: 'exporter-b:9308' },
                gauge([[1, 11]]),
              ),
            ],
            evalTime: '10m',
            fires: [{ cluster: TEST_CLUSTER, consumergroup: 'orders-service' }],
          },
          {
            name: 'a group moving to another replica (one overlapping minute) does not fire',
            series: [
              k.e(em.consumerGroupMembers.name, { consumergroup: 'orders-service' }, '1x5 stale'),
              k.e(
                em.consumerGroupMembers.name,
                { consumergroup: 'orders-service', instance: 'exporter-b:9308' },
                '_x5 1x10',
              ),
            ],
            evalTime: '10m',
            fires: [],
          },
        ],
      },
      {
        alert: 'KafkaExporterGroupsUnexported',
        expr: `max by (cluster) (${handover(s.exporter(em.exporterListedGroups))})\n- on (cluster)\n(sum by (cluster) (${s.exporter(em.exporterShardGroups)}) or on (cluster) max by (cluster) (${handover(s.exporter(em.exporterListedGroups))}) * 0)\n> 0`,
        for: '5m',
        severity: 'ticket',
        summary: '{{ $value }} consumer groups of cluster {{ $labels.cluster }} are exported by no exporter replica',
        description:
          'ListGroups on cluster {{ $labels.cluster }} returns {{ $value }} more consumer groups than the exporter replicas export together, for 5 minutes: lag alerts for those groups are blind.',
        dashboard: dashboardUids.oncall,
        runbook: {
          meaning:
            'In an exporter fleet (exporter.coordination) the replica holding coordination partition 0 reports how many groups ListGroups returned (kafka_sre_exporter_listed_groups); every replica reports how many it exported (kafka_sre_exporter_shard_groups). Fewer exported than listed means some shard has no live replica that Prometheus can scrape, or a replica cannot describe its groups.',
          impact: 'No lag, status or member series for the missing groups: their alerts cannot fire.',
          queries: [
            `${s.exporter(em.exporterListedGroups)}`,
            `${s.exporter(em.exporterShardGroups)}`,
            `${s.exporter(em.exporterShardPartitions)}`,
            `rate(${s.exporter(em.exporterRequestErrors)}[5m])`,
          ],
          confirm: [
            cmd.exporterMetrics(
              '^kafka_sre_exporter_(shard_|listed_groups|request_errors)',
              'shares and request errors',
            ),
            cmd.groupsList,
          ],
          mitigation: [
            'A replica that is up for Kafka but not scraped (crash-looping, network policy, wrong ServiceMonitor/PodMonitor selector) keeps its shard: check every replica is a scrape target.',
            'A replica with shard_partitions 0 or generation -1 has no assignment: read its log (coordination group errors, missing ACLs: Read on the coordination group, Describe on the coordination topic).',
            'Request errors for DescribeGroups or OffsetFetch: the exporter principal lacks Describe on some groups.',
          ],
          escalate: 'Escalate to the monitoring owner if it lasts more than 30 minutes.',
        },
        cases: [
          {
            name: 'a shard nobody scrapes for 10 minutes fires',
            series: [
              k.e(em.exporterListedGroups.name, {}, gauge([[200, 11]])),
              k.e(em.exporterShardGroups.name, {}, gauge([[120, 11]])),
            ],
            evalTime: '10m',
            fires: [{ cluster: TEST_CLUSTER }],
          },
          {
            name: 'two replicas covering every group do not fire',
            series: [
              k.e(em.exporterListedGroups.name, {}, gauge([[200, 11]])),
              k.e(em.exporterShardGroups.name, {}, gauge([[120, 11]])),
              k.e(em.exporterShardGroups.name, { instance: 'exporter-b:9308' }, gauge([[80, 11]])),
            ],
            evalTime: '10m',
            fires: [],
          },
        ],
      },
    ],
  };
}
