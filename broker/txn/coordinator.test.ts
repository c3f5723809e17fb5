// The transaction coordinator's state machine over fake ports (no broker): epochs and fencing,
// the records it writes to `__transaction_state`, markers, timeouts, and a second coordinator
// that loads the first one's records and finishes a prepared transaction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../common/index.js';
import { ErrorCode } from '../../protocol/index.js';
import { TransactionCoordinator, type MarkerRequest, type TxnCoordinatorPorts } from './coordinator.js';
import { TxnState, decodeTxnValue, type TxnRecordValue } from './state-records.js';

const PARTITIONS = 3;
const v1 = { producerFenced: false };
const v2 = { producerFenced: true };

function harness(
  opts: {
    markersFail?: boolean;
    markersWait?: Promise<void>;
    completionWaitMs?: number;
    /** A state write this returns true for fails (as one not replicated in time) and is not logged. */
    failWrite?: (value: TxnRecordValue) => boolean;
  } = {},
) {
  let clock = 1_000_000;
  let nextPid = 100;
  const log = new Map<number, { key: Buffer; value: Buffer }[]>();
  const markers: MarkerRequest[] = [];
  const ports: TxnCoordinatorPorts = {
    logger: createLogger({ level: 'silent' }),
    now: () => clock,
    allocateProducerId: () => nextPid++,
    persist: async (partition, key, value) => {
      if (opts.failWrite?.(decodeTxnValue(value))) throw new Error('not replicated in time');
      const l = log.get(partition) ?? [];
      l.push({ key, value });
      log.set(partition, l);
    },
    writeMarkers: async (req, stillOwner) => {
      if (opts.markersFail) {
        while (stillOwner()) await new Promise((r) => setTimeout(r, 5));
        throw new Error('moved');
      }
      if (opts.markersWait) await opts.markersWait;
      markers.push({ ...req, partitions: new Map(req.partitions) });
    },
    partitionExists: (topic) => topic !== 'missing',
    offsetsPartitionOf: () => 4,
  };
  const tc = new TransactionCoordinator(ports, {
    numPartitions: PARTITIONS,
    maxTimeoutMs: 60_000,
    completionWaitMs: opts.completionWaitMs ?? 3000,
  });
  for (let p = 0; p < PARTITIONS; p++) tc.load(p, 1, []);
  const states = (id: string) => [...log.get(tc.partitionFor(id))!].map((r) => decodeTxnValue(r.value).state);
  return { tc, log, markers, states, advance: (ms: number) => (clock += ms) };
}

test('InitProducerId bumps the epoch; an older epoch is fenced (INVALID_PRODUCER_EPOCH before v2)', async () => {
  const { tc } = harness();
  const a = await tc.initProducerId('tx', 10_000);
  assert.deepEqual(a, { errorCode: 0, producerId: 100, producerEpoch: 0 });
  const b = await tc.initProducerId('tx', 10_000);
  assert.deepEqual(b, { errorCode: 0, producerId: 100, producerEpoch: 1 });
  const topics = [{ name: 't', partitions: [0] }];
  assert.equal(
    (await tc.addPartitions('tx', 100, 0, topics, v1))[0].results[0].errorCode,
    ErrorCode.INVALID_PRODUCER_EPOCH,
  );
  assert.equal((await tc.addPartitions('tx', 100, 0, topics, v2))[0].results[0].errorCode, ErrorCode.PRODUCER_FENCED);
  assert.equal(
    (await tc.addPartitions('tx', 99, 1, topics, v1))[0].results[0].errorCode,
    ErrorCode.INVALID_PRODUCER_ID_MAPPING,
  );
  assert.equal((await tc.initProducerId('tx', 120_000)).errorCode, ErrorCode.INVALID_TRANSACTION_TIMEOUT);
  assert.equal(await tc.endTxn('tx', 100, 1, true, v1), ErrorCode.INVALID_TXN_STATE, 'no transaction to commit');
});

test('a commit writes Ongoing, PrepareCommit, the markers, then CompleteCommit', async () => {
  const h = harness();
  const { producerId, producerEpoch } = await h.tc.initProducerId('tx', 10_000);
  const add = await h.tc.addPartitions('tx', producerId, producerEpoch, [{ name: 't', partitions: [0, 1] }], v1);
  assert.deepEqual(add, [
    {
      name: 't',
      results: [
        { partitionIndex: 0, errorCode: 0 },
        { partitionIndex: 1, errorCode: 0 },
      ],
    },
  ]);
  assert.equal(await h.tc.addOffsets('tx', producerId, producerEpoch, 'g', v1), 0);
  assert.equal(await h.tc.endTxn('tx', producerId, producerEpoch, true, v1), 0);
  assert.deepEqual(h.states('tx'), [
    TxnState.Empty,
    TxnState.Ongoing,
    TxnState.Ongoing,
    TxnState.PrepareCommit,
    TxnState.CompleteCommit,
  ]);
  assert.equal(h.markers.length, 1);
  assert.equal(h.markers[0].commit, true);
  assert.deepEqual(
    [...h.markers[0].partitions],
    [
      ['t', [0, 1]],
      ['__consumer_offsets', [4]],
    ],
  );
  assert.equal(await h.tc.endTxn('tx', producerId, producerEpoch, true, v1), 0, 'a retried commit is answered NONE');
  assert.equal(await h.tc.endTxn('tx', producerId, producerEpoch, false, v1), ErrorCode.INVALID_TXN_STATE);
  const missing = await h.tc.addPartitions(
    'tx',
    producerId,
    producerEpoch,
    [
      { name: 'missing', partitions: [0] },
      { name: 't', partitions: [2] },
    ],
    v1,
  );
  assert.deepEqual(
    missing.map((t) => t.results[0].errorCode),
    [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.OPERATION_NOT_ATTEMPTED],
  );
});

test('a new instance aborts the open transaction with a bumped epoch; a timed-out one is aborted too', async () => {
  const h = harness();
  const first = await h.tc.initProducerId('tx', 10_000);
  await h.tc.addPartitions('tx', first.producerId, first.producerEpoch, [{ name: 't', partitions: [0] }], v1);
  const second = await h.tc.initProducerId('tx', 10_000);
  assert.equal(h.markers.length, 1);
  assert.deepEqual([h.markers[0].commit, h.markers[0].producerEpoch], [false, 1], 'aborted with the fencing epoch');
  assert.equal(second.producerEpoch, 2);
  assert.equal(await h.tc.endTxn('tx', first.producerId, first.producerEpoch, true, v2), ErrorCode.PRODUCER_FENCED);

  await h.tc.addPartitions('tx', second.producerId, second.producerEpoch, [{ name: 't', partitions: [1] }], v1);
  assert.equal(h.tc.abortTimedOut(), 0, 'not yet');
  h.advance(10_001);
  assert.equal(h.tc.abortTimedOut(), 1);
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(h.tc.stateOf('tx'), TxnState.CompleteAbort);
  assert.deepEqual([h.markers[1].commit, h.markers[1].producerEpoch], [false, 3]);
  assert.equal(
    await h.tc.endTxn('tx', second.producerId, second.producerEpoch, true, v1),
    ErrorCode.INVALID_PRODUCER_EPOCH,
  );
});

test('a new coordinator loads the state log and completes a prepared transaction', async () => {
  const h = harness({ markersFail: true });
  const { producerId, producerEpoch } = await h.tc.initProducerId('tx', 10_000);
  await h.tc.addPartitions('tx', producerId, producerEpoch, [{ name: 't', partitions: [0] }], v1);
  const ending = h.tc.endTxn('tx', producerId, producerEpoch, true, v1);
  await new Promise((r) => setTimeout(r, 10));
  const p = h.tc.partitionFor('tx');
  h.tc.unload(p); // the partition moved before the markers were written
  assert.equal(await ending, ErrorCode.NOT_COORDINATOR);

  const next = harness();
  next.tc.load(p, 2, h.log.get(p)!);
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(next.markers.length, 1, 'the new coordinator wrote the markers');
  assert.deepEqual([next.markers[0].commit, next.markers[0].coordinatorEpoch], [true, 2]);
  assert.equal(next.tc.stateOf('tx'), TxnState.CompleteCommit);
  assert.equal(next.tc.unavailable('tx'), 0);
  assert.equal(h.tc.unavailable('tx'), ErrorCode.NOT_COORDINATOR);
});

test('markers that cannot be written yet do not hold EndTxn or InitProducerId: CONCURRENT_TRANSACTIONS meanwhile', async () => {
  let release = () => {};
  const markersWait = new Promise<void>((r) => (release = r));
  const h = harness({ markersWait, completionWaitMs: 50 });
  const { producerId, producerEpoch } = await h.tc.initProducerId('tx', 10_000);
  await h.tc.addPartitions('tx', producerId, producerEpoch, [{ name: 't', partitions: [0] }], v1);
  const t0 = Date.now();
  assert.equal(await h.tc.endTxn('tx', producerId, producerEpoch, true, v1), ErrorCode.CONCURRENT_TRANSACTIONS);
  assert.ok(Date.now() - t0 < 2000, 'answered after the bounded wait');
  assert.equal(h.tc.stateOf('tx'), TxnState.PrepareCommit, 'the decision is durable; the round goes on');
  assert.equal(
    await h.tc.endTxn('tx', producerId, producerEpoch, true, v1),
    ErrorCode.CONCURRENT_TRANSACTIONS,
    'a retried commit while the markers are pending',
  );
  assert.equal((await h.tc.initProducerId('tx', 10_000)).errorCode, ErrorCode.CONCURRENT_TRANSACTIONS);
  release();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(h.tc.stateOf('tx'), TxnState.CompleteCommit);
  assert.equal(h.markers.length, 1);
  assert.equal(await h.tc.endTxn('tx', producerId, producerEpoch, true, v1), ErrorCode.NONE, 'the retry succeeds');
  assert.equal((await h.tc.initProducerId('tx', 10_000)).producerEpoch, 1);
});

test('KIP-890 verification: only partitions of the ongoing transaction pass, and nothing is added', async () => {
  const h = harness();
  const { producerId, producerEpoch } = await h.tc.initProducerId('tx', 10_000);
  const codes = (id: string, pid: number, epoch: number, partitions: number[]) =>
    h.tc
      .verifyPartitions(id, pid, epoch, [{ name: 't', partitions }])
      .flatMap((t) => t.results.map((r) => r.errorCode));
  assert.deepEqual(codes('tx', producerId, producerEpoch, [0]), [ErrorCode.INVALID_TXN_STATE], 'no transaction yet');
  await h.tc.addPartitions('tx', producerId, producerEpoch, [{ name: 't', partitions: [0] }], v1);
  assert.deepEqual(codes('tx', producerId, producerEpoch, [0, 1]), [ErrorCode.NONE, ErrorCode.INVALID_TXN_STATE]);
  assert.deepEqual(h.tc.describe('tx')?.partitions.get('t'), [0], 'verification adds nothing');
  assert.deepEqual(codes('tx', producerId, producerEpoch - 1, [0]), [ErrorCode.PRODUCER_FENCED]);
  assert.deepEqual(codes('tx', producerId + 1, producerEpoch, [0]), [ErrorCode.INVALID_PRODUCER_ID_MAPPING]);
  assert.deepEqual(codes('other', producerId, producerEpoch, [0]), [ErrorCode.INVALID_PRODUCER_ID_MAPPING]);
  assert.equal(await h.tc.endTxn('tx', producerId, producerEpoch, false, v1), ErrorCode.NONE);
  assert.deepEqual(codes('tx', producerId, producerEpoch, [0]), [ErrorCode.INVALID_TXN_STATE], 'the transaction ended');
});

test('a failed CompleteCommit write is retried while the coordinator epoch is the same', async () => {
  let failures = 1;
  const h = harness({ failWrite: (v) => v.state === TxnState.CompleteCommit && failures-- > 0 });
  const { producerId, producerEpoch } = await h.tc.initProducerId('tx', 10_000);
  await h.tc.addPartitions('tx', producerId, producerEpoch, [{ name: 't', partitions: [0] }], v1);
  assert.equal(await h.tc.endTxn('tx', producerId, producerEpoch, true, v1), ErrorCode.NONE);
  assert.equal(failures, -1, 'the first write failed, the retry went through');
  assert.deepEqual(h.states('tx').slice(-2), [TxnState.PrepareCommit, TxnState.CompleteCommit]);
});

test('a CompleteCommit retry of an older coordinator epoch is dropped, not written on top of the new state', async () => {
  // The first CompleteCommit write fails; during the retry's backoff the state partition moves
  // away and back (a new load, coordinator epoch 2), the new load completes the transaction and
  // the producer opens its next one. The old round must not write its CompleteCommit after that:
  // a reload would then see a completed transaction and forget the open one (no marker would
  // ever close it on its partitions).
  let failures = 1;
  const h = harness({ failWrite: (v) => v.state === TxnState.CompleteCommit && failures-- > 0 });
  const { producerId, producerEpoch } = await h.tc.initProducerId('tx', 10_000);
  await h.tc.addPartitions('tx', producerId, producerEpoch, [{ name: 't', partitions: [0] }], v1);
  const ending = h.tc.endTxn('tx', producerId, producerEpoch, true, v1);
  const until = async (what: string, ok: () => boolean) => {
    for (const t0 = Date.now(); !ok(); await new Promise((r) => setTimeout(r, 1)))
      assert.ok(Date.now() - t0 < 5000, `timed out waiting for ${what}`);
  };
  await until('the CompleteCommit retry', () => h.tc.markerQueues.logAppendRetry === 1);
  const p = h.tc.partitionFor('tx');
  h.tc.unload(p);
  h.tc.load(p, 2, [...h.log.get(p)!]);
  await until('the new load to complete the transaction', () => h.tc.stateOf('tx') === TxnState.CompleteCommit);
  assert.deepEqual(
    h.markers.map((m) => m.coordinatorEpoch),
    [1, 2],
    'the markers were written by both loads',
  );
  const next = await h.tc.addPartitions('tx', producerId, producerEpoch, [{ name: 't', partitions: [1] }], v1);
  assert.equal(next[0].results[0].errorCode, ErrorCode.NONE);
  await until('the old round to end', () => h.tc.markerQueues.logAppendRetry === 0);
  assert.equal(await ending, ErrorCode.NOT_COORDINATOR, 'the old round gave up the transaction');
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(
    h.states('tx').slice(-3),
    [TxnState.PrepareCommit, TxnState.CompleteCommit, TxnState.Ongoing],
    'one CompleteCommit (of the new load); the open transaction is the newest record',
  );
  const reloaded = harness();
  reloaded.tc.load(p, 3, h.log.get(p)!);
  assert.equal(reloaded.tc.stateOf('tx'), TxnState.Ongoing);
  assert.deepEqual(reloaded.tc.describe('tx')?.partitions.get('t'), [1]);
});
