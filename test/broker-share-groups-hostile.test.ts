// test-budget: 60s
// Hostile or careless share consumers (KIP-932) against one broker process, over the raw protocol:
// - an acknowledgement batch spanning 0..2^62 is answered INVALID_REQUEST at once (it used to be
//   walked offset by offset, hanging the broker), and the broker keeps serving;
// - share sessions are capped (group.share.max.share.sessions = 2 here): a third gets
//   SHARE_SESSION_LIMIT_REACHED; sessions idle past group.share.session.timeout.ms are dropped
//   and what their members held is released (redelivered with delivery count 2);
// - a partition of an unknown topic id is answered UNKNOWN_TOPIC_ID and never joins a session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { produceCodec } from '../protocol/apis/00-produce.js';
import { metadataCodec } from '../protocol/apis/03-metadata.js';
import { createTopicsCodec } from '../protocol/apis/19-create-topics.js';
import { shareFetchCodec, type ShareFetchRequest } from '../protocol/apis/78-share-fetch.js';
import { buildRecordBatch } from '../protocol/record-batch/index.js';
import { processFixture } from './support/processes.js';
import { RawClient, startBrokerProc, tempDir, type BrokerProc } from './broker-support.js';

const fx = processFixture();
const dir = tempDir('broker-share-hostile');
const IDLE_MS = 1000;
let broker: BrokerProc;
let raw: RawClient;
let topicId: string;

test.before(async () => {
  const cfg = join(dir, 'kafka-sre.yaml');
  writeFileSync(
    cfg,
    ['broker:', '  groupShareMaxShareSessions: 2', `  groupShareSessionTimeoutMs: ${IDLE_MS}`, ''].join('\n'),
  );
  broker = await startBrokerProc(fx, join(dir, 'data'), undefined, ['--config', cfg]);
  raw = await RawClient.connect(broker.port);
  const created = await raw.request(createTopicsCodec, 3, {
    topics: [{ name: 'shared', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
    timeoutMs: 1000,
    validateOnly: false,
  });
  assert.equal(created.topics[0].errorCode, 0);
  const md = await raw.request(metadataCodec, 12, { topics: ['shared'], allowAutoTopicCreation: false });
  topicId = md.topics[0].topicId!;
});

test.after(() => raw?.close());

const fetchReq = (memberId: string, epoch: number, o: Partial<ShareFetchRequest> = {}): ShareFetchRequest => ({
  groupId: 'hostile-share',
  memberId,
  shareSessionEpoch: epoch,
  maxWaitMs: 0,
  minBytes: 0,
  maxBytes: 1 << 20,
  maxRecords: 10,
  batchSize: 10,
  topics: [{ topicId, partitions: [{ partitionIndex: 0, acknowledgementBatches: [] }] }],
  forgottenTopicsData: [],
  ...o,
});

test('hostile acknowledgements, the share session cap and idle session expiry', async () => {
  // Opening the session loads the share-partition at the (empty) log end; then three records.
  const open = await raw.request(shareFetchCodec, 1, fetchReq('m1', 0));
  assert.equal(open.errorCode, 0);
  const produced = await raw.request(produceCodec, 7, {
    transactionalId: null,
    acks: 1,
    timeoutMs: 1000,
    topics: [
      {
        name: 'shared',
        partitions: [{ index: 0, records: buildRecordBatch([{ value: 'a' }, { value: 'b' }, { value: 'c' }]) }],
      },
    ],
  });
  assert.equal(produced.topics[0].partitions[0].errorCode, 0);
  const got = await raw.request(shareFetchCodec, 1, fetchReq('m1', 1));
  assert.deepEqual(got.responses[0].partitions[0].acquiredRecords, [
    { firstOffset: 0, lastOffset: 2, deliveryCount: 1 },
  ]);

  const started = Date.now();
  const hostile = await raw.request(
    shareFetchCodec,
    1,
    fetchReq('m1', 2, {
      maxRecords: 0,
      topics: [
        {
          topicId,
          partitions: [
            {
              partitionIndex: 0,
              acknowledgementBatches: [{ firstOffset: 0, lastOffset: 2 ** 62, acknowledgeTypes: [0] }],
            },
          ],
        },
      ],
    }),
  );
  assert.equal(hostile.responses[0].partitions[0].acknowledgeErrorCode, 42, 'INVALID_REQUEST');
  assert.ok(Date.now() - started < 5000, 'answered at once');

  // An unknown topic id is answered and not kept in the session.
  const unknown = await raw.request(
    shareFetchCodec,
    1,
    fetchReq('m1', 3, {
      topics: [
        {
          topicId: '00000000-0000-0000-0000-0000000000aa',
          partitions: [{ partitionIndex: 0, acknowledgementBatches: [] }],
        },
      ],
    }),
  );
  assert.equal(unknown.errorCode, 0);
  const unknownAnswer = unknown.responses.find((t) => t.topicId !== topicId);
  assert.equal(unknownAnswer?.partitions[0].errorCode, 100, 'UNKNOWN_TOPIC_ID');

  // Two sessions fill the broker; a third is refused with a retriable error.
  assert.equal((await raw.request(shareFetchCodec, 1, fetchReq('m2', 0, { maxRecords: 0 }))).errorCode, 0);
  assert.equal((await raw.request(shareFetchCodec, 1, fetchReq('m3', 0))).errorCode, 133);

  // m1 and m2 go quiet: their sessions are dropped and m1's three records come back to m3.
  await sleep(IDLE_MS + 1000);
  const m3 = await raw.request(shareFetchCodec, 1, fetchReq('m3', 0));
  assert.equal(m3.errorCode, 0);
  assert.deepEqual(m3.responses[0].partitions[0].acquiredRecords, [
    { firstOffset: 0, lastOffset: 2, deliveryCount: 2 },
  ]);
  // m1's session is gone.
  assert.equal((await raw.request(shareFetchCodec, 1, fetchReq('m1', 4))).errorCode, 122, 'SHARE_SESSION_NOT_FOUND');
});
