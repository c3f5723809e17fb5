import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsHub } from './exposition.js';
import { formatValue, FragmentWriter, labelValueBytes, SnapshotBuilder, Tier } from '../snapshot/snapshot.js';
import { ChunkPool } from '../snapshot/chunk-pool.js';
import { startHttp } from '../http/server.js';
import { get, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { acceptsGzip } from './gzip-exposition.js';

function snap(cluster: string, brokers: number, at: number) {
  const b = new SnapshotBuilder(cluster, 100);
  b.add(Tier.cluster, 'brokers', {}, brokers);
  b.add(Tier.partition, 'consumerGroupLag', { consumergroup: 'g"1', topic: 't', partition: 0 }, 5);
  return b.build(at);
}

test('Several clusters render into one exposition with one HELP line per family and a cluster label each.', async () => {
  const hub = new MetricsHub(['a', 'b']);
  await hub.publish(snap('a', 3, 1000), 0.1);
  await hub.publish(snap('b', 1, 1000), 0.1);
  const text = (await hub.render()).toString();
  assert.equal(text.match(/^# HELP kafka_brokers /gm)?.length, 1);
  assert.match(text, /^kafka_brokers\{cluster="a"\} 3$/m);
  assert.match(text, /^kafka_brokers\{cluster="b"\} 1$/m);
  assert.match(text, /consumergroup="g\\"1"/, 'label values are escaped');
  assert.match(text, /^kafka_sre_exporter_up\{cluster="a"\} 1$/m);
});

test('A failed collection keeps the previous snapshot, sets up to 0 and marks the snapshot stale.', async () => {
  const hub = new MetricsHub(['a']);
  await hub.publish(snap('a', 3, 1000), 0.1);
  hub.markFailed('a', 2);
  const text = (await hub.render()).toString();
  assert.match(text, /^kafka_brokers\{cluster="a"\} 3$/m);
  assert.match(text, /^kafka_sre_exporter_up\{cluster="a"\} 0$/m);
  assert.match(text, /^kafka_sre_exporter_snapshot_stale\{cluster="a"\} 1$/m);
  assert.match(text, /^kafka_sre_exporter_last_success_timestamp_seconds\{cluster="a"\} 1$/m);
});

test('The HTTP server serves /metrics, /healthz and /ready only after the first full collection.', async () => {
  const hub = new MetricsHub(['a']);
  let ready = false;
  const http = await startHttp(hub, () => ready, 0, '127.0.0.1');
  try {
    assert.equal((await fetch(`${http.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${http.url}/ready`)).status, 503);
    const before = await fetch(`${http.url}/metrics`);
    assert.equal(before.status, 200, 'a scrape before any collection is not an error');
    assert.match(await before.text(), /kafka_sre_exporter_up\{cluster="a"\} 0/);
    await hub.publish(snap('a', 3, 1000), 0.1);
    ready = true;
    assert.equal((await fetch(`${http.url}/ready`)).status, 200);
    const res = await fetch(`${http.url}/metrics`);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    assert.match(await res.text(), /kafka_brokers\{cluster="a"\} 3/);
    assert.equal((await fetch(`${http.url}/nope`)).status, 404);
  } finally {
    await http.close();
  }
});

test('A gzip scrape is one valid gzip member with the same exposition as the identity scrape.', async () => {
  const hub = new MetricsHub(['a']);
  const b = new SnapshotBuilder('a', 100_000);
  for (let p = 0; p < 5000; p++)
    b.add(Tier.partition, 'partitionCurrentOffset', { topic: `t-${p % 7}`, partition: p }, p * 3);
  b.add(Tier.group, 'consumerGroupMembers', { consumergroup: 'gruppe-ä' }, 2);
  await hub.publish(b.build(1000), 0.1);
  const http = await startHttp(hub, () => true, 0, '127.0.0.1');
  const raw = (encoding: string) =>
    new Promise<{ headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      get(`${http.url}/metrics`, { headers: { 'accept-encoding': encoding } }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(parts) }));
      }).on('error', reject);
    });
  try {
    const plain = await raw('identity');
    const zipped = await raw('gzip');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.ok(
      zipped.body.length * 5 < plain.body.length,
      `compressed ${zipped.body.length} of ${plain.body.length} bytes`,
    );
    assert.equal(gunzipSync(zipped.body).toString(), plain.body.toString());
    assert.match(plain.body.toString(), /consumergroup="gruppe-ä"/);
    assert.match(plain.body.toString(), /^kafka_sre_exporter_up\{cluster="a"\} 1$/m);
    assert.equal(acceptsGzip('gzip;q=0, identity'), false);
    assert.equal(acceptsGzip('br, gzip;q=0.5'), true);
  } finally {
    await http.close();
  }
});

test('A replaced snapshot is reused for the next one only after the scrapes writing it are done.', async () => {
  const pool = new ChunkPool();
  const build = (value: number) => {
    const b = new SnapshotBuilder('a', 100_000, pool);
    for (let p = 0; p < 3000; p++)
      b.addFragment(
        Tier.partition,
        'partitionCurrentOffset',
        new FragmentWriter().start().text('topic', labelValueBytes('t')).int('partition', p),
        value,
      );
    return b.build(1000);
  };
  const hub = new MetricsHub(['a']);
  await hub.publish(build(1), 0.1);
  const first = await hub.scrape(); // an identity scrape still writing the first snapshot
  const before = Buffer.concat(first.chunks).toString();
  await hub.publish(build(2), 0.1);
  assert.equal(pool.size, 0, 'the first snapshot is not recycled while a scrape writes it');
  await hub.publish(build(3), 0.1); // allocates afresh: nothing free to reuse
  assert.equal(Buffer.concat(first.chunks).toString(), before, 'the bytes the scrape writes did not change');
  first.release();
  assert.ok(pool.size > 0, 'released: its chunks are free for the next snapshot');
  await hub.publish(build(4), 0.1);
  const text = (await hub.render()).toString();
  assert.match(text, /^kafka_topic_partition_current_offset\{cluster="a",topic="t",partition="2999"\} 4$/m);
  assert.doesNotMatch(text, /^kafka_topic_partition_current_offset\{.*\} [123]$/m);
});

test('Values and label bytes are written as prom-client would format them.', async () => {
  const b = new SnapshotBuilder('a', 100);
  const l = new FragmentWriter().start().text('topic', labelValueBytes('t"x')).int('partition', 12);
  const values = [0, -7, 1234567890123, 0.25, -1.5e-7, NaN, Infinity, -Infinity, 2 ** 60];
  values.forEach((v, i) =>
    b.add(Tier.partition, 'consumerGroupLag', { consumergroup: `g${i}`, topic: 't', partition: 0 }, v),
  );
  b.addFragment(Tier.partition, 'partitionLeader', l, 3);
  const hub = new MetricsHub(['a']);
  await hub.publish(b.build(1), 0.1);
  const text = (await hub.render()).toString();
  values.forEach((v, i) =>
    assert.match(
      text,
      new RegExp(`consumergroup="g${i}",topic="t",partition="0"\\} ${formatValue(v).replace('+', '\\+')}\\n`),
    ),
  );
  assert.match(text, /^kafka_topic_partition_leader\{cluster="a",topic="t\\"x",partition="12"\} 3$/m);
});
