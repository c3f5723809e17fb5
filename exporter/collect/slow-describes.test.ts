import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestErrors, type BrokerInfo, type ClusterClient, type LogDirState } from '../../kafka-client/index.js';
import { slowDescribes } from './slow-describes.js';

// The cache's decisions only: a stand-in answers as a broker would and counts the requests.
function counting(fail = { configs: false, logDirs: false }) {
  const calls = { configs: 0, logDirs: 0 };
  const client = {
    async minInsyncReplicas(topics: readonly string[], errors: RequestErrors) {
      calls.configs++;
      if (fail.configs) errors.add('DescribeConfigs', new Error('timeout'));
      return new Map(topics.map((t) => [t, 2]));
    },
    async logDirs(brokers: readonly BrokerInfo[], errors: RequestErrors): Promise<LogDirState[] | undefined> {
      calls.logDirs++;
      if (fail.logDirs) errors.add('DescribeLogDirs', new Error('timeout'));
      return brokers.map((b) => ({ broker: b.id, path: '/data', partitions: [] }));
    },
  } as unknown as ClusterClient;
  return { client, calls, fail };
}

const broker = (id: number): BrokerInfo => ({ id, host: '127.0.0.1', port: 9092 + id });

test('DescribeConfigs and DescribeLogDirs are reused within the interval, asked again after it or for a new topic or broker.', async () => {
  let now = 0;
  const { client, calls } = counting();
  const extras = slowDescribes(
    () => client,
    60_000,
    () => now,
  );
  await extras.minInsyncReplicas!(['a', 'b'], new RequestErrors());
  await extras.describeLogDirs!([broker(1)], new RequestErrors());
  now = 15_000;
  assert.equal((await extras.minInsyncReplicas!(['a'], new RequestErrors())).get('a'), 2, 'cached answer served');
  await extras.describeLogDirs!([broker(1)], new RequestErrors());
  assert.deepEqual(calls, { configs: 1, logDirs: 1 }, 'a cycle within the interval sends neither request');
  await extras.minInsyncReplicas!(['a', 'b', 'c'], new RequestErrors());
  await extras.describeLogDirs!([broker(1), broker(2)], new RequestErrors());
  assert.deepEqual(calls, { configs: 2, logDirs: 2 }, 'a topic or broker the answer does not cover is asked at once');
  now = 15_000 + 60_000;
  await extras.minInsyncReplicas!(['a', 'b', 'c'], new RequestErrors());
  await extras.describeLogDirs!([broker(1), broker(2)], new RequestErrors());
  assert.deepEqual(calls, { configs: 3, logDirs: 3 }, 'past the interval both are asked again');
});

test('An answer with request errors is not reused; interval 0 asks every cycle.', async () => {
  let now = 0;
  const failing = counting({ configs: true, logDirs: true });
  const extras = slowDescribes(
    () => failing.client,
    60_000,
    () => now,
  );
  await extras.minInsyncReplicas!(['a'], new RequestErrors());
  await extras.describeLogDirs!([broker(1)], new RequestErrors());
  now = 1000;
  failing.fail.configs = failing.fail.logDirs = false;
  await extras.minInsyncReplicas!(['a'], new RequestErrors());
  await extras.describeLogDirs!([broker(1)], new RequestErrors());
  assert.deepEqual(failing.calls, { configs: 2, logDirs: 2 }, 'the failed cycle is retried on the next one');

  const every = counting();
  const uncached = slowDescribes(
    () => every.client,
    0,
    () => now,
  );
  for (let i = 0; i < 3; i++) {
    await uncached.minInsyncReplicas!(['a'], new RequestErrors());
    await uncached.describeLogDirs!([broker(1)], new RequestErrors());
  }
  assert.deepEqual(every.calls, { configs: 3, logDirs: 3 });
});
