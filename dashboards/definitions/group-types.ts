// Panels of the Kafka 4 group protocols, shared by the lag and on-call dashboards: which groups
// run which protocol (classic, consumer = KIP-848, share = KIP-932) in which state, and share-group
// lag. One definition, so both dashboards show the same numbers.
import { exporterMetrics as E } from '../../common/metrics/index.js';
import { instant, q, redFrom, table, timeseries } from '../panels.js';
import { sel } from '../promql.js';
import type { DashboardThresholds } from '../thresholds.js';
import type { PanelSpec } from '../types.js';

/** Share-group series exist only while share groups consume: empty on a cluster without them. */
const SHARE_ONLY = 'share-group lag exists only on a cluster where share groups (KIP-932) consume';

export const groupsByTypeAndState = `count by (type, state) (${sel(E.consumerGroupInfo)})`;
export const shareLagByGroup = `sum by (sharegroup, topic) (${sel(E.shareGroupLagSum)})`;

export function groupsByTypeAndStatePanel(w = 12): PanelSpec {
  return timeseries(
    'Groups by type and state',
    'Groups per protocol (classic, consumer = KIP-848, share = KIP-932) and state. Consumer groups in Assigning/Reconciling for long: KafkaConsumerGroupReconciliationStuck.',
    q(groupsByTypeAndState, '{{type}} {{state}}'),
    { w, min: 0, runbooks: ['KafkaConsumerGroupReconciliationStuck'], drilldowns: ['kafka-sre-lag'] },
  );
}

export function groupTypeTablePanel(): PanelSpec {
  return table(
    'Group type, state and assignor',
    'Every group with its protocol type, state, assignor and coordinator broker (kafka_consumergroup_info).',
    instant(`max by (consumergroup, type, state, assignor, coordinator) (${sel(E.consumerGroupInfo)})`, undefined, {
      format: 'table',
    }),
    { w: 12 },
  );
}

export function shareLagPanel(t: DashboardThresholds, w = 12): PanelSpec {
  return timeseries(
    'Share-group lag (records)',
    `Records between the share-partition start offset and the end, per share group and topic. Red line at ${t.shareGroupLagRecords}.`,
    q(shareLagByGroup, '{{sharegroup}} / {{topic}}', { workloadOnly: SHARE_ONLY }),
    {
      w,
      min: 0,
      thresholds: redFrom(t.shareGroupLagRecords),
      runbooks: ['KafkaShareGroupLagHigh', 'KafkaShareGroupLagGrowing'],
    },
  );
}

export function shareLagPerPartitionPanel(t: DashboardThresholds): PanelSpec {
  return timeseries(
    'Share-group lag per partition (records)',
    'Records not yet acknowledged (or archived) per share-partition.',
    q(`max by (sharegroup, topic, partition) (${sel(E.shareGroupLag)})`, '{{sharegroup}} {{topic}}/{{partition}}', {
      workloadOnly: SHARE_ONLY,
    }),
    { w: 12, min: 0, thresholds: redFrom(t.shareGroupLagRecords), runbooks: ['KafkaShareGroupLagHigh'] },
  );
}
