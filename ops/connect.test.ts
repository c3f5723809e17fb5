import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema } from '../common/config/schema.js';
import { resolveCluster, type ConnectionFlags } from './connect.js';

const flags = (f: Partial<ConnectionFlags> = {}): ConnectionFlags => ({ output: 'table', ...f });

test("clusters come from --bootstrap, else the exporter's clusters, else the reference broker", () => {
  const none = configSchema.parse({ broker: { port: 19092 } });
  assert.deepEqual(resolveCluster(none, flags()).bootstrap, ['127.0.0.1:19092']);
  assert.deepEqual(resolveCluster(none, flags({ bootstrap: 'a:1,b:2' })).bootstrap, ['a:1', 'b:2']);
  assert.throws(() => resolveCluster(none, flags({ bootstrap: 'nohost' })), /--bootstrap/);
  const two = configSchema.parse({
    exporter: {
      clusters: [
        {
          name: 'prod',
          bootstrap: ['p:9093'],
          tls: { caFile: '/ca.pem' },
          sasl: { mechanism: 'scram-sha-512', username: 'ops', passwordEnv: 'PW' },
        },
        { name: 'dev', bootstrap: ['d:9092'] },
      ],
    },
  });
  assert.throws(() => resolveCluster(two, flags()), /pick one with --cluster/);
  const prod = resolveCluster(two, flags({ cluster: 'prod' }));
  assert.equal(prod.tls?.caFile, '/ca.pem');
  assert.equal(prod.sasl?.mechanism, 'scram-sha-512');
  assert.throws(() => resolveCluster(two, flags({ cluster: 'qa' })), /not in exporter.clusters \(known: prod, dev\)/);
});

test('TLS and SASL flags refine a --bootstrap cluster; SASL needs a password source', () => {
  const cfg = configSchema.parse({});
  const c = resolveCluster(
    cfg,
    flags({ bootstrap: 'a:1', tlsInsecure: true, saslMechanism: 'plain', saslUsername: 'u', saslPasswordEnv: 'PW' }),
  );
  assert.equal(c.tls?.enabled, true);
  assert.equal(c.tls?.insecureSkipVerify, true);
  assert.deepEqual(c.sasl, { mechanism: 'plain', username: 'u', passwordEnv: 'PW', passwordFile: undefined });
  assert.throws(
    () => resolveCluster(cfg, flags({ bootstrap: 'a:1', saslMechanism: 'plain', saslUsername: 'u' })),
    /--sasl-password-env/,
  );
  assert.throws(
    () => resolveCluster(cfg, flags({ bootstrap: 'a:1', saslMechanism: 'gssapi', saslUsername: 'u' })),
    /--sasl-mechanism/,
  );
});
