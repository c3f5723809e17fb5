// Panels of transactions, shared by the on-call and debug dashboards: the last stable offset (LSO)
// held back by open transactions, hanging transactions, open-transaction ages and states. The LSO
// series exist for every partition; the transaction series only where transactional producers run.
import { exporterMetrics as E } from '../../common/metrics/index.js';
import { instant, orZero, q, redFrom, stat, timeseries } from '../panels.js';
import { rate, sel } from '../promql.js';
import type { PanelSpec } from '../types.js';

/** Transaction series exist only while transactional producers run: empty on a cluster without them. */
const TXN_ONLY = 'transaction series exist only on a cluster where transactional producers run';

const perCluster = `max by (cluster) (${sel(E.brokers)})`;

export function hangingTransactionsPanel(w = 6): PanelSpec {
  return stat(
    'Hanging transactions',
    'Transactions open past their timeout plus the margin (by transactional id) and transactions open on a partition that no coordinator lists (by partition). Their partitions stall every read_committed consumer until they are aborted: KafkaTransactionHanging.',
    [
      instant(
        orZero(`sum by (cluster) (max by (cluster, transactional_id) (${sel(E.transactionHanging)}))`, perCluster, [
          'cluster',
        ]),
        'by id {{cluster}}',
      ),
      instant(
        orZero(
          `sum by (cluster) (max by (cluster, topic, partition) (${sel(E.partitionHangingTransactions)}))`,
          perCluster,
          ['cluster'],
        ),
        'on partitions {{cluster}}',
      ),
    ],
    { w, thresholds: redFrom(1), runbooks: ['KafkaTransactionHanging'] },
  );
}

export function lsoLagTopPanel(w = 18): PanelSpec {
  return timeseries(
    'LSO lag, top 10 partitions',
    'High watermark minus last stable offset: records read_committed consumers cannot see yet because a transaction is open at or below them. A partition whose LSO lag keeps rising while its LSO stays put: KafkaLastStableOffsetStuck.',
    q(`topk(10, max by (cluster, topic, partition) (${sel(E.partitionLsoLag)}))`, '{{topic}}/{{partition}}'),
    {
      w,
      min: 0,
      runbooks: ['KafkaLastStableOffsetStuck', 'KafkaTransactionHanging'],
      drilldowns: ['kafka-sre-debug'],
    },
  );
}

export function transactionDebugPanels(): PanelSpec[] {
  return [
    timeseries(
      'LSO lag per partition',
      'High watermark minus last stable offset per partition (0 without open transactions).',
      q(`max by (cluster, topic, partition) (${sel(E.partitionLsoLag)})`, '{{topic}}/{{partition}}'),
      { w: 12, min: 0, runbooks: ['KafkaLastStableOffsetStuck'] },
    ),
    timeseries(
      'Open transaction age per partition',
      'Age of the oldest transaction open on each partition that has one (DescribeProducers, the record at its first offset). It grows until the transaction ends; past the transaction timeout plus the margin it hangs.',
      q(`max by (cluster, topic, partition) (${sel(E.partitionOpenTransactionAge)})`, '{{topic}}/{{partition}}', {
        workloadOnly: TXN_ONLY,
      }),
      { w: 12, unit: 's', min: 0, runbooks: ['KafkaTransactionHanging'] },
    ),
    timeseries(
      'Transactions by state',
      'Transactional ids per coordinator state (Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort, PrepareEpochFence, Dead).',
      q(
        `count by (cluster, state) (max by (cluster, transactional_id, state) (${sel(E.transactionState)}))`,
        '{{state}}',
        { workloadOnly: TXN_ONLY },
      ),
      { w: 8, min: 0 },
    ),
    timeseries(
      'Oldest open transactions',
      'The 10 transactional ids whose open transaction is oldest, as their coordinators report it.',
      q(`topk(10, max by (cluster, transactional_id) (${sel(E.transactionOpenAge)}))`, '{{transactional_id}}', {
        workloadOnly: TXN_ONLY,
      }),
      { w: 8, unit: 's', min: 0, runbooks: ['KafkaTransactionHanging'] },
    ),
    timeseries(
      'Transaction aborts',
      'Aborts per second per transactional id the exporter observed (a lower bound).',
      q(`sum by (cluster, transactional_id) (${rate(E.transactionAborts)})`, '{{transactional_id}}', {
        workloadOnly: TXN_ONLY,
      }),
      { w: 8, unit: 'ops', min: 0, runbooks: ['KafkaTransactionAbortRateHigh'] },
    ),
  ];
}
