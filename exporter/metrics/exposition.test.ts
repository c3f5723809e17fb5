import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsHub } from './exposition.js';
import {
  familyBytes,
  formatValue,
  FragmentWriter,
  labelValueBytes,
  SnapshotBuilder,
  Tier,
} from '../snapshot/snapshot.js';
import { ChunkPool } from '../snapshot/chunk-pool.js';
import { startHttp } from '../http/server.js';
import { get, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { acceptsGzip, compressPiece, crc32Combine, gzipBody, joinPieces } from './gzip-exposition.js';
import { crc32 } from 'node:zlib';

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

test('Builds reuse the pooled working chunks, and a scrape begun before a publish sends the snapshot it began with.', async () => {
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
  assert.equal(pool.size, 1, 'the one family wrote into one working chunk, back in the pool');
  assert.ok(hub.snapshot('a')!.families.get('partitionCurrentOffset')!.length > 1, 'more than 64 KB: several pieces');
  const first = await hub.scrape(); // an identity scrape still writing the first snapshot
  await hub.publish(build(2), 0.1);
  assert.equal(pool.size, 1, 'the second build took the same chunk and gave it back');
  const parts: Buffer[] = [];
  for await (const b of first.parts) parts.push(b);
  const sent = Buffer.concat(parts).toString();
  assert.equal(Buffer.byteLength(sent), first.length);
  assert.match(sent, /^kafka_topic_partition_current_offset\{cluster="a",topic="t",partition="2999"\} 1$/m);
  assert.doesNotMatch(sent, /^kafka_topic_partition_current_offset\{.*\} 2$/m);
  const text = (await hub.render()).toString();
  assert.match(text, /^kafka_topic_partition_current_offset\{cluster="a",topic="t",partition="2999"\} 2$/m);
  assert.doesNotMatch(text, /^kafka_topic_partition_current_offset\{.*\} 1$/m);
});

test('A series limit that cuts a family inside a compressed piece keeps exactly the admitted lines.', () => {
  const b = new SnapshotBuilder('a', 2501);
  b.add(Tier.cluster, 'brokers', {}, 1);
  for (let p = 0; p < 4000; p++) b.add(Tier.partition, 'partitionLeader', { topic: 'some-topic', partition: p }, 1);
  const s = b.build(1);
  assert.equal(s.families.get('partitionLeader')!.length > 1, true);
  const lines = familyBytes(s, 'partitionLeader').toString().split('\n').filter(Boolean);
  assert.equal(lines.length, 2500);
  assert.equal(lines.at(-1), 'kafka_topic_partition_leader{cluster="a",topic="some-topic",partition="2499"} 1');
  assert.equal(s.seriesCount, 2501);
  assert.equal(s.droppedSeries, 1500);
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

test('CRC-32 of a concatenation from its parts, and pieces joined into one gzip member.', () => {
  const parts = ['', 'a', 'kafka_brokers{cluster="x"} 1\n', 'x'.repeat(70_000), 'ä\n'].map((t) => Buffer.from(t));
  for (const a of parts)
    for (const b of parts) assert.equal(crc32Combine(crc32(a), crc32(b), b.length), crc32(Buffer.concat([a, b])) >>> 0);
  const pieces = parts.map((p) => compressPiece(p));
  const body = Buffer.concat(gzipBody(joinPieces(pieces), Buffer.from('tail\n')));
  assert.equal(gunzipSync(body).toString(), Buffer.concat([...parts, Buffer.from('tail\n')]).toString());
});
