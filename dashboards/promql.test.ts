import { test } from 'node:test';
import assert from 'node:assert/strict';
import { brokerMetrics as B, chaosMetrics as C, exporterMetrics as E } from '../common/metrics/index.js';
import { histogramQuantile, offsetRate, rate, sel, summaryQuantile } from './promql.js';
import { substitute } from './queries.js';

const selCases: { name: string; got: () => string; want: string }[] = [
  {
    name: 'An exporter series is filtered by cluster and by every variable label it carries.',
    got: () => sel(E.consumerGroupLagSum),
    want: 'kafka_consumergroup_lag_sum{cluster=~"$cluster", topic=~"$topic", topic!="", consumergroup=~"$consumergroup", consumergroup!=""}',
  },
  {
    name: 'A broker series is filtered by cluster (added by relabeling) and by instance.',
    got: () => sel(B.underReplicatedPartitions),
    want: 'kafka_server_replicamanager_underreplicatedpartitions{cluster=~"$cluster", instance=~"$instance"}',
  },
  {
    name: 'A per-topic broker meter excludes the all-topics series so sums do not double count.',
    got: () => rate(B.bytesIn),
    want: 'rate(kafka_server_brokertopicmetrics_bytesin_total{cluster=~"$cluster", instance=~"$instance", topic=~"$topic", topic!=""}[$__rate_interval])',
  },
  {
    name: 'Chaos series are not filtered by cluster variables.',
    got: () => sel(C.faultActive),
    want: 'kafka_sre_gameday_fault_active',
  },
  {
    name: 'Extra matchers take an operator.',
    got: () => sel(B.requestErrors, { filter: false, where: { error: ['!=', 'NONE'] } }),
    want: 'kafka_network_requestmetrics_errors_total{error!="NONE"}',
  },
  {
    name: 'The median quantile accepts both 0.5 and 0.50 spellings.',
    got: () => summaryQuantile(B.totalTimeMs, '0.50', { filter: false }),
    want: 'kafka_network_requestmetrics_totaltimems{quantile=~"0.5|0.50"}',
  },
  {
    name: 'histogram_quantile aggregates buckets by the given labels plus le.',
    got: () => histogramQuantile(0.99, E.probeRoundtripLatency, ['cluster'], { filter: false }),
    want: 'histogram_quantile(0.99, sum by (cluster, le) (rate(kafka_sre_probe_roundtrip_latency_seconds_bucket[$__rate_interval])))',
  },
];
for (const c of selCases) test(c.name, () => assert.equal(c.got(), c.want));

test('A matcher on a label the catalog does not list is refused.', () => {
  assert.throws(() => sel(B.bytesIn, { where: { error: 'NONE' } }), /has no label "error"/);
});
test('rate() over a gauge and offsetRate() over a non-offset gauge are refused.', () => {
  assert.throws(() => rate(E.consumerGroupLag), /rate\(\) over gauge/);
  assert.throws(() => offsetRate(E.consumerGroupLag), /not an offset gauge/);
  assert.equal(
    offsetRate(E.partitionCurrentOffset, { filter: false }),
    'rate(kafka_topic_partition_current_offset[$__rate_interval])',
  );
});
test('A _bucket suffix on a summary is refused.', () => {
  assert.throws(() => sel(B.totalTimeMs, { suffix: '_bucket' }), /is a summary/);
});

test('Template variables are substituted, braced and formatted forms included; unknown ones are errors.', () => {
  assert.equal(
    substitute('rate(x{a=~"$cluster", b=~"${topic}", c=~"${consumergroup:regex}"}[$__rate_interval])'),
    'rate(x{a=~".*", b=~".*", c=~".*"}[1m])',
  );
  assert.throws(() => substitute('x{a="$nope"}'), /no value for template variable \$nope/);
});
