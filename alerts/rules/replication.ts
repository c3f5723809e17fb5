// Replication health: URP, min-ISR, offline partitions, unclean elections, ISR churn, leader
// balance (F3, F5, F9).
import { brokerMetrics as bm, exporterMetrics as em } from '../../common/metrics/index.js';
import type { MetricDef } from '../../common/metrics/index.js';
import { dashboardUids } from '../../common/index.js';
import { cmd } from '../runbook-commands.js';
import { counter, gauge, TEST_CLUSTER } from '../schema/cases.js';
import { num } from '../schema/promql.js';
import type { RuleGroupSpec } from '../schema/types.js';
import { handover, type RuleKit } from './common.js';

export function replicationRules({ s, t, k, w }: RuleKit): RuleGroupSpec {
  const bl = { cluster: TEST_CLUSTER, instance: k.brokerTarget.instance };
  const perBroker = (def: MetricDef) => `sum by (cluster, instance) (${s.broker(def)}) > 0`;
  return {
    name: 'kafka-sre-replication',
    file: 'kafka',
    records: [],
    alerts: [
      {
        alert: 'KafkaUnderReplicatedPartitions',
        expr: perBroker(bm.underReplicatedPartitions),
        for: '5m',
        severity: 'page',
        summary:
          'Broker {{ $labels.instance }} in cluster {{ $labels.cluster }} leads {{ $value }} under-replicated partitions',
        description:
          'Broker {{ $labels.instance }} of cluster {{ $labels.cluster }} has led {{ $value }} partitions with fewer in-sync replicas than replicas for 5 minutes. One more failure can make them unavailable or lose data.',
        dashboard: dashboardUids.oncall,
        runbook: {
          meaning:
            'UnderReplicatedPartitions counts partitions led by this broker whose ISR is smaller than the replica set: a follower is down, slow, or cut off.',
          impact:
            'Redundancy is reduced: with RF 3 and min.insync.replicas 2, one more replica loss stops acks=all producers; a leader loss may force an unclean election.',
          queries: [
            `${s.broker(bm.underReplicatedPartitions)}`,
            `rate(${s.broker(bm.isrShrinks)}[5m])`,
            `${s.exporter(em.partitionUnderReplicated)} == 1`,
          ],
          confirm: [cmd.topicsUnderReplicated, cmd.clusterDescribe, cmd.kcatMetadata],
          mitigation: [
            'Find the replica missing from ISR in every listed partition: if it is always the same broker, that broker is down, paused or cut off (see KafkaBrokerDown, KafkaBrokerPaused).',
            'Check replica fetcher errors and network between brokers; fix the network fault.',
            'If the follower is healthy but slow, check its disk and the replication throttle.',
          ],
          escalate: 'Escalate when partitions also go under min ISR, or the count has not decreased after 30 minutes.',
        },
        cases: [
          {
            name: 'three under-replicated partitions for 10 minutes fire',
            series: [
              k.b(
                bm.underReplicatedPartitions.name,
                {},
                gauge([
                  [0, 2],
                  [3, 15],
                ]),
              ),
            ],
            evalTime: '12m',
            fires: [bl],
          },
          {
            name: 'a 3-minute spike does not fire',
            series: [
              k.b(
                bm.underReplicatedPartitions.name,
                {},
                gauge([
                  [0, 2],
                  [3, 3],
                  [0, 10],
                ]),
              ),
            ],
            evalTime: '6m',
            fires: [],
          },
        ],
      },
      {
        alert: 'KafkaUnderMinIsrPartitions',
        expr: perBroker(bm.underMinIsrPartitionCount),
        for: '1m',
        severity: 'page',
        summary:
          'Broker {{ $labels.instance }} in cluster {{ $labels.cluster }} leads {{ $value }} partitions under min ISR',
        description:
          'Broker {{ $labels.instance }} of cluster {{ $labels.cluster }} leads {{ $value }} partitions whose ISR is below min.insync.replicas: acks=all producers to them get NOT_ENOUGH_REPLICAS errors.',
        dashboard: dashboardUids.oncall,
        runbook: {
          meaning:
            "UnderMinIsrPartitionCount counts partitions led here whose in-sync replica count is below the topic's min.insync.replicas.",
          impact:
            'Writes with acks=all to these partitions fail: producers retry and then error out. Reads still work.',
          queries: [`${s.broker(bm.underMinIsrPartitionCount)}`, `${s.exporter(em.partitionUnderMinIsr)} == 1`],
          confirm: [cmd.topicsUnderMinIsr, cmd.clusterDescribe],
          mitigation: [
            'Bring the missing replicas back: restart the down broker(s), fix the network partition.',
            "Only as a last resort and with the data owner's consent, lower min.insync.replicas for the affected topic temporarily (weakens durability).",
          ],
          escalate:
            'Escalate immediately if the missing replicas cannot be restored within 15 minutes: producers are failing.',
        },
        cases: [
          {
            name: 'one partition under min ISR fires',
            series: [k.b(bm.underMinIsrPartitionCount.name, {}, gauge([[1, 10]]))],
            evalTime: '5m',
            fires: [bl],
          },
          {
            name: 'no partition under min ISR does not fire',
            series: [k.b(bm.underMinIsrPartitionCount.name, {}, gauge([[0, 10]]))],
            evalTime: '5m',
            fires: [],
          },
        ],
      },
      {
        alert: 'KafkaAtMinIsrPartitions',
        expr: perBroker(bm.atMinIsrPartitionCount),
        for: '15m',
        severity: 'ticket',
        summary:
          'Broker {{ $labels.instance }} in cluster {{ $labels.cluster }} leads {{ $value }} partitions at min ISR',
        description:
          'Broker {{ $labels.instance }} of cluster {{ $labels.cluster }} has led {{ $value }} partitions whose ISR equals min.insync.replicas for 15 minutes: one more replica loss stops acks=all writes.',
        dashboard: dashboardUids.oncall,
        runbook: {
          meaning:
            'AtMinIsrPartitionCount counts partitions whose ISR is exactly min.insync.replicas: still writable, with no margin.',
          impact:
            'None yet for clients; the next broker failure or slow follower makes these partitions reject acks=all writes.',
          queries: [`${s.broker(bm.atMinIsrPartitionCount)}`, `${s.exporter(em.partitionAtMinIsr)} == 1`],
          confirm: [cmd.topicsAtMinIsr, cmd.topicsUnderReplicated],
          mitigation: [
            'Restore the missing replicas as for under-replicated partitions.',
            'Postpone planned broker restarts and maintenance until the ISR is full again.',
          ],
          escalate: 'Escalate if it lasts more than a day or turns into KafkaUnderMinIsrPartitions.',
        },
        cases: [
          {
            name: 'two partitions at min ISR for 20 minutes fire',
            series: [k.b(bm.atMinIsrPartitionCount.name, {}, gauge([[2, 25]]))],
            evalTime: '20m',
            fires: [bl],
          },
          {
            name: 'partitions at min ISR for 10 minutes do not fire yet',
            series: [
              k.b(
                bm.atMinIsrPartitionCount.name,
                {},
                gauge([
                  [0, 10],
                  [2, 10],
                ]),
              ),
            ],
            evalTime: '19m',
            fires: [],
          },
        ],
      },
      {
        alert: 'KafkaOfflinePartitions',
        expr: `(sum by (cluster) (${s.broker(bm.offlinePartitionsCount)}) > 0)\nor on (cluster)\n(max by (cluster) (${handover(s.exporter(em.offlinePartitions))}) > 0)`,
        for: '1m',
        severity: 'page',
        summary: 'Cluster {{ $labels.cluster }} has {{ $value }} offline partitions',
        description:
          '{{ $value }} partitions of cluster {{ $labels.cluster }} have no live leader: they can be neither written nor read.',
        dashboard: dashboardUids.oncall,
        runbook: {
          meaning:
            'The active controller (or the exporter, from metadata) reports partitions without a leader: every replica in their ISR is down.',
          impact: 'Producers and consumers of these partitions are stopped. This is an outage for the affected topics.',
          queries: [`${s.broker(bm.offlinePartitionsCount)}`, `${s.exporter(em.partitionOffline)} == 1`],
          confirm: [cmd.topicsOffline, cmd.clusterDescribe, cmd.kcatMetadata],
          mitigation: [
            'Start the brokers that host the ISR of the offline partitions; leadership returns as soon as one ISR member is back.',
            'If those brokers are lost for good, an unclean leader election (unclean.leader.election.enable for the topic) restores availability at the cost of losing the records only the dead replicas had: decide with the data owner.',
          ],
          escalate: 'Page the Kafka platform owner and the owners of the affected topics at once.',
        },
        cases: [
          {
            name: 'the controller reporting 2 offline partitions fires',
            series: [k.b(bm.offlinePartitionsCount.name, {}, gauge([[2, 10]]))],
            evalTime: '5m',
            fires: [{ cluster: TEST_CLUSTER }],
          },
          {
            name: 'the exporter alone reporting offline partitions fires',
            series: [k.e(em.offlinePartitions.name, {}, gauge([[1, 10]]))],
            evalTime: '5m',
            fires: [{ cluster: TEST_CLUSTER }],
          },
          {
            name: 'zero offline partitions does not fire',
            series: [
              k.b(bm.offlinePartitionsCount.name, {}, gauge([[0, 10]])),
              k.e(em.offlinePartitions.name, {}, gauge([[0, 10]])),
            ],
            evalTime: '5m',
            fires: [],
          },
        ],
      },
      {
        alert: 'KafkaUncleanLeaderElection',
        expr: `sum by (cluster) (increase(${s.broker(bm.uncleanLeaderElections)}[10m])) > 0`,
        for: '0m',
        severity: 'page',
        summary: 'Unclean leader election in cluster {{ $labels.cluster }}',
        description:
          'Cluster {{ $labels.cluster }} elected an out-of-sync replica as leader ({{ $value | humanize }} elections in 10 minutes): records acknowledged only by the old leader are lost.',
        dashboard: dashboardUids.oncall,
        runbook: {
          meaning:
            'The controller made a replica outside the ISR leader because no ISR member was alive and unclean elections are enabled.',
          impact:
            'Acknowledged records that had not reached the new leader are gone, and consumers may see offsets reused with different data.',
          queries: [`increase(${s.broker(bm.uncleanLeaderElections)}[1h])`],
          confirm: [cmd.clusterDescribe, cmd.topicsUnderReplicated],
          mitigation: [
            'Identify the affected partitions from the controller log and tell the owners of those topics which time range may be missing.',
            'Find why the whole ISR was lost (several broker failures, disk loss) and fix it.',
            'Consider disabling unclean.leader.election.enable for topics that must not lose data.',
          ],
          escalate:
            'Escalate to the data owners of the affected topics and the platform owner: this is a data-loss incident.',
        },
        cases: [
          {
            name: 'one unclean election fires',
            series: [
              k.b(
                bm.uncleanLeaderElections.name,
                {},
                counter([
                  [0, 5],
                  [1, 1],
                  [0, 10],
                ]),
              ),
            ],
            evalTime: '8m',
            fires: [{ cluster: TEST_CLUSTER }],
          },
          {
            name: 'an old election count that does not change does not fire',
            series: [k.b(bm.uncleanLeaderElections.name, {}, counter([[0, 20]], 3))],
            evalTime: '15m',
            fires: [],
          },
        ],
      },
      {
        alert: 'KafkaIsrShrinking',
        expr: `sum by (cluster, instance) (rate(${s.broker(bm.isrShrinks)}[${w.rate}])) > 0`,
        for: '5m',
        severity: 'ticket',
        summary: 'ISR keeps shrinking on broker {{ $labels.instance }} in cluster {{ $labels.cluster }}',
        description:
          'Broker {{ $labels.instance }} of cluster {{ $labels.cluster }} has removed followers from ISR continuously for 5 minutes ({{ $value | humanize }} shrinks/s): followers are falling behind repeatedly.',
        dashboard: dashboardUids.debug,
        runbook: {
          meaning:
            'IsrShrinksPerSec is above zero for 5 minutes: the leader keeps dropping followers that did not catch up within replica.lag.time.max.ms. Usually flapping together with ISR expands.',
          impact:
            'Partitions flap between fully replicated and under-replicated; acks=all latency rises; risk of under-min-ISR.',
          queries: [
            `rate(${s.broker(bm.isrShrinks)}[5m])`,
            `rate(${s.broker(bm.isrExpands)}[5m])`,
            `${s.broker(bm.replicaFetcherMaxLag)}`,
          ],
          confirm: [
            cmd.topicsUnderReplicated,
            cmd.brokerMetrics(
              '^kafka_server_(replicamanager_isr|replicafetchermanager_maxlag|replicafetcher_fetcherrors)',
              'ISR churn and follower lag on this broker',
            ),
          ],
          mitigation: [
            'Look for a slow or paused follower (KafkaBrokerPaused), network loss between brokers, or a disk that cannot keep up.',
            'Raise replica.lag.time.max.ms only if followers are healthy but the threshold is too tight for the load.',
          ],
          escalate: 'Escalate when it turns into sustained under-replicated partitions.',
        },
        cases: [
          {
            name: 'an ISR shrink every 2 minutes for 20 minutes fires',
            series: [k.b(bm.isrShrinks.name, {}, counter([[0.5, 25]]))],
            evalTime: '20m',
            fires: [bl],
          },
          {
            name: 'a single shrink does not fire',
            series: [
              k.b(
                bm.isrShrinks.name,
                {},
                counter([
                  [0, 5],
                  [1, 1],
                  [0, 20],
                ]),
              ),
            ],
            evalTime: '15m',
            fires: [],
          },
        ],
      },
      {
        alert: 'KafkaReplicaFetchFailing',
        expr: `(sum by (cluster, instance) (${s.broker(bm.replicaFetcherFailedPartitions)}) > 0)\nor on (cluster, instance)\n(sum by (cluster, instance) (rate(${s.broker(bm.followerFetchErrors)}[${w.rate}])) > 0)`,
        for: '5m',
        severity: 'ticket',
        summary: 'Broker {{ $labels.instance }} in cluster {{ $labels.cluster }} cannot fetch from its leaders',
        description:
          'Replica fetchers on broker {{ $labels.instance }} of cluster {{ $labels.cluster }} have failed for 5 minutes ({{ $value | humanize }} failed partitions or fetch errors/s): its replicas fall out of sync.',
        dashboard: dashboardUids.debug,
        runbook: {
          meaning:
            'The broker, as a follower, keeps failing to fetch from partition leaders: a network partition between brokers (F9), a leader that refuses the fetch, or a storage error on the follower.',
          impact: "The follower's replicas leave ISR: URP rises and acks=all writes lose their safety margin.",
          queries: [
            `${s.broker(bm.replicaFetcherFailedPartitions)}`,
            `rate(${s.broker(bm.followerFetchErrors)}[5m])`,
            `${s.broker(bm.replicaFetcherMaxLag)}`,
          ],
          confirm: [
            cmd.brokerMetrics(
              '^kafka_server_replicafetcher(manager_(failedpartitionscount|maxlag)|_fetcherrors)',
              'failed partitions, fetch errors and follower lag on this broker',
            ),
            cmd.topicsUnderReplicated,
          ],
          mitigation: [
            "Check connectivity from this broker to the other brokers' replication listeners (firewall, DNS, proxy faults).",
            'Read the broker log for the fetch error (e.g. NOT_LEADER, UNKNOWN_TOPIC, storage errors) and fix its cause.',
          ],
          escalate:
            'Escalate to the network team when brokers cannot reach each other, or to the platform owner when URP keeps rising.',
        },
        cases: [
          {
            name: 'two partitions failing to fetch for 10 minutes fire',
            series: [
              k.b(bm.replicaFetcherFailedPartitions.name, { clientid: 'ReplicaFetcherThread-0-2' }, gauge([[2, 15]])),
            ],
            evalTime: '10m',
            fires: [bl],
          },
          {
            name: 'fetch errors every minute fire',
            series: [k.b(bm.followerFetchErrors.name, {}, counter([[3, 20]]))],
            evalTime: '15m',
            fires: [bl],
          },
          {
            name: 'a healthy fetcher does not fire',
            series: [
              k.b(bm.replicaFetcherFailedPartitions.name, { clientid: 'ReplicaFetcherThread-0-2' }, gauge([[0, 15]])),
              k.b(bm.followerFetchErrors.name, {}, counter([[0, 20]], 4)),
            ],
            evalTime: '10m',
            fires: [],
          },
        ],
      },
      {
        alert: 'KafkaPreferredLeaderImbalance',
        expr: [
          `(sum by (cluster) (${s.broker(bm.preferredReplicaImbalanceCount)}) / sum by (cluster) (${s.broker(bm.globalPartitionCount)}) > ${num(t.preferredLeaderImbalanceRatio)})`,
          `or on (cluster)`,
          `(count by (cluster) (${s.exporter(em.partitionLeaderIsPreferred)} == 0) / count by (cluster) (${s.exporter(em.partitionLeaderIsPreferred)}) > ${num(t.preferredLeaderImbalanceRatio)})`,
        ].join('\n'),
        for: '30m',
        severity: 'ticket',
        summary:
          '{{ $value | humanizePercentage }} of partitions in cluster {{ $labels.cluster }} are not led by their preferred replica',
        description: `{{ $value | humanizePercentage }} of the partitions of cluster {{ $labels.cluster }} have had a leader other than their preferred replica for 30 minutes (threshold ${num(t.preferredLeaderImbalanceRatio * 100)}%): load is skewed towards some brokers.`,
        dashboard: dashboardUids.debug,
        runbook: {
          meaning:
            'After a broker restart, leadership stays on the replicas that took over until a preferred leader election moves it back.',
          impact:
            'Some brokers carry more leaders, hence more produce/fetch load, than planned: higher latency and saturation risk.',
          queries: [
            `${s.broker(bm.preferredReplicaImbalanceCount)}`,
            `${s.exporter(em.partitionLeaderIsPreferred)} == 0`,
          ],
          confirm: [cmd.topicsUnpreferred, cmd.clusterDescribe],
          mitigation: [
            'Check that all brokers are up and the ISR is full (elections to a replica outside ISR fail).',
            'Run a preferred leader election.',
            'Check auto.leader.rebalance.enable if it keeps happening.',
          ],
          mitigationCommands: [cmd.electPreferred],
          escalate: 'No escalation needed unless the election fails.',
        },
        cases: [
          {
            name: '5 of 20 partitions led by another replica for 40 minutes fire',
            series: [
              k.b(bm.preferredReplicaImbalanceCount.name, {}, gauge([[5, 45]])),
              k.b(bm.globalPartitionCount.name, {}, gauge([[20, 45]])),
            ],
            evalTime: '40m',
            fires: [{ cluster: TEST_CLUSTER }],
          },
          {
            name: '1 of 20 partitions led by another replica does not fire',
            series: [
              k.b(bm.preferredReplicaImbalanceCount.name, {}, gauge([[1, 45]])),
              k.b(bm.globalPartitionCount.name, {}, gauge([[20, 45]])),
            ],
            evalTime: '40m',
            fires: [],
          },
        ],
      },
    ],
  };
}
