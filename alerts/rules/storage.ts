// Storage (F1): one normalized view of log-directory use from whichever source exists -- the
// exporter's DescribeLogDirs capacity, the broker's own log-dir gauges, or node_exporter
// filesystem metrics of the log-dir mount -- then the disk alerts on that view.
import { brokerMetrics as bm, exporterMetrics as em } from '../../common/metrics/index.js';
import { dashboardUids } from '../../common/index.js';
import { cmd } from '../runbook-commands.js';
import { gauge, TEST_CLUSTER } from '../schema/cases.js';
import { num } from '../schema/promql.js';
import type { RuleGroupSpec } from '../schema/types.js';
import { handover, type RuleKit } from './common.js';

export const LOG_DIR_USED = 'kafka_sre:log_dir_used:ratio';
export const LOG_DIR_USABLE = 'kafka_sre:log_dir_usable:bytes';

export function storageRules({ s, t, k }: RuleKit): RuleGroupSpec {
  const asBroker = (e: string) => `label_replace(${e}, "broker", "$1", "instance", "(.*)")`;
  const nodeNorm = (e: string) =>
    `label_replace(label_replace(${e}, "logdir", "$1", "mountpoint", "(.*)"), "broker", "$1", "instance", "(.*)")`;
  const by = 'max by (cluster, broker, logdir)';
  const union = (exporter: string, broker: string, node: string) =>
    `${by} (${exporter})\nor on (cluster)\n${by} (${asBroker(broker)})\nor on (cluster)\n${by} (${nodeNorm(node)})`;
  const nodeAvail = s.node('node_filesystem_avail_bytes');
  const nodeSize = s.node('node_filesystem_size_bytes');
  const el = { cluster: TEST_CLUSTER, broker: '1', logdir: '/var/lib/kafka/data' };
  const diskSeries = (used: number, steps: number) => [
    k.e(em.logDirTotalBytes.name, { broker: '1', logdir: '/var/lib/kafka/data' }, gauge([[1000, steps]])),
    k.e(em.logDirUsableBytes.name, { broker: '1', logdir: '/var/lib/kafka/data' }, gauge([[1000 - used, steps]])),
  ];
  return {
    name: 'kafka-sre-storage',
    file: 'kafka',
    records: [
      {
        record: LOG_DIR_USED,
        expr: union(
          `1 - ${s.exporter(em.logDirUsableBytes)} / (${s.exporter(em.logDirTotalBytes)} > 0)`,
          `1 - ${s.broker(bm.logDirectoryUsableBytes)} / (${s.broker(bm.logDirectoryTotalBytes)} > 0)`,
          `1 - ${nodeAvail} / (${nodeSize} > 0)`,
        ),
      },
      {
        record: LOG_DIR_USABLE,
        expr: union(
          `${s.exporter(em.logDirUsableBytes)} and ${s.exporter(em.logDirTotalBytes)} > 0`,
          `${s.broker(bm.logDirectoryUsableBytes)} and ${s.broker(bm.logDirectoryTotalBytes)} > 0`,
          nodeAvail,
        ),
      },
    ],
    alerts: [
      {
        alert: 'KafkaLogDirectoryOffline',
        expr: `(sum by (cluster, instance) (${s.broker(bm.offlineLogDirectoryCount)}) > 0)\nor on (cluster)\n(sum by (cluster, broker) (max without (instance, pod) (${handover(s.exporter(em.logDirOffline))})) > 0)`,
        for: '1m',
        severity: 'page',
        summary:
          'Log directory offline on broker {{ $labels.instance }}{{ $labels.broker }} in cluster {{ $labels.cluster }}',
        description:
          'Broker {{ $labels.instance }}{{ $labels.broker }} of cluster {{ $labels.cluster }} has {{ $value }} log directories offline after a storage error: every replica in them is offline.',
        dashboard: dashboardUids.oncall,
        runbook: {
          meaning:
            'The broker hit an I/O error (disk full, failed disk, read-only filesystem) and took the log directory offline. Replicas in it are offline; leadership moves to other replicas.',
          impact: 'Partitions with replicas there lose a copy (URP); partitions with no other ISR member go offline.',
          queries: [
            `${s.broker(bm.offlineLogDirectoryCount)}`,
            `${s.exporter(em.logDirOffline)} == 1`,
            `${s.broker(bm.offlineReplicaCount)}`,
          ],
          confirm: [
            cmd.logDirs,
            cmd.topicsUnderReplicated,
            cmd.brokerMetrics(
              '^kafka_(log_logmanager_offlinelogdirectorycount|server_replicamanager_offlinereplicacount)',
              'offline log dirs and replicas on this broker',
            ),
          ],
          mitigation: [
            'Read the broker log for the I/O error that took the directory offline.',
            'Free space or replace the disk; the directory comes back only after a broker restart.',
            'If the disk is lost, replace it and let the replicas re-replicate from the leaders.',
          ],
          escalate: 'Escalate to the platform owner and the host/storage team at once.',
        },
        cases: [
          {
            name: 'a broker reporting an offline log dir fires',
            series: [k.b(bm.offlineLogDirectoryCount.name, {}, gauge([[1, 10]]))],
            evalTime: '5m',
            fires: [{ cluster: TEST_CLUSTER, instance: k.brokerTarget.instance }],
          },
          {
            name: 'DescribeLogDirs reporting a storage error fires',
            series: [k.e(em.logDirOffline.name, { broker: '2', logdir: '/data' }, gauge([[1, 10]]))],
            evalTime: '5m',
            fires: [{ cluster: TEST_CLUSTER, broker: '2' }],
          },
          {
            name: 'all log dirs online does not fire',
            series: [
              k.b(bm.offlineLogDirectoryCount.name, {}, gauge([[0, 10]])),
              k.e(em.logDirOffline.name, { broker: '2', logdir: '/data' }, gauge([[0, 10]])),
            ],
            evalTime: '5m',
            fires: [],
          },
        ],
      },
      {
        alert: 'KafkaDiskUsageHigh',
        expr: `${LOG_DIR_USED} > ${num(t.diskUsedRatio)}`,
        for: '5m',
        severity: 'page',
        summary:
          'Log directory {{ $labels.logdir }} of broker {{ $labels.broker }} in cluster {{ $labels.cluster }} is {{ $value | humanizePercentage }} full',
        description: `Log directory {{ $labels.logdir }} of broker {{ $labels.broker }} (cluster {{ $labels.cluster }}) is {{ $value | humanizePercentage }} full, above ${num(t.diskUsedRatio * 100)}%. When it fills, the broker takes it offline and its replicas go offline.`,
        dashboard: dashboardUids.oncall,
        runbook: {
          meaning:
            "Used share of the log directory, from the exporter (DescribeLogDirs), the broker's log-dir gauges, or node_exporter for the mount, whichever the cluster has.",
          impact:
            'Nothing yet; at 100% the broker fails writes to that directory and takes it offline (KafkaLogDirectoryOffline).',
          queries: [LOG_DIR_USED, `topk(10, sum by (topic) (${s.exporter(em.partitionLogSizeBytes)}))`],
          confirm: [cmd.logDirs, cmd.topicDescribe],
          mitigation: [
            'Find the topics that grew (largest partitions on that broker) and whether a traffic spike or a retention change caused it.',
            'Lower retention.ms / retention.bytes of the largest non-critical topics (agree with their owners), or delete unused topics.',
            'Add disk capacity or move partitions to brokers with space.',
          ],
          escalate: 'Escalate when usage keeps rising after retention changes or exceeds 95%.',
        },
        cases: [
          { name: 'a log dir 90% full fires', series: diskSeries(900, 15), evalTime: '10m', fires: [el] },
          {
            name: 'node_exporter showing the log-dir mount 90% full fires',
            series: [
              k.n(
                'node_filesystem_size_bytes',
                { cluster: TEST_CLUSTER, mountpoint: '/var/lib/kafka', device: '/dev/sdb', fstype: 'ext4' },
                gauge([[1000, 15]]),
              ),
              k.n(
                'node_filesystem_avail_bytes',
                { cluster: TEST_CLUSTER, mountpoint: '/var/lib/kafka', device: '/dev/sdb', fstype: 'ext4' },
                gauge([[100, 15]]),
              ),
            ],
            evalTime: '10m',
            fires: [{ cluster: TEST_CLUSTER, broker: 'broker-1:9100', logdir: '/var/lib/kafka' }],
          },
          {
            name: "the broker's own log-dir gauges showing 90% fire",
            series: [
              k.b(bm.logDirectoryTotalBytes.name, { logdir: '/var/lib/kafka/data' }, gauge([[1000, 15]])),
              k.b(bm.logDirectoryUsableBytes.name, { logdir: '/var/lib/kafka/data' }, gauge([[100, 15]])),
            ],
            evalTime: '10m',
            fires: [{ cluster: TEST_CLUSTER, broker: k.brokerTarget.instance, logdir: '/var/lib/kafka/data' }],
          },
          { name: 'a log dir 80% full does not fire', series: diskSeries(800, 15), evalTime: '10m', fires: [] },
        ],
      },
      {
        alert: 'KafkaDiskFillingUp',
        expr: `predict_linear(${LOG_DIR_USABLE}[${t.diskFillLookback}], ${num(t.diskFillHorizonHours * 3600)}) < 0\nand on (cluster, broker, logdir)\n${LOG_DIR_USED} > ${num(t.diskFillMinUsedRatio)}`,
        for: '30m',
        severity: 'ticket',
        summary: `Log directory {{ $labels.logdir }} of broker {{ $labels.broker }} in cluster {{ $labels.cluster }} fills up within ${t.diskFillHorizonHours}h`,
        description: `At the growth of the last ${t.diskFillLookback}, log directory {{ $labels.logdir }} of broker {{ $labels.broker }} (cluster {{ $labels.cluster }}) runs out of space within ${t.diskFillHorizonHours} hours (predicted free bytes {{ $value | humanize1024 }}B).`,
        dashboard: dashboardUids.oncall,
        runbook: {
          meaning: `A linear fit of the free bytes over the last ${t.diskFillLookback} reaches zero within ${t.diskFillHorizonHours} hours, and the directory is already more than ${num(t.diskFillMinUsedRatio * 100)}% used.`,
          impact: 'None yet: this is the early warning before KafkaDiskUsageHigh and a log directory going offline.',
          queries: [
            LOG_DIR_USABLE,
            `predict_linear(${LOG_DIR_USABLE}[${t.diskFillLookback}], ${num(t.diskFillHorizonHours * 3600)})`,
          ],
          confirm: [cmd.logDirs],
          mitigation: [
            'Check for a traffic increase on the biggest topics and whether retention can absorb it.',
            'Plan retention changes or capacity before the disk fills.',
          ],
          escalate: 'Escalate if the predicted time to full drops below 4 hours.',
        },
        cases: [
          {
            name: 'free space falling 1 MB a minute from 400 MB fires',
            series: [
              k.e(em.logDirTotalBytes.name, { broker: '1', logdir: '/var/lib/kafka/data' }, gauge([[1000, 70]])),
              k.e(em.logDirUsableBytes.name, { broker: '1', logdir: '/var/lib/kafka/data' }, `400-1x69`),
            ],
            evalTime: '60m',
            fires: [el],
          },
          { name: 'flat usage at 60% does not fire', series: diskSeries(600, 70), evalTime: '60m', fires: [] },
        ],
      },
    ],
  };
}
