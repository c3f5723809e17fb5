// Transactions (KIP-98) and hanging transactions (KIP-664), in the consumers group: a transaction
// left open holds the partition's last stable offset (LSO), and every read_committed consumer of
// the partition stalls behind it while its offset lag to the high watermark can look normal. Read
// from the exporter's LSO series (every partition) and its transaction series
// (exporter/collect/transactions.ts). Apache Kafka's brokers count no aborts (their transaction
// coordinator metrics are the state-log load time and marker queue sizes), so the abort rate is the
// exporter's count of the aborts it observed, a lower bound.
import { exporterMetrics as em, type MetricDef } from '../../common/metrics/index.js';
import { dashboardUids } from '../../common/index.js';
import { cmd } from '../runbook-commands.js';
import { counter, gauge, TEST_CLUSTER } from '../schema/cases.js';
import { num } from '../schema/promql.js';
import type { AlertSpec } from '../schema/types.js';
import { HANDOVER_WINDOW, handover, type RuleKit } from './common.js';

/** Look-back of the abort-rate alert. */
const ABORT_WINDOW = '1h';

export function transactionAlerts({ s, t, k }: RuleKit): AlertSpec[] {
  const stuck = t.lsoStuckMinutes;
  const tp = { topic: 'payments', partition: '0' };
  const firedTp = { cluster: TEST_CLUSTER, ...tp };
  const txId = { transactional_id: 'payments-processor-0' };
  /**
   * The newest value per partition over the exporter replicas, now or `ago` back: the partition
   * series move to another replica (new `instance`) when coordination partition 0 does.
   */
  const perPartition = (def: MetricDef, ago?: string) =>
    `max by (cluster, topic, partition) (last_over_time(${s.exporter(def)}[${HANDOVER_WINDOW}]${ago ? ` offset ${ago}` : ''}))`;
  const partitionSeries = (values: { lso: string; hw: string; lag: string }, labels: Record<string, string> = tp) => [
    k.e(em.partitionLastStableOffset.name, labels, values.lso),
    k.e(em.partitionCurrentOffset.name, labels, values.hw),
    k.e(em.partitionLsoLag.name, labels, values.lag),
  ];
  const aborts = (values: string) => k.e(em.transactionAborts.name, txId, values);
  return [
    {
      alert: 'KafkaTransactionHanging',
      expr: `(max by (cluster, transactional_id) (${handover(s.exporter(em.transactionHanging))}) > 0)\nor\n(max by (cluster, topic, partition) (${handover(s.exporter(em.partitionHangingTransactions))}) > 0)`,
      for: '3m',
      severity: 'page',
      groupBy: ['transactional_id', 'topic', 'partition'],
      summary:
        'Hanging transaction in cluster {{ $labels.cluster }}: {{ if $labels.transactional_id }}transactional id {{ $labels.transactional_id }}{{ else }}{{ $labels.topic }}/{{ $labels.partition }}{{ end }}',
      description:
        'A transaction in cluster {{ $labels.cluster }} ({{ if $labels.transactional_id }}transactional id {{ $labels.transactional_id }}, open past its transaction timeout{{ else }}open on partition {{ $labels.topic }}/{{ $labels.partition }} without a coordinator that knows it{{ end }}) has been hanging for 3 minutes: read_committed consumers of the partitions it wrote to are stalled at its first offset until it is aborted.',
      dashboard: dashboardUids.oncall,
      runbook: {
        meaning:
          'The exporter reads the coordinators (ListTransactions, DescribeTransactions) and the partitions holding an open transaction (DescribeProducers). By transactional id: the coordinator lists the transaction as open for longer than its own transaction.timeout.ms plus the exporter margin (exporter.transactions.hangingMarginMs, 60 s): the coordinator should have aborted it and could not. By partition: a transaction is open on the partition for longer than the margin, and no coordinator lists its producer with an open transaction on that partition: no marker will ever end it (a batch that arrived after its transaction ended, a coordinator that lost its state).',
        impact:
          "The partition's last stable offset stays at the transaction's first offset: every read_committed consumer (exactly-once pipelines, Kafka Streams with exactly_once_v2, Connect EOS sinks) sees nothing past it, however much is produced after; on a compacted topic the cleaner cannot clean past it. A partition-only hanging transaction never ends by itself.",
        queries: [
          `${s.exporter(em.transactionHanging)} > 0`,
          `${s.exporter(em.partitionHangingTransactions)} > 0`,
          `${s.exporter(em.partitionOpenTransactionAge)}`,
          `${s.exporter(em.partitionLsoLag)} > 0`,
        ],
        confirm: [
          cmd.transactionsFindHanging,
          cmd.transactionsList,
          cmd.exporterMetrics(
            'kafka_(transaction_(hanging|open_age)|topic_partition_(hanging_transactions|open_transaction_age|lso_lag))',
            'which transactional ids and partitions hang, and for how long',
          ),
        ],
        mitigation: [
          '`transactions find-hanging` lists each hanging transaction with its partition, producer id, epoch and start offset; `transactions list` shows whether a coordinator knows the producer.',
          'A partition-only hanging transaction (no coordinator lists it): abort it with `transactions find-hanging --abort --execute` (run it without --execute first: the dry run prints what it would abort). The abort marker moves the LSO and the consumers resume.',
          'A transaction its coordinator knows but does not end: check the coordinator broker of the transactional id (the leader of its __transaction_state partition) and the leaders of the partitions in the transaction; markers to a leaderless or unreachable partition are retried until it is back. Restarting the producer with the same transactional.id fences the old instance and aborts its transaction (InitProducerId bumps the epoch).',
          'Then find why the producer left it open: a producer killed or paused mid-transaction, a client bug writing before AddPartitionsToTxn.',
        ],
        mitigationCommands: [cmd.transactionsAbortHanging],
        escalate:
          "Escalate at once to the producing application's team and, when the coordinator cannot end a transaction it knows, to the Kafka platform owners.",
      },
      cases: [
        {
          name: 'a transaction open past its timeout for 5 minutes fires',
          series: [k.e(em.transactionHanging.name, txId, gauge([[1, 10]]))],
          evalTime: '5m',
          fires: [{ cluster: TEST_CLUSTER, ...txId }],
        },
        {
          name: 'a partition-only hanging transaction fires',
          series: [k.e(em.partitionHangingTransactions.name, tp, gauge([[1, 10]]))],
          evalTime: '5m',
          fires: [firedTp],
        },
        {
          name: 'open transactions within their timeout do not fire',
          series: [
            k.e(em.transactionHanging.name, txId, gauge([[0, 10]])),
            k.e(em.partitionHangingTransactions.name, tp, gauge([[0, 10]])),
          ],
          evalTime: '5m',
          fires: [],
        },
        {
          name: 'a hanging transaction aborted after 2 minutes does not fire',
          series: [
            k.e(
              em.transactionHanging.name,
              txId,
              gauge([
                [1, 2],
                [0, 8],
              ]),
            ),
          ],
          evalTime: '6m',
          fires: [],
        },
      ],
    },
    {
      alert: 'KafkaLastStableOffsetStuck',
      // The LSO never moves backwards but on truncation: equal to its value `stuck` minutes ago
      // means it stayed put all along; comparing across that span (rather than counting changes
      // of one series) keeps the alert through a fleet handover, whose new series is short.
      expr: `${perPartition(em.partitionLsoLag)} > 0\nand on (cluster, topic, partition)\n${perPartition(em.partitionLastStableOffset)} <= ${perPartition(em.partitionLastStableOffset, `${stuck}m`)}\nand on (cluster, topic, partition)\n${perPartition(em.partitionCurrentOffset)} > ${perPartition(em.partitionCurrentOffset, `${stuck}m`)}`,
      for: '1m',
      severity: 'ticket',
      groupBy: ['topic', 'partition'],
      summary:
        'The last stable offset of {{ $labels.topic }}/{{ $labels.partition }} in cluster {{ $labels.cluster }} has not moved for ' +
        `${stuck} minutes while records keep arriving`,
      description: `The last stable offset (LSO) of partition {{ $labels.topic }}/{{ $labels.partition }} (cluster {{ $labels.cluster }}) has stayed put for ${stuck} minutes while its high watermark moved on: {{ $value | humanize }} records are invisible to read_committed consumers, which are stalled at the LSO. A transaction open at the LSO holds it.`,
      dashboard: dashboardUids.debug,
      runbook: {
        meaning:
          'The LSO is the first offset of the oldest transaction still open on the partition (the high watermark when none is open); read_committed consumers read only below it. It stays put while the high watermark moves when one transaction stays open while other producers, or other transactions, keep writing. The exporter reads it with ListOffsets (isolation_level read_committed) in the round that reads the high watermark.',
        impact:
          'read_committed consumers of the partition receive nothing new: their lag measured to the high watermark grows, or looks normal when measured to their fetch position. Exactly-once pipelines downstream stop. A transaction open for minutes is either long by design (transaction.timeout.ms up to transaction.max.timeout.ms, 15 minutes by default) or stuck.',
        queries: [
          `${s.exporter(em.partitionLsoLag)} > 0`,
          `changes(${s.exporter(em.partitionLastStableOffset)}[${stuck}m])`,
          `${s.exporter(em.partitionOpenTransactionAge)}`,
          `${s.exporter(em.transactionOpenAge)}`,
        ],
        confirm: [
          cmd.transactionsFindHanging,
          cmd.transactionsList,
          cmd.exporterMetrics(
            'kafka_topic_partition_(lso|lso_lag|open_transaction_age_seconds)\\{',
            'LSO, LSO lag and the age of the oldest open transaction per partition',
          ),
        ],
        mitigation: [
          '`kafka_topic_partition_open_transaction_age_seconds` and `transactions find-hanging` show the transaction holding the LSO and its producer; `kafka_transaction_open_age_seconds` its age at the coordinator.',
          'A transaction its coordinator knows ends at its timeout (the coordinator aborts it and the LSO moves): if the producer is alive but stuck, restart it; the new instance (same transactional.id) fences the old one and aborts its transaction at once.',
          'A transaction no coordinator knows never ends by itself (KafkaTransactionHanging fires after the margin): abort it with `transactions find-hanging --abort --execute`.',
          'Long transactions by design: lower transaction.timeout.ms or commit more often, so read_committed consumers are held back less.',
        ],
        mitigationCommands: [cmd.transactionsAbortHanging],
        escalate: "Escalate to the producing application's team when the LSO stays put for 30 minutes.",
      },
      cases: [
        {
          name: `an LSO constant for ${stuck + 3} minutes while the high watermark grows fires`,
          series: partitionSeries({
            lso: gauge([[100, 20]]),
            hw: counter([[10, 20]], 105),
            lag: counter([[10, 20]], 5),
          }),
          evalTime: `${stuck + 3}m`,
          fires: [firedTp],
        },
        {
          name: 'an LSO that advances with the high watermark does not fire',
          series: partitionSeries({
            lso: counter([[10, 20]], 95),
            hw: counter([[10, 20]], 105),
            lag: gauge([[10, 21]]),
          }),
          evalTime: `${stuck + 3}m`,
          fires: [],
        },
        {
          name: 'an open transaction on an idle partition (high watermark constant) does not fire',
          series: partitionSeries({ lso: gauge([[100, 20]]), hw: gauge([[105, 20]]), lag: gauge([[5, 20]]) }),
          evalTime: `${stuck + 3}m`,
          fires: [],
        },
        {
          // Exporter fleet: the replica exporting the partition series dies at 8m, another one
          // exports them from 9m under a new instance.
          name: 'a stuck LSO whose series move between exporter replicas still fires',
          series: [
            ...partitionSeries({ lso: '100x7 stale', hw: '105+10x7 stale', lag: '5+10x7 stale' }),
            ...partitionSeries(
              { lso: '_x8 100x12', hw: '_x8 195+10x12', lag: '_x8 95+10x12' },
              { ...tp, instance: 'exporter-b:9308' },
            ),
          ],
          evalTime: `${stuck + 3}m`,
          fires: [firedTp],
        },
      ],
    },
    {
      alert: 'KafkaTransactionAbortRateHigh',
      expr: `sum by (cluster, transactional_id) (increase(${s.exporter(em.transactionAborts)}[${ABORT_WINDOW}])) > ${num(t.transactionAbortsPerHour)}`,
      for: '5m',
      severity: 'ticket',
      groupBy: ['transactional_id'],
      summary:
        'Transactional id {{ $labels.transactional_id }} in cluster {{ $labels.cluster }} aborted {{ $value | humanize }} transactions in the last hour',
      description: `The exporter saw transactional id {{ $labels.transactional_id }} (cluster {{ $labels.cluster }}) enter PrepareAbort or CompleteAbort {{ $value | humanize }} times in the last hour (more than ${t.transactionAbortsPerHour}). A lower bound: aborts between two reads of the transaction APIs are not all seen.`,
      dashboard: dashboardUids.debug,
      runbook: {
        meaning:
          'kafka_transaction_aborts_total counts the transitions into an abort the exporter observes between its reads of ListTransactions (every 4 collection intervals by default, `exporter.transactions.intervalMs`): an application abort, a transaction timeout, or a fencing (a new instance with the same transactional.id aborts the old one). A transaction begun and aborted between two reads is not counted, so the real rate is at least this.',
        impact:
          'Every abort throws away the work of the transaction: an exactly-once pipeline that keeps aborting reprocesses its input again and again, its output lags, and aborted records still take log space and are filtered by read_committed consumers.',
        queries: [
          `sum by (cluster, transactional_id) (increase(${s.exporter(em.transactionAborts)}[${ABORT_WINDOW}]))`,
          `${s.exporter(em.transactionState)} == 1`,
          `${s.exporter(em.transactionOpenAge)}`,
        ],
        confirm: [
          cmd.transactionsList,
          cmd.exporterMetrics(
            'kafka_transaction_(state|aborts_total)\\{',
            'state and observed aborts per transactional id',
          ),
        ],
        mitigation: [
          'Aborts at the transaction timeout (open age near transaction.timeout.ms before each abort): the producer takes longer per transaction than its timeout; raise transaction.timeout.ms or make transactions smaller.',
          'Fencing (two instances with the same transactional.id, e.g. during a rolling deploy or a split brain of the application): check that only one instance per transactional.id runs.',
          'Application aborts on errors: the producer log says why (serialization, send failures, a downstream dependency).',
        ],
        escalate: "Escalate to the producing application's team when the aborts go on for more than an hour.",
      },
      cases: [
        {
          name: 'an abort every minute fires',
          series: [aborts(counter([[1, 40]]))],
          evalTime: '30m',
          fires: [{ cluster: TEST_CLUSTER, ...txId }],
        },
        {
          name: 'two aborts in an hour do not fire',
          series: [
            aborts(
              counter([
                [0, 10],
                [1, 2],
                [0, 50],
              ]),
            ),
          ],
          evalTime: '55m',
          fires: [],
        },
      ],
    },
  ];
}
