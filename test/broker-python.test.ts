// test-budget: 120s
// kafka-python 2.0 (the Debian package, /usr/bin/python3) against the reference broker: its
// ApiVersions v0 probe with a pipelined Metadata v0, a producer with acks 0/1/all and gzip, and
// a group consumer reading everything back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { processFixture, runCommand } from './support/processes.js';
import { startBrokerProc, tempDir, type BrokerProc } from './broker-support.js';

const fx = processFixture();
const dir = tempDir('broker-python');
let broker: BrokerProc;

test.before(async () => {
  broker = await startBrokerProc(fx, dir);
});

const SCRIPT = `
import sys, json
from kafka import KafkaProducer, KafkaConsumer
b = sys.argv[1]
out = {}
for acks in (0, 1, 'all'):
    p = KafkaProducer(bootstrap_servers=b, acks=acks, compression_type='gzip', linger_ms=2)
    futs = [p.send('py', key=b'k', value=('acks-%s-%d' % (acks, i)).encode()) for i in range(100)]
    p.flush()
    out['offsets-%s' % acks] = [f.get(timeout=10).offset for f in futs][-1]
    p.close()
c = KafkaConsumer('py', bootstrap_servers=b, group_id='py-group', auto_offset_reset='earliest', consumer_timeout_ms=4000)
out['values'] = [m.value.decode() for m in c]
out['version'] = list(c.config['api_version'])
c.close()
print(json.dumps(out))
`;

test('kafka-python detects the broker, produces with acks 0/1/all and gzip, and a group consumer reads it all', async () => {
  const r = await runCommand('/usr/bin/python3', ['-c', SCRIPT, broker.bootstrap], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    values: string[];
    version: number[];
    'offsets-1': number;
    'offsets-all': number;
  };
  // kafka-python guesses the broker version from the advertised ranges; >= 2.x means record batches.
  assert.ok(out.version[0] >= 1, `api_version ${out.version.join('.')}`);
  const expected = ['0', '1', 'all'].flatMap((a) => Array.from({ length: 100 }, (_, i) => `acks-${a}-${i}`));
  assert.deepEqual(out.values, expected);
  assert.equal(out['offsets-all'], 299);
});
