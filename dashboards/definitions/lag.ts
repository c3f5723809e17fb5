// Consumer lag drill-down: group -> topic -> partition, in records and seconds, with status.
import { exporterMetrics as E } from '../../common/metrics/index.js';
import { partitionStatusTexts, partitionStatusThresholds } from '../burrow-status.js';
import { instant, q, redFrom, stateTimeline, table, timeseries } from '../panels.js';
import { offsetRate, sel } from '../promql.js';
import type { DashboardThresholds } from '../thresholds.js';
import { allVariables, type DashboardSpec } from '../types.js';
import {
  groupsByTypeAndStatePanel,
  groupTypeTablePanel,
  shareLagPanel,
  shareLagPerPartitionPanel,
} from './group-types.js';

export function lagDashboard(t: DashboardThresholds): DashboardSpec {
  return {
    uid: 'kafka-sre-lag',
    title: 'Kafka / Consumer lag',
    description:
      'Consumer lag per group, topic and partition, in records and seconds, with Burrow-style status, commit and produce rates, uncommitted partitions and records lost to retention; group types and states, share-group lag.',
    tags: ['lag'],
    variables: allVariables,
    from: 'now-3h',
    rows: [
      {
        title: 'Groups',
        panels: [
          table(
            'Lag by group and topic',
            'Current lag per group and topic (records, committed partitions only), largest first.',
            instant(`sort_desc(sum by (consumergroup, topic) (${sel(E.consumerGroupLagSum)}))`, undefined, {
              format: 'table',
            }),
            { thresholds: redFrom(t.consumerLagRecords), runbooks: ['KafkaConsumerLagHigh'] },
          ),
          timeseries(
            'Lag by group and topic (records)',
            `Red line at ${t.consumerLagRecords} records.`,
            q(`sum by (consumergroup, topic) (${sel(E.consumerGroupLagSum)})`, '{{consumergroup}} / {{topic}}'),
            { w: 12, thresholds: redFrom(t.consumerLagRecords), runbooks: ['KafkaConsumerLagHigh'] },
          ),
          timeseries(
            'Lag by group (seconds)',
            `Age of the oldest unconsumed record per group. Red line at ${t.consumerLagSeconds} s.`,
            q(`max by (consumergroup) (${sel(E.consumerGroupMaxLagSeconds)})`, '{{consumergroup}}'),
            { w: 12, unit: 's', thresholds: redFrom(t.consumerLagSeconds), runbooks: ['KafkaConsumerLagSecondsHigh'] },
          ),
          timeseries(
            'Group members',
            'Members per group. A drop to 0 with growing lag means the consumers are gone.',
            q(`sum by (consumergroup) (${sel(E.consumerGroupMembers)})`, '{{consumergroup}}'),
            { w: 12, min: 0, drilldowns: ['kafka-sre-debug'] },
          ),
        ],
      },
      {
        title: 'Partitions',
        panels: [
          timeseries(
            'Lag per partition (records)',
            'High watermark minus committed offset per partition.',
            q(
              `max by (consumergroup, topic, partition) (${sel(E.consumerGroupLag)})`,
              '{{consumergroup}} {{topic}}/{{partition}}',
            ),
            { w: 12, thresholds: redFrom(t.consumerLagRecords), runbooks: ['KafkaConsumerLagHigh'] },
          ),
          timeseries(
            'Lag per partition (seconds)',
            'Age of the oldest unconsumed record per partition.',
            q(
              `max by (consumergroup, topic, partition) (${sel(E.consumerGroupLagSeconds)})`,
              '{{consumergroup}} {{topic}}/{{partition}}',
            ),
            { w: 12, unit: 's', thresholds: redFrom(t.consumerLagSeconds), runbooks: ['KafkaConsumerLagSecondsHigh'] },
          ),
          stateTimeline(
            'Partition status',
            'Burrow-style evaluation per partition: OK, WARN (lag growing), STOP (no commits while lag exists), STALL (commits not advancing), REWIND (offset went back).',
            q(
              `max by (consumergroup, topic, partition) (${sel(E.consumerGroupPartitionStatus)})`,
              '{{consumergroup}} {{topic}}/{{partition}}',
            ),
            {
              w: 24,
              valueTexts: partitionStatusTexts,
              thresholds: partitionStatusThresholds,
              runbooks: ['KafkaConsumerStalled'],
            },
          ),
          timeseries(
            'Consume rate vs produce rate',
            'Committed offsets advancing (consume) against high watermarks advancing (produce), records/s per topic. Consume below produce means lag grows.',
            [
              q(
                `sum by (consumergroup, topic) (${offsetRate(E.consumerGroupCurrentOffset)})`,
                'consume {{consumergroup}} / {{topic}}',
              ),
              q(`sum by (topic) (${offsetRate(E.partitionCurrentOffset)})`, 'produce {{topic}}'),
            ],
            { w: 12, unit: 'ops' },
          ),
          timeseries(
            'Uncommitted partitions',
            'Partitions of a consumed topic with no committed offset (not counted in lag sums).',
            q(
              `sum by (consumergroup, topic) (${sel(E.consumerGroupUncommittedPartitions)})`,
              '{{consumergroup}} / {{topic}}',
            ),
            { w: 6 },
          ),
          timeseries(
            'Records lost to retention',
            'Records deleted by retention before the group consumed them (committed offset below log start).',
            q(`sum by (consumergroup, topic) (${sel(E.consumerGroupLagLostRecords)})`, '{{consumergroup}} / {{topic}}'),
            { w: 6, thresholds: redFrom(1), runbooks: ['KafkaRecordsLostToRetention'] },
          ),
        ],
      },
      {
        title: 'Group types and share groups',
        panels: [groupTypeTablePanel(), groupsByTypeAndStatePanel(), shareLagPanel(t), shareLagPerPartitionPanel(t)],
      },
    ],
  };
}
