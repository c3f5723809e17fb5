// Model and validation: the default rules are complete and only read catalog metrics (or the
// documented alternatives); overrides and bad configurations behave as documented.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertsSection } from '../common/config/sections/alerts.js';
import { REQUIRED_ALERTS } from '../common/links.js';
import { allMetrics } from '../common/metrics/index.js';
import { alternativeSources } from './alternatives.js';
import { validatedModel } from './generate.js';
import { alertsByName, allAlerts, buildModel } from './model.js';
import { metricUsage, validateModel } from './validate.js';

const defaults = () => alertsSection.parse({});

test('the default configuration yields a valid model with every required alert name', () => {
  const model = buildModel(defaults());
  assert.deepEqual(validateModel(model), []);
  const names = [...alertsByName(model).keys()];
  for (const required of REQUIRED_ALERTS) assert.ok(names.includes(required), `${required} missing`);
});

test('every metric a rule reads is in the catalog, a _count_total variant, a documented alternative, up/ALERTS or a recording rule', () => {
  const usage = metricUsage(buildModel(defaults()));
  assert.ok(usage.length > 50);
  const unknown = usage.filter((u) => u.verdict === 'unknown');
  assert.deepEqual(unknown, []);
  const catalogNames = new Set(allMetrics().map((m) => m.name));
  const catalogUsed = new Set(
    usage.filter((u) => u.verdict === 'catalog').map((u) => u.name.replace(/_(count|sum|bucket)$/, '')),
  );
  for (const n of catalogUsed) assert.ok(catalogNames.has(n), n);
  // The alternatives the rules really use are the documented ones.
  const alternatives = new Set(alternativeSources.flatMap((s) => s.names));
  for (const u of usage.filter((x) => x.verdict === 'alternative')) assert.ok(alternatives.has(u.name));
  assert.ok(
    usage.some((u) => u.verdict === 'catalog-variant'),
    'the jmx_exporter 1.x _count_total naming is covered',
  );
});

test('a metric outside the catalog is reported with the rule that reads it', () => {
  const model = buildModel(defaults());
  const g = model.groups[0];
  const broken = {
    ...model,
    groups: [
      { ...g, records: [{ record: 'kafka_sre:bogus', expr: 'rate(kafka_not_in_catalog_total[5m])' }] },
      ...model.groups.slice(1),
    ],
  };
  assert.deepEqual(
    validateModel(broken).filter((p) => p.includes('catalog')),
    [
      'kafka_sre:bogus: metric kafka_not_in_catalog_total is neither in the metric catalog nor a documented alternative',
    ],
  );
});

test('every alert carries severity page or ticket, summary, description, runbook_url and dashboard', () => {
  for (const a of allAlerts(buildModel(defaults()))) {
    assert.ok(a.labels.severity === 'page' || a.labels.severity === 'ticket', a.alert);
    assert.match(a.annotations.runbook_url, new RegExp(`^docs/runbooks/${a.alert}\\.md$`));
    assert.match(a.annotations.dashboard, /^\/d\/kafka-sre-(executive|oncall|debug|lag|slo|gameday)\?var-cluster=/);
    assert.ok(a.annotations.summary.length > 10 && a.annotations.description.length > 20, a.alert);
  }
});

test('severities: pages for outages, tickets for slow problems', () => {
  const sev = new Map(allAlerts(buildModel(defaults())).map((a) => [a.alert, a.labels.severity]));
  for (const n of [
    'KafkaBrokerDown',
    'KafkaUnderReplicatedPartitions',
    'KafkaDiskUsageHigh',
    'KafkaNoActiveController',
    'KafkaOfflinePartitions',
    'KafkaAuthorizationFailures',
    'KafkaSLOBudgetBurnFast',
  ])
    assert.equal(sev.get(n), 'page', n);
  for (const n of ['KafkaConsumerLagHigh', 'KafkaConsumerStalled', 'KafkaSLOBudgetBurnSlow', 'KafkaDiskFillingUp'])
    assert.equal(sev.get(n), 'ticket', n);
});

test('overrides change for and severity, and disable an alert with its inhibitions', () => {
  const config = alertsSection.parse({
    overrides: { KafkaConsumerLagHigh: { for: '30m', severity: 'page' }, KafkaIsrShrinking: { disabled: true } },
    runbookBaseUrl: 'https://runbooks.example.com/kafka/',
    thresholds: { consumerLagRecords: 25000 },
  });
  const model = validatedModel(config);
  const lag = allAlerts(model).find((a) => a.alert === 'KafkaConsumerLagHigh');
  assert.equal(lag?.for, '30m');
  assert.equal(lag?.labels.severity, 'page');
  assert.match(lag?.expr ?? '', /> 25000$/);
  assert.equal(lag?.annotations.runbook_url, 'https://runbooks.example.com/kafka/KafkaConsumerLagHigh.md');
  assert.ok(!alertsByName(model).has('KafkaIsrShrinking'));
});

test('an override for an alert that does not exist is a usage error naming it', () => {
  assert.throws(
    () => validatedModel(alertsSection.parse({ overrides: { KafkaBrokerDwn: { for: '5m' } } })),
    (e: Error & { exitCode?: number }) =>
      e.exitCode === 2 && /alerts\.overrides\.KafkaBrokerDwn: no alert has this name/.test(e.message),
  );
});

test('selectors change every rule so they fit an existing Prometheus', () => {
  const model = buildModel(
    alertsSection.parse({ selectors: { broker: 'job="kafka", env="prod"', exporter: 'job="kminion-compatible"' } }),
  );
  const exprs = allAlerts(model)
    .map((a) => a.expr)
    .join('\n');
  assert.match(exprs, /up\{job="kafka", env="prod"\} == 0/);
  assert.match(exprs, /kafka_consumergroup_lag_sum\{job="kminion-compatible"\}/);
  assert.doesNotMatch(exprs, /job="kafka-broker"/);
});

test('SLO names must be unique and each SLO gets its own fast and slow burn rule', () => {
  const config = alertsSection.parse({
    slos: [
      { name: 'a', sli: 'produce_availability', objective: 0.999 },
      { name: 'a', sli: 'e2e_latency', objective: 0.99 },
    ],
  });
  assert.ok(validateModel(buildModel(config)).some((p) => p.includes('SLO names must be unique')));
  const model = buildModel(alertsSection.parse({}));
  const fast = alertsByName(model).get('KafkaSLOBudgetBurnFast') ?? [];
  assert.equal(fast.length, 4);
  assert.deepEqual(
    fast.map((a) => a.labels.slo),
    ['produce-availability', 'e2e-latency', 'consumer-lag', 'broker-availability'],
  );
});

test('config errors name the field', () => {
  const r = alertsSection.safeParse({
    thresholds: { topicIdle: '30 minutes' },
    slos: [{ name: 'x', sli: 'nope', objective: 0.9 }],
  });
  assert.equal(r.success, false);
  const paths = r.error?.issues.map((i) => i.path.join('.'));
  assert.ok(paths?.includes('thresholds.topicIdle'));
  assert.ok(paths?.some((p) => p.startsWith('slos.0')));
});

test('alerts.windows shortens the event-alert and rebalancing windows for game days; the defaults keep 5m and [15m:1m]', () => {
  const exprOf = (model: ReturnType<typeof buildModel>, name: string) =>
    allAlerts(model).find((a) => a.alert === name)?.expr ?? '';
  const prod = buildModel(defaults());
  assert.match(exprOf(prod, 'KafkaConsumerGroupRebalancing'), /\[15m:1m\]\) >= 4$/);
  assert.match(exprOf(prod, 'KafkaHotPartition'), /^kafka_sre:topic_partition_messages_in:rate5m\n/);
  for (const name of [
    'KafkaIsrShrinking',
    'KafkaAuthorizationFailures',
    'KafkaAuthenticationFailures',
    'KafkaBrokerPaused',
  ])
    assert.match(exprOf(prod, name), /\[5m\]/, name);
  const drill = validatedModel(
    alertsSection.parse({
      windows: { rate: '20s', pause: '5s', pauseHold: '15s', rebalancing: '1m', rebalancingStep: '1s' },
      thresholds: { rebalancingMinutes: 5, pauseStallRatio: 0.5 },
    }),
  );
  assert.match(
    exprOf(drill, 'KafkaBrokerPaused'),
    /max_over_time\(sum by \(cluster, instance\) \(rate\(kafka_sre_broker_eventloop_delay_seconds_sum\{[^}]*\}\[5s\]\)\)\[15s:\]\)\) > 0\.5\)/,
  );
  assert.match(exprOf(drill, 'KafkaConsumerGroupRebalancing'), /\[1m:1s\]\) >= 5$/);
  assert.match(
    allAlerts(drill).find((a) => a.alert === 'KafkaConsumerGroupRebalancing')?.spec.description ?? '',
    /samples \(one every 1 second\) of the last 1 minute/,
  );
  // The hot-partition alert computes its own 20s rate (the 5m recording rule stays for dashboards).
  assert.match(
    exprOf(drill, 'KafkaHotPartition'),
    /^sum by \(cluster, topic, partition\) \(rate\(kafka_topic_partition_current_offset\{[^}]*\}\[20s\]\)\)/,
  );
  for (const name of [
    'KafkaIsrShrinking',
    'KafkaAuthorizationFailures',
    'KafkaAuthenticationFailures',
    'KafkaBrokerPaused',
    'KafkaReplicaFetchFailing',
  ]) {
    assert.match(exprOf(drill, name), /\[20s\]/, name);
    assert.doesNotMatch(exprOf(drill, name), /\[5m\]/, name);
  }
  // A threshold above the number of samples in the window could never fire.
  const never = validateModel(
    buildModel(alertsSection.parse({ windows: { rebalancing: '1m', rebalancingStep: '30s' } })),
  );
  assert.ok(
    never.some((p) => p.includes('rebalancingMinutes (4) exceeds the 2 samples')),
    never.join('\n'),
  );
});
