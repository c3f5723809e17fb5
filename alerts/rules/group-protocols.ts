// Alerts of the Kafka 4 group protocols, in the consumers group: KIP-848 consumer-protocol groups
// stuck reconciling (the coordinator's target assignment not reached by the members), and KIP-932
// share groups falling behind (records between the share-partition start offset and the end).
// Classic groups keep KafkaConsumerGroupRebalancing and the consumer-lag alerts (consumers.ts).
import { exporterMetrics as em } from '../../common/metrics/index.js';
import { dashboardUids } from '../../common/index.js';
import { cmd } from '../runbook-commands.js';
import { counter, gauge, TEST_CLUSTER } from '../schema/cases.js';
import { num } from '../schema/promql.js';
import type { AlertSpec } from '../schema/types.js';
import type { RuleKit } from './common.js';

/** KIP-848 group states in which members have not yet reached the target assignment. */
export const RECONCILING_STATES = 'Assigning|Reconciling';
/** Look-back of the share-lag growth alert: long enough that a burst being worked off is not growth. */
const SHARE_GROWTH_WINDOW = '15m';

export function groupProtocolAlerts({ s, t, k }: RuleKit): AlertSpec[] {
  const cg = { consumergroup: 'orders-kip848', type: 'consumer', assignor: 'uniform', coordinator: '1' };
  const info = (state: string, values: string, labels: Record<string, string> = cg) =>
    k.e(em.consumerGroupInfo.name, { ...labels, state }, values);
  const sg = { cluster: TEST_CLUSTER, sharegroup: 'orders-queue', topic: 'orders' };
  const shareLag = (values: string) =>
    k.e(em.shareGroupLagSum.name, { sharegroup: 'orders-queue', topic: 'orders' }, values);
  const stuck = t.stuckReconciliationMinutes;
  return [
    {
      alert: 'KafkaConsumerGroupReconciliationStuck',
      expr: `max by (cluster, consumergroup) (${s.exporter(em.consumerGroupInfo, `type="consumer",state=~"${RECONCILING_STATES}"`)}) == 1`,
      for: `${stuck}m`,
      severity: 'ticket',
      groupBy: ['consumergroup'],
      summary:
        'Consumer group {{ $labels.consumergroup }} in cluster {{ $labels.cluster }} has not finished reconciling its assignment',
      description: `Consumer-protocol (KIP-848) group {{ $labels.consumergroup }} (cluster {{ $labels.cluster }}) has been in Assigning or Reconciling for more than ${stuck} minutes: some member has not reached the assignment the coordinator computed for it.`,
      dashboard: dashboardUids.lag,
      runbook: {
        meaning:
          'With group.protocol=consumer the coordinator computes a target assignment (state Assigning) and each member moves to it by revoking, then acquiring partitions (Reconciling); the group is Stable once every member is at the group epoch. A member normally reconciles within a few heartbeats; the rebalance timeout (5 minutes by default) bounds how long a member may take to revoke.',
        impact:
          'Partitions waiting to be revoked by one member cannot be given to the next: they are not consumed while the group reconciles, and their lag grows.',
        queries: [
          `${s.exporter(em.consumerGroupInfo, 'type="consumer"')}`,
          `${s.exporter(em.consumerGroupMembers)}`,
          `sum by (consumergroup, topic) (${s.exporter(em.consumerGroupLagSum)})`,
        ],
        confirm: [cmd.groupDescribe, cmd.consumerGroupsList],
        mitigation: [
          '`groups describe` shows each member with its MEMBER-EPOCH, ASSIGNED and TARGET partitions: the member whose epoch stays below the group epoch, or whose assigned partitions differ from its target, is the one holding the group back.',
          'A member that does not revoke is usually blocked in its revocation callback (a commit that hangs, a long processing batch): look at that client, restart it if it is hung.',
          'A member that keeps rejoining (member epoch reset to 0) crash-loops or exceeds max.poll.interval.ms: fix the consumer application.',
          'A member regex subscription matching topics that appear and disappear changes the target repeatedly: check subscribed topics.',
        ],
        escalate:
          "Escalate to the group's owning team when the group stays unreconciled for 30 minutes or its lag alerts fire.",
      },
      cases: [
        {
          name: `a consumer group reconciling for ${stuck + 5} minutes fires`,
          series: [info('Reconciling', gauge([[1, stuck + 6]]))],
          evalTime: `${stuck + 5}m`,
          fires: [{ cluster: TEST_CLUSTER, consumergroup: cg.consumergroup }],
        },
        {
          name: 'Assigning then Reconciling without reaching Stable counts as one stuck period and fires',
          series: [
            info('Assigning', `${gauge([[1, 4]])} stale`),
            info('Reconciling', `_x3 ${gauge([[1, stuck + 5]])}`),
          ],
          evalTime: `${stuck + 5}m`,
          fires: [{ cluster: TEST_CLUSTER, consumergroup: cg.consumergroup }],
        },
        {
          name: 'a consumer group that reconciles for 3 minutes and then is Stable does not fire',
          series: [info('Reconciling', `${gauge([[1, 3]])} stale`), info('Stable', `_x3 ${gauge([[1, stuck + 13]])}`)],
          evalTime: `${stuck + 13}m`,
          fires: [],
        },
        {
          name: 'a classic group does not fire (its rebalances are KafkaConsumerGroupRebalancing)',
          series: [
            info('PreparingRebalance', gauge([[1, stuck + 6]]), {
              consumergroup: 'orders-classic',
              type: 'classic',
              assignor: 'range',
              coordinator: '1',
            }),
          ],
          evalTime: `${stuck + 5}m`,
          fires: [],
        },
      ],
    },
    {
      alert: 'KafkaShareGroupLagHigh',
      expr: `sum by (cluster, sharegroup, topic) (${s.exporter(em.shareGroupLagSum)}) > ${num(t.shareGroupLagRecords)}`,
      for: '10m',
      severity: 'ticket',
      groupBy: ['sharegroup'],
      summary:
        'Share group {{ $labels.sharegroup }} is {{ $value | humanize }} records behind on {{ $labels.topic }} in cluster {{ $labels.cluster }}',
      description: `Share group {{ $labels.sharegroup }} (KIP-932) has had more than ${t.shareGroupLagRecords} records of topic {{ $labels.topic }} (cluster {{ $labels.cluster }}) not yet acknowledged for 10 minutes: {{ $value | humanize }} records.`,
      dashboard: dashboardUids.lag,
      runbook: {
        meaning:
          "Sum over the topic's partitions of the records between the share-partition start offset (everything below it is acknowledged or archived) and the high watermark, as DescribeShareGroupOffsets reports. Records in flight (acquired, not yet acknowledged) count as lag.",
        impact:
          'Work queued on the topic waits: records are processed late, and records past the share-partition start offset can be deleted by retention before anyone acknowledges them.',
        queries: [
          `${s.exporter(em.shareGroupLag)}`,
          `deriv(${s.exporter(em.shareGroupLagSum)}[${SHARE_GROWTH_WINDOW}])`,
          `${s.exporter(em.consumerGroupInfo, 'type="share"')}`,
        ],
        confirm: [cmd.shareGroupsList, cmd.exporterMetrics('kafka_sharegroup_lag', 'share-group lag per partition')],
        mitigation: [
          'Does the group have consumers at all (state Empty)? A share group without members consumes nothing.',
          'Share groups scale past the partition count: add consumers when they are busy.',
          'Records that keep failing are redelivered until group.share.delivery.count.limit and then archived; a consumer that releases every record it gets holds the start offset back: check the consumer log.',
        ],
        escalate: "Escalate to the group's owning team when lag grows for more than an hour.",
      },
      cases: [
        {
          name: 'a share group 5000 records behind for 15 minutes fires',
          series: [shareLag(gauge([[5000, 20]]))],
          evalTime: '15m',
          fires: [sg],
        },
        {
          name: 'a share group 500 records behind does not fire',
          series: [shareLag(gauge([[500, 20]]))],
          evalTime: '15m',
          fires: [],
        },
      ],
    },
    {
      alert: 'KafkaShareGroupLagGrowing',
      expr: `sum by (cluster, sharegroup, topic) (deriv(${s.exporter(em.shareGroupLagSum)}[${SHARE_GROWTH_WINDOW}])) > ${num(t.shareGroupLagGrowthPerSecond)}`,
      for: '10m',
      severity: 'ticket',
      groupBy: ['sharegroup'],
      summary:
        'Share group {{ $labels.sharegroup }} falls further behind on {{ $labels.topic }} in cluster {{ $labels.cluster }} ({{ $value | humanize }} records/s)',
      description: `The lag of share group {{ $labels.sharegroup }} on topic {{ $labels.topic }} (cluster {{ $labels.cluster }}) has grown by more than ${t.shareGroupLagGrowthPerSecond} records per second (trend over ${SHARE_GROWTH_WINDOW}) for 10 minutes: {{ $value | humanize }} records/s. Its consumers acknowledge less than is produced.`,
      dashboard: dashboardUids.lag,
      runbook: {
        meaning:
          'The slope of the share-group lag (least squares over 15 minutes) stays positive: records are produced faster than the group acknowledges them, whatever the lag is now.',
        impact:
          'If nothing changes the lag grows without bound: KafkaShareGroupLagHigh follows, then loss to retention.',
        queries: [
          `deriv(${s.exporter(em.shareGroupLagSum)}[${SHARE_GROWTH_WINDOW}])`,
          `${s.exporter(em.shareGroupLag)}`,
        ],
        confirm: [cmd.shareGroupsList, cmd.exporterMetrics('kafka_sharegroup_lag', 'share-group lag per partition')],
        mitigation: [
          'Compare with the topic produce rate: a burst upstream is worked off once it ends; a steady rise needs more consumers or faster processing.',
          'Share groups scale past the partition count: add consumers.',
          'Look for records redelivered again and again (releases, lock timeouts): they hold the share-partition start offset back.',
        ],
        escalate: "Escalate to the group's owning team when the growth lasts an hour.",
      },
      cases: [
        {
          name: 'lag growing by 2 records/s for 40 minutes fires',
          series: [shareLag(counter([[120, 40]]))],
          evalTime: '35m',
          fires: [sg],
        },
        {
          name: 'a high but constant lag does not fire',
          series: [shareLag(gauge([[5000, 40]]))],
          evalTime: '35m',
          fires: [],
        },
        {
          name: 'lag growing by 0.5 records/s does not fire',
          series: [shareLag(counter([[30, 40]]))],
          evalTime: '35m',
          fires: [],
        },
      ],
    },
  ];
}
