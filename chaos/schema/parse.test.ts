import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSpec, SpecError } from './parse.js';
import { parseDuration } from './duration.js';

const good = `version: 1
name: f3-broker-kill
target:
  kind: existing
  bootstrapServers: [127.0.0.1:9092]
  prometheusUrl: http://127.0.0.1:9090
  proxyApiUrl: http://127.0.0.1:8474
faults:
  - type: network-latency
    name: slow-broker
    target: { broker: 1, listener: replication }
    start: 5s
    duration: 30s
    params: { latency: 500 }
expectations:
  alerts:
    - alert: KafkaUnderReplicatedPartitions
      fireWithin: 1m
      resolveWithin: 2m
`;

function issuesOf(text: string) {
  try {
    parseSpec(text, 'x.yaml');
  } catch (e) {
    assert.ok(e instanceof SpecError, String(e));
    return e.issues;
  }
  assert.fail('expected a SpecError');
}

test('a valid spec parses with defaults filled in and durations in milliseconds', () => {
  const { spec } = parseSpec(good);
  assert.equal(spec.faults[0].start, 5000);
  assert.equal(spec.faults[0].duration, 30_000);
  assert.equal(spec.expectations.alerts[0].fireWithin, 60_000);
  assert.deepEqual(spec.target.allowedHosts, ['127.0.0.1', 'localhost', '::1']);
  assert.equal(spec.safety.maxDuration, 600_000);
  const f = spec.faults[0];
  assert.ok(f.type === 'network-latency');
  assert.deepEqual(f.params, { latency: 500, jitter: 0, stream: 'downstream', toxicity: 1 });
});

test('fault names default to <type>-<index>', () => {
  const { spec } = parseSpec(good.replace('    name: slow-broker\n', ''));
  assert.equal(spec.faults[0].name, 'network-latency-0');
});

test('an unknown fault type names the field, its line and column, and the known types', () => {
  const [i] = issuesOf(good.replace('type: network-latency', 'type: network-lag'));
  assert.equal(i.field, 'faults[0].type');
  assert.equal(i.line, 9);
  assert.equal(i.col, 11);
  assert.match(i.message, /unknown fault type.*network-latency/);
});

test('a missing target is reported as missing, at the top level', () => {
  const text = good.replace(/target:\n {2}kind[\s\S]*?8474\n/, '');
  const issues = issuesOf(text);
  assert.equal(issues[0].field, 'target');
  assert.equal(issues[0].message, 'missing (required)');
});

test('a negative duration is rejected with its position', () => {
  const [i] = issuesOf(good.replace('duration: 30s', 'duration: -30s'));
  assert.equal(i.field, 'faults[0].duration');
  assert.equal(i.line, 13);
  assert.match(i.message, /negative duration/);
});

test('durations without a unit or with a bad unit are rejected', () => {
  assert.match(issuesOf(good.replace('duration: 30s', 'duration: 30'))[0].message, /strings with a unit/);
  assert.match(issuesOf(good.replace('duration: 30s', 'duration: 30sec'))[0].message, /bad duration/);
});

test('an unknown field points at the key itself', () => {
  const [i] = issuesOf(good.replace('    start: 5s', '    strat: 5s'));
  assert.equal(i.field, 'faults[0].strat');
  assert.equal(i.line, 12);
  assert.equal(i.col, 5);
  assert.equal(i.message, 'unknown field');
});

test('a fault longer than safety.maxDuration is rejected', () => {
  const [i] = issuesOf(good + 'safety:\n  maxDuration: 20s\n');
  assert.equal(i.field, 'faults[0].duration');
  assert.match(i.message, /exceeds safety.maxDuration/);
});

test('an expectation that names an unknown fault is rejected', () => {
  const [i] = issuesOf(good + '      fault: nope\n');
  assert.equal(i.field, 'expectations.alerts[0].fault');
  assert.match(i.message, /no fault named "nope"/);
});

test('YAML syntax errors carry their position', () => {
  const [i] = issuesOf('version: 1\nname: [unclosed\n');
  assert.match(i.message, /^YAML/);
  assert.ok(i.line >= 2);
});

test('the error message lists file:line:col per problem', () => {
  assert.throws(
    () => parseSpec(good.replace('duration: 30s', 'duration: -1s'), 'g.yaml'),
    /g\.yaml:13:15: faults\[0\]\.duration: negative duration/,
  );
});

test('parseDuration reads compound durations', () => {
  assert.equal(parseDuration('1m30s'), 90_000);
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.equal(parseDuration('0'), 0);
  assert.throws(() => parseDuration('2 minutes'), /bad duration/);
});

test('notification expectations need target.webhookListen', () => {
  const [i] = issuesOf(good + '  notifications:\n    - { alert: X, receiver: drill, within: 30s }\n');
  assert.equal(i.field, 'expectations.notifications[0]');
  assert.match(i.message, /need target.webhookListen/);
});

test('target.sasl takes exactly one of password, passwordEnv; a dry run does not read it, a run needs the variable set', async () => {
  const withSasl = (sasl: string) =>
    good.replace('  proxyApiUrl: http://127.0.0.1:8474\n', `  proxyApiUrl: http://127.0.0.1:8474\n  sasl: ${sasl}\n`);
  const { spec } = parseSpec(
    withSasl('{ mechanism: scram-sha-512, username: admin, passwordEnv: F9_TEST_UNSET_PASSWORD }'),
  );
  assert.ok(spec.target.kind === 'existing' && spec.target.sasl?.passwordEnv === 'F9_TEST_UNSET_PASSWORD');
  const [both] = issuesOf(withSasl('{ mechanism: plain, username: a, password: x, passwordEnv: Y }'));
  assert.match(both.message, /exactly one of password, passwordEnv/);
  const { resolveTarget } = await import('../runner/target.js');
  assert.equal(resolveTarget(spec.target, { credentials: false }).sasl, undefined);
  assert.throws(
    () => resolveTarget(spec.target),
    /target\.sasl\.passwordEnv: environment variable F9_TEST_UNSET_PASSWORD is not set/,
  );
  process.env.F9_TEST_SET_PASSWORD = 'pw';
  const set = parseSpec(withSasl('{ mechanism: plain, username: a, passwordEnv: F9_TEST_SET_PASSWORD }')).spec;
  assert.deepEqual(resolveTarget(set.target).sasl, { mechanism: 'plain', username: 'a', password: 'pw' });
});

test('retention-shorten rolls segments as often as the shortened retention unless params.segment says otherwise', () => {
  const spec = (params: string) =>
    good.replace(
      /faults:[\s\S]*?expectations:/,
      `faults:\n  - type: retention-shorten\n    target: { topic: t }\n    start: 1s\n    duration: 10s\n    params: ${params}\nexpectations:`,
    );
  const a = parseSpec(spec('{ retention: 5s }')).spec.faults[0];
  assert.ok(a.type === 'retention-shorten');
  assert.deepEqual(a.params, { retention: 5000 });
  const b = parseSpec(spec('{ retention: 5s, segment: 2s }')).spec.faults[0];
  assert.ok(b.type === 'retention-shorten');
  assert.equal(b.params.segment, 2000);
});

const withTransactions = good
  .replace(
    'faults:\n',
    `load:
  topic: gameday-f11
  producers: 0
  transactions:
    producers: 2
    interval: 2s
    transactionTimeout: 30s
    consumers: { groupId: f11-rc }
faults:
  - type: transaction-producer-kill
    name: kill-txn
    target: { producer: 1 }
    start: 10s
    duration: 60s
`,
  )
  .replace('expectations:\n', 'expectations:\n  data: { maxLost: 0 }\n');

test('load.transactions and transaction-producer-kill parse with their defaults', () => {
  const { spec } = parseSpec(withTransactions);
  assert.deepEqual(spec.load?.transactions, {
    producers: 2,
    transactionalIdPrefix: 'kafka-sre-gameday-txn',
    recordsPerTransaction: 10,
    interval: 2000,
    abortEvery: 5,
    transactionTimeout: 30_000,
    consumers: { groupId: 'f11-rc', count: 1 },
  });
  const f = spec.faults[0];
  assert.ok(f.type === 'transaction-producer-kill');
  assert.deepEqual(f.params, { signal: 'SIGKILL', restart: true });
  assert.equal(f.duration, 60_000);
});

test('transaction-producer-kill needs load.transactions and an existing producer index', () => {
  const [i] = issuesOf(withTransactions.replace('target: { producer: 1 }', 'target: { producer: 2 }'));
  assert.equal(i.field, 'faults[0].target.producer');
  assert.match(i.message, /producers 0\.\.1/);
  const noTxn = withTransactions.replace(/ {2}transactions:\n( {4}.*\n)+/, '  consumers: { groupId: g }\n');
  const [j] = issuesOf(noTxn);
  assert.equal(j.field, 'faults[0].type');
  assert.match(j.message, /needs load\.transactions/);
  const [k] = issuesOf(withTransactions.replace('consumers: { groupId: f11-rc }', 'consumers: { count: 2 }'));
  assert.equal(k.field, 'load.transactions.consumers.groupId');
});
