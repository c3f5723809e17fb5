import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, configLeaves } from './load.js';
import { UsageError } from '../exit-codes.js';

const dir = mkdtempSync(join(tmpdir(), 'kafka-sre-config-'));
function yamlFile(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** The single-line error a load produces. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof UsageError, `expected UsageError, got ${String(e)}`);
    assert.equal(e.exitCode, 2);
    return e.message;
  }
  assert.fail('expected an error');
}

const errorCases: { name: string; file: string; env?: Record<string, string>; expect: RegExp }[] = [
  {
    name: 'a bad YAML file reports file, line and column',
    file: 'broker:\n  port: [1, 2\n',
    expect: /^config error: .*bad\.yaml:\d+:\d+: invalid YAML/,
  },
  {
    name: 'an unknown field is named with its section',
    file: 'broker:\n  prot: 9092\n',
    expect: /^config error: broker: unknown field "prot" \(from file .*\)$/,
  },
  {
    name: 'a wrong type names the field, the value and what is expected',
    file: 'broker:\n  port: "ninety"\n',
    expect: /^config error: broker\.port: "ninety" is not allowed: expected number \(from file .*\)$/,
  },
  {
    name: 'an out-of-range port names the field, the value and the bound',
    file: 'broker:\n  port: 70000\n',
    expect: /^config error: broker\.port: 70000 is out of range: must be at most 65535 \(from file .*\)$/,
  },
  {
    name: 'an unknown log level lists the allowed values',
    file: 'log:\n  level: loud\n',
    expect: /^config error: log\.level: "loud" is not allowed: use one of "fatal", .*"silent"/,
  },
  {
    name: 'a non-numeric environment variable names the variable',
    file: '',
    env: { KAFKA_SRE_BROKER_PORT: 'abc' },
    expect: /^config error: broker\.port: "abc" is not a number \(from environment KAFKA_SRE_BROKER_PORT\)$/,
  },
  {
    name: 'a top level that is not a mapping is rejected',
    file: '- just\n- a list\n',
    expect: /top level must be a mapping/,
  },
];

for (const c of errorCases) {
  test(c.name, () => {
    const file = yamlFile(c.name.includes('bad YAML') ? 'bad.yaml' : `case-${errorCases.indexOf(c)}.yaml`, c.file);
    const msg = errorOf(() => loadConfig({ file, env: c.env ?? {} }));
    assert.match(msg, c.expect);
    assert.equal(msg.split('\n').length, 1, 'one line per problem');
  });
}

test('a missing config file is a usage error naming the file', () => {
  assert.match(
    errorOf(() => loadConfig({ file: join(dir, 'nope.yaml'), env: {} })),
    /cannot read .*nope\.yaml: ENOENT/,
  );
});

test('defaults apply when nothing is given', () => {
  const cfg = loadConfig({ env: {} });
  assert.equal(cfg.broker.port, 9092);
  assert.equal(cfg.log.level, 'info');
});

test('environment overrides the file and flags override the environment', () => {
  const file = yamlFile('layers.yaml', 'broker:\n  port: 1000\n  metricsPort: 2000\n  brokers: 1\n');
  const env = { KAFKA_SRE_BROKER_PORT: '3000', KAFKA_SRE_BROKER_METRICS_PORT: '4000' };
  const fromEnv = loadConfig({ file, env });
  assert.equal(fromEnv.broker.port, 3000);
  assert.equal(fromEnv.broker.metricsPort, 4000);
  const fromFlags = loadConfig({ file, env, flags: { broker: { port: 5000 } } });
  assert.equal(fromFlags.broker.port, 5000, 'flag wins');
  assert.equal(fromFlags.broker.metricsPort, 4000, 'env still applies where no flag is given');
  assert.equal(fromFlags.broker.brokers, 1, 'file still applies where nothing overrides it');
});

test('KAFKA_SRE_CONFIG names the file when --config is absent', () => {
  const file = yamlFile('via-env.yaml', 'broker:\n  port: 6000\n');
  assert.equal(loadConfig({ env: { KAFKA_SRE_CONFIG: file } }).broker.port, 6000);
});

test('a flag value that is out of range is reported as coming from a flag', () => {
  assert.match(
    errorOf(() => loadConfig({ env: {}, flags: { broker: { port: 99999 } } })),
    /broker\.port: 99999 is out of range.*\(from flag\)/,
  );
});

test('every config field has an environment variable name', () => {
  const names = configLeaves().map((l) => l.envName);
  assert.ok(names.includes('KAFKA_SRE_BROKER_DATA_DIR'));
  assert.ok(names.includes('KAFKA_SRE_LOG_LEVEL'));
  assert.equal(new Set(names).size, names.length, 'no two fields share a variable');
});

test('inter-broker and controller ports are 19092/29092 by default and follow another client port', () => {
  const ports = (flags: Record<string, number>, env: NodeJS.ProcessEnv = {}) => {
    const b = loadConfig({ env, flags: { broker: flags } }).broker;
    return [b.port, b.interBrokerPort, b.controllerPort];
  };
  assert.deepEqual(ports({}), [9092, 19092, 29092]);
  assert.deepEqual(ports({ port: 9092 }), [9092, 19092, 29092]);
  assert.deepEqual(ports({ port: 14000 }), [14000, 14010, 14020]);
  assert.deepEqual(ports({}, { KAFKA_SRE_BROKER_PORT: '14000' }), [14000, 14010, 14020]);
  assert.deepEqual(ports({ port: 14000, interBrokerPort: 15000 }), [14000, 15000, 14020]);
  assert.deepEqual(ports({ port: 14000 }, { KAFKA_SRE_BROKER_CONTROLLER_PORT: '16000' }), [14000, 14010, 16000]);
});
