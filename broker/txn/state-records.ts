// The records of `__transaction_state` in Kafka's formats (TransactionLogKey v0 and
// TransactionLogValue v0, each after an int16 version), so Kafka's own tools could read them:
//   key   => version INT16 (0) transactional_id STRING
//   value => version INT16 (0) producer_id INT64 producer_epoch INT16 transaction_timeout_ms INT32
//            transaction_status INT8 [transaction_partitions] (nullable)
//            transaction_last_update_timestamp_ms INT64 transaction_start_timestamp_ms INT64
//   transaction_partitions => topic STRING [partition_ids INT32]
// A null value (tombstone) removes a transactional id (expiry, not implemented yet).
import { ProtocolReader, ProtocolWriter } from '../../protocol/index.js';

/** Kafka's TransactionState ids, as stored in transaction_status. */
export const TxnState = {
  Empty: 0,
  Ongoing: 1,
  PrepareCommit: 2,
  PrepareAbort: 3,
  CompleteCommit: 4,
  CompleteAbort: 5,
  Dead: 6,
  PrepareEpochFence: 7,
} as const;
export type TxnStateId = (typeof TxnState)[keyof typeof TxnState];
export const txnStateName = (s: number): string =>
  Object.entries(TxnState).find(([, v]) => v === s)?.[0] ?? `Unknown(${s})`;

export interface TxnRecordValue {
  producerId: number;
  producerEpoch: number;
  timeoutMs: number;
  state: TxnStateId;
  /** topic -> partitions */
  partitions: Map<string, number[]>;
  lastUpdateMs: number;
  startMs: number;
}

export function encodeTxnKey(transactionalId: string): Buffer {
  return Buffer.from(new ProtocolWriter(4 + transactionalId.length * 3).int16(0).string(transactionalId).toBuffer());
}

export function decodeTxnKey(b: Buffer): string | null {
  const r = new ProtocolReader(b);
  return r.int16() === 0 ? r.string() : null;
}

export function encodeTxnValue(v: TxnRecordValue): Buffer {
  const w = new ProtocolWriter(64);
  w.int16(0).int64(v.producerId).int16(v.producerEpoch).int32(v.timeoutMs).int8(v.state);
  w.array([...v.partitions], (tw, [topic, ps]) => tw.string(topic).array(ps, (pw, p) => pw.int32(p)));
  w.int64(v.lastUpdateMs).int64(v.startMs);
  return Buffer.from(w.toBuffer());
}

/** Decodes a value (v0 fields; a v1 value's tagged fields after them are not read). */
export function decodeTxnValue(b: Buffer): TxnRecordValue {
  const r = new ProtocolReader(b);
  const version = r.int16();
  if (version !== 0 && version !== 1) throw new Error(`unknown transaction log value version ${version}`);
  const producerId = r.int64();
  const producerEpoch = r.int16();
  const timeoutMs = r.int32();
  const state = r.int8() as TxnStateId;
  const f = version >= 1;
  const list =
    r.nullableArr(f, (t) => {
      const topic = t.str(f);
      const ps = t.arr(f, (p) => p.int32());
      t.tags(f);
      return [topic, ps] as const;
    }) ?? [];
  const lastUpdateMs = r.int64();
  const startMs = r.int64();
  return { producerId, producerEpoch, timeoutMs, state, partitions: new Map(list), lastUpdateMs, startMs };
}
