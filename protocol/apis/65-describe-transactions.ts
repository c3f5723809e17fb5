// DescribeTransactions (key 65), version 0 (flexible from 0), KIP-664: the transaction
// coordinator's state of each transactional id: state name as Kafka writes it (Empty, Ongoing,
// PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort, PrepareEpochFence, Dead), timeout,
// start time, producer id and epoch, and the partitions of its open transaction.
//
// Request => [transactional_ids COMPACT_STRING] TAG_BUFFER
// Response => throttle_time_ms INT32 [transaction_states] TAG_BUFFER
//   transaction_states => error_code INT16 transactional_id COMPACT_STRING
//     transaction_state COMPACT_STRING transaction_timeout_ms INT32 transaction_start_time_ms INT64
//     producer_id INT64 producer_epoch INT32 [topics] TAG_BUFFER
//   topics => topic COMPACT_STRING [partitions INT32] TAG_BUFFER
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface DescribeTransactionsRequest {
  transactionalIds: string[];
}
export interface TransactionStateDescription {
  errorCode: number;
  transactionalId: string;
  transactionState: string;
  transactionTimeoutMs: number;
  /** -1 when no transaction was started. */
  transactionStartTimeMs: number;
  producerId: number;
  producerEpoch: number;
  topics: { topic: string; partitions: number[] }[];
}
/** The entry of an id that could not be described: only its error (the schema's defaults elsewhere). */
export function failedTransactionDescription(transactionalId: string, errorCode: number): TransactionStateDescription {
  return {
    errorCode,
    transactionalId,
    transactionState: '',
    transactionTimeoutMs: 0,
    transactionStartTimeMs: -1,
    producerId: -1,
    producerEpoch: -1,
    topics: [],
  };
}

export interface DescribeTransactionsResponse {
  throttleTimeMs: number;
  transactionStates: TransactionStateDescription[];
}

export const describeTransactionsCodec: ApiCodec<DescribeTransactionsRequest, DescribeTransactionsResponse> = {
  apiKey: 65,
  name: 'DescribeTransactions',
  minVersion: 0,
  maxVersion: 0,
  flexibleFrom: 0,

  decodeRequest(r: ProtocolReader): DescribeTransactionsRequest {
    const transactionalIds = r.compactArray((x) => x.compactString());
    r.taggedFields();
    return { transactionalIds };
  },

  encodeResponse(w: ProtocolWriter, _v: number, res: DescribeTransactionsResponse): void {
    w.int32(res.throttleTimeMs);
    w.compactArray(res.transactionStates, (sw, s) => {
      sw.int16(s.errorCode)
        .compactString(s.transactionalId)
        .compactString(s.transactionState)
        .int32(s.transactionTimeoutMs)
        .int64(s.transactionStartTimeMs)
        .int64(s.producerId)
        .int32(s.producerEpoch);
      sw.compactArray(s.topics, (tw, t) =>
        tw
          .compactString(t.topic)
          .compactArray(t.partitions, (pw, p) => pw.int32(p))
          .taggedFields(),
      );
      sw.taggedFields();
    });
    w.taggedFields();
  },

  encodeRequest(w: ProtocolWriter, _v: number, req: DescribeTransactionsRequest): void {
    w.compactArray(req.transactionalIds, (iw, id) => iw.compactString(id));
    w.taggedFields();
  },

  decodeResponse(r: ProtocolReader): DescribeTransactionsResponse {
    const throttleTimeMs = r.int32();
    const transactionStates = r.compactArray((s) => {
      const errorCode = s.int16();
      const transactionalId = s.compactString();
      const transactionState = s.compactString();
      const transactionTimeoutMs = s.int32();
      const transactionStartTimeMs = s.int64();
      const producerId = s.int64();
      const producerEpoch = s.int32();
      const topics = s.compactArray((t) => {
        const topic = { topic: t.compactString(), partitions: t.compactArray((p) => p.int32()) };
        t.taggedFields();
        return topic;
      });
      s.taggedFields();
      return {
        errorCode,
        transactionalId,
        transactionState,
        transactionTimeoutMs,
        transactionStartTimeMs,
        producerId,
        producerEpoch,
        topics,
      };
    });
    r.taggedFields();
    return { throttleTimeMs, transactionStates };
  },
};
