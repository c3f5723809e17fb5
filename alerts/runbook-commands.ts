// Every shell command a runbook may show, in one place so the forms stay consistent and a test
// can execute them. `kafka-sre` operator subcommands (cluster/topics/groups/log) are the
// contract for the ops/ issue; kcat and curl work today. Variables come from the alert's labels
// (see runbookVariables) or from the operator's inventory ($BOOTSTRAP).
import type { RunbookCommand } from './schema/types.js';

export const runbookVariables: Record<string, string> = {
  BOOTSTRAP: 'host:port of any broker of the cluster named by the `cluster` label (from your inventory)',
  BROKER_METRICS: 'the `instance` label: host:port of the broker /metrics endpoint',
  EXPORTER: 'the exporter /metrics host:port (`instance` of the exporter target)',
  TOPIC: 'the `topic` label',
  PARTITION: 'the `partition` label',
  GROUP: 'the `consumergroup` label',
  BROKER_ID: 'the broker id (`broker` label, or `kafka-sre cluster describe`)',
  SLO: 'the `slo` label',
  PROMETHEUS: 'base URL of Prometheus, e.g. http://127.0.0.1:9090',
};

const c = (sh: string, why: string, mutates = false): RunbookCommand => (mutates ? { sh, why, mutates } : { sh, why });

export const cmd = {
  clusterDescribe: c(
    'kafka-sre cluster describe --bootstrap "$BOOTSTRAP"',
    'brokers registered, active controller, and partition health counts',
  ),
  kcatMetadata: c(
    'kcat -b "$BOOTSTRAP" -L',
    'metadata as a third-party client sees it: brokers, leaders, replicas, ISR',
  ),
  topicsUnderReplicated: c(
    'kafka-sre topics describe --under-replicated --bootstrap "$BOOTSTRAP"',
    'partitions whose ISR is smaller than the replica set, with leader, replicas and ISR',
  ),
  topicsUnderMinIsr: c(
    'kafka-sre topics describe --under-min-isr --bootstrap "$BOOTSTRAP"',
    'partitions whose ISR is below min.insync.replicas (acks=all produce fails)',
  ),
  topicsAtMinIsr: c(
    'kafka-sre topics describe --at-min-isr --bootstrap "$BOOTSTRAP"',
    'partitions one replica away from refusing acks=all writes',
  ),
  topicsOffline: c('kafka-sre topics describe --offline --bootstrap "$BOOTSTRAP"', 'partitions without a live leader'),
  topicsUnpreferred: c(
    'kafka-sre topics describe --unpreferred-leader --bootstrap "$BOOTSTRAP"',
    'partitions not led by their preferred replica',
  ),
  topicDescribe: c(
    'kafka-sre topics describe "$TOPIC" --bootstrap "$BOOTSTRAP"',
    "the topic's partitions, leaders, ISR, offsets and config",
  ),
  topicTail: c(
    'kcat -b "$BOOTSTRAP" -C -t "$TOPIC" -o -5 -e -f \'%p %o %T %k\\n\'',
    'the newest records per partition (partition, offset, timestamp, key)',
  ),
  partitionOffsets: c(
    'kcat -b "$BOOTSTRAP" -Q -t "$TOPIC:$PARTITION:-1"',
    "the partition's current end offset as a client sees it",
  ),
  groupsList: c(
    'kafka-sre groups list --bootstrap "$BOOTSTRAP"',
    'groups with type (classic, consumer, share), state, assignor and member count',
  ),
  consumerGroupsList: c(
    'kafka-sre groups list --type consumer --bootstrap "$BOOTSTRAP"',
    'consumer-protocol (KIP-848) groups with state, assignor, coordinator and member count',
  ),
  shareGroupsList: c(
    'kafka-sre groups list --type share --bootstrap "$BOOTSTRAP"',
    'share groups (KIP-932) with state and coordinator',
  ),
  groupDescribe: c(
    'kafka-sre groups describe "$GROUP" --bootstrap "$BOOTSTRAP"',
    'type, state, members (with member epochs and target assignments for KIP-848 groups), committed offsets, lag in records and seconds per partition',
  ),
  logDirs: c(
    'kafka-sre log dirs --bootstrap "$BOOTSTRAP"',
    'log directories per broker with size, capacity, usable bytes and errors (DescribeLogDirs)',
  ),
  logDump: c(
    'kafka-sre log dump --topic "$TOPIC" --partition "$PARTITION" --bootstrap "$BOOTSTRAP"',
    'record batches of the partition: offsets, timestamps, sizes',
  ),
  transactionsFindHanging: c(
    'kafka-sre transactions find-hanging --bootstrap "$BOOTSTRAP"',
    'open transactions on partitions that no coordinator lists, or that are past their timeout: partition, producer id and epoch, start offset, age (KIP-664)',
  ),
  transactionsList: c(
    'kafka-sre transactions list --bootstrap "$BOOTSTRAP"',
    'every transactional id with its producer id and state, from every coordinator',
  ),
  transactionsAbortHanging: c(
    'kafka-sre transactions find-hanging --abort --execute --bootstrap "$BOOTSTRAP"',
    'abort the hanging transactions found (abort markers written to their partitions; without --execute it is a dry run that prints what it would abort)',
    true,
  ),
  brokerMetrics: (pattern: string, why: string) =>
    c(`curl -s "http://$BROKER_METRICS/metrics" | grep -E '${pattern}'`, why),
  exporterMetrics: (pattern: string, why: string) =>
    c(`curl -s "http://$EXPORTER/metrics" | grep -E '${pattern}'`, why),
  promQuery: (q: string, why: string) => c(`curl -s "$PROMETHEUS/api/v1/query" --data-urlencode 'query=${q}'`, why),
  electPreferred: c(
    'kafka-sre topics elect-leaders --preferred --bootstrap "$BOOTSTRAP"',
    'move leadership back to preferred replicas (safe write action)',
    true,
  ),
  groupResetToLatest: c(
    'kafka-sre groups reset-offsets "$GROUP" --topic "$TOPIC" --to-latest --bootstrap "$BOOTSTRAP"',
    "skip the backlog (data is skipped, not lost; only with the owning team's consent; group must be inactive)",
    true,
  ),
};

/** Variables a command uses, in order of first use. */
export function variablesOf(sh: string): string[] {
  return [...new Set([...sh.matchAll(/\$([A-Z_]+)/g)].map((m) => m[1]))];
}
