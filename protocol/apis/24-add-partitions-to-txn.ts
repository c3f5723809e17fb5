// AddPartitionsToTxn (key 24), versions 0-4 (flexible from 3).
// v1 = v0 (throttling answered before the delay); v2 = v1, the broker may answer PRODUCER_FENCED;
// v3 = v2, flexible. Versions 0-3 are the clients' (one transaction per request); v4 is sent
// between brokers (KIP-890): several transactions per request, each with verify_only (true: only
// check that the partitions are in the producer's ongoing transaction, a partition leader's
// question before the first transactional batch), and a top-level error code in the response.
// v5 (the TRANSACTION_ABORTABLE error) is not implemented.
//
// Request v0-3 => transactional_id STRING producer_id INT64 producer_epoch INT16 [topics]
// Request v4   => [transactions]
//   transactions => transactional_id STRING producer_id INT64 producer_epoch INT16 verify_only BOOLEAN [topics]
//   topics => name STRING [partitions INT32]
// Response v0-3 => throttle_time_ms INT32 [results_by_topic]
// Response v4   => throttle_time_ms INT32 error_code INT16 [results_by_transaction]
//   results_by_transaction => transactional_id STRING [results_by_topic]
//   results_by_topic => name STRING [results]   results => partition_index INT32 partition_error_code INT16
// kafkajs 2.2.4 sends v0-1, librdkafka 2.0-2.15 v0; the brokers of this cluster send v4 to each other.
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface AddPartitionsToTxnTopic {
  name: string;
  partitions: number[];
}
export interface AddPartitionsToTxnTopicResult {
  name: string;
  results: { partitionIndex: number; errorCode: number }[];
}
/** One transaction of a v4 request. */
export interface AddPartitionsToTxnTransaction {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  verifyOnly: boolean;
  topics: AddPartitionsToTxnTopic[];
}
export interface AddPartitionsToTxnRequest {
  /** v0-3 (clients): the one transaction ('', -1, -1, [] in a v4 request). */
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  topics: AddPartitionsToTxnTopic[];
  /** v4 (brokers): the transactions; absent below v4. */
  transactions?: AddPartitionsToTxnTransaction[];
}
export interface AddPartitionsToTxnResponse {
  throttleTimeMs: number;
  /** v0-3: the results per topic ([] in a v4 response). */
  results: AddPartitionsToTxnTopicResult[];
  /** v4: the top-level error code and the results per transaction. */
  errorCode?: number;
  resultsByTransaction?: { transactionalId: string; topicResults: AddPartitionsToTxnTopicResult[] }[];
}

function readTopics(r: ProtocolReader, flex: boolean): AddPartitionsToTxnTopic[] {
  return r.arr(flex, (t) => {
    const name = t.str(flex);
    const partitions = t.arr(flex, (p) => p.int32());
    t.tags(flex);
    return { name, partitions };
  });
}

function writeTopics(w: ProtocolWriter, flex: boolean, topics: readonly AddPartitionsToTxnTopic[]): void {
  w.arr(flex, topics, (tw, t) => {
    tw.str(flex, t.name).arr(flex, t.partitions, (pw, p) => pw.int32(p));
    tw.tags(flex);
  });
}

function readResults(r: ProtocolReader, flex: boolean): AddPartitionsToTxnTopicResult[] {
  return r.arr(flex, (t) => {
    const name = t.str(flex);
    const results = t.arr(flex, (p) => {
      const partitionIndex = p.int32();
      const errorCode = p.int16();
      p.tags(flex);
      return { partitionIndex, errorCode };
    });
    t.tags(flex);
    return { name, results };
  });
}

function writeResults(w: ProtocolWriter, flex: boolean, results: readonly AddPartitionsToTxnTopicResult[]): void {
  w.arr(flex, results, (tw, t) => {
    tw.str(flex, t.name).arr(flex, t.results, (pw, p) => pw.int32(p.partitionIndex).int16(p.errorCode).tags(flex));
    tw.tags(flex);
  });
}

export const addPartitionsToTxnCodec: ApiCodec<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse> = {
  apiKey: 24,
  name: 'AddPartitionsToTxn',
  minVersion: 0,
  maxVersion: 4,
  flexibleFrom: 3,

  decodeRequest(r: ProtocolReader, version: number): AddPartitionsToTxnRequest {
    const flex = version >= 3;
    if (version >= 4) {
      const transactions = r.arr(flex, (t) => {
        const transactionalId = t.str(flex);
        const producerId = t.int64();
        const producerEpoch = t.int16();
        const verifyOnly = t.bool();
        const topics = readTopics(t, flex);
        t.tags(flex);
        return { transactionalId, producerId, producerEpoch, verifyOnly, topics };
      });
      r.tags(flex);
      return { transactionalId: '', producerId: -1, producerEpoch: -1, topics: [], transactions };
    }
    const transactionalId = r.str(flex);
    const producerId = r.int64();
    const producerEpoch = r.int16();
    const topics = readTopics(r, flex);
    r.tags(flex);
    return { transactionalId, producerId, producerEpoch, topics };
  },

  encodeResponse(w: ProtocolWriter, version: number, res: AddPartitionsToTxnResponse): void {
    const flex = version >= 3;
    w.int32(res.throttleTimeMs);
    if (version >= 4) {
      w.int16(res.errorCode ?? 0);
      w.arr(flex, res.resultsByTransaction ?? [], (tw, t) => {
        tw.str(flex, t.transactionalId);
        writeResults(tw, flex, t.topicResults);
        tw.tags(flex);
      });
    } else writeResults(w, flex, res.results);
    w.tags(flex);
  },

  encodeRequest(w: ProtocolWriter, version: number, req: AddPartitionsToTxnRequest): void {
    const flex = version >= 3;
    if (version >= 4) {
      w.arr(flex, req.transactions ?? [], (tw, t) => {
        tw.str(flex, t.transactionalId).int64(t.producerId).int16(t.producerEpoch).bool(t.verifyOnly);
        writeTopics(tw, flex, t.topics);
        tw.tags(flex);
      });
    } else {
      w.str(flex, req.transactionalId).int64(req.producerId).int16(req.producerEpoch);
      writeTopics(w, flex, req.topics);
    }
    w.tags(flex);
  },

  decodeResponse(r: ProtocolReader, version: number): AddPartitionsToTxnResponse {
    const flex = version >= 3;
    const throttleTimeMs = r.int32();
    if (version >= 4) {
      const errorCode = r.int16();
      const resultsByTransaction = r.arr(flex, (t) => {
        const transactionalId = t.str(flex);
        const topicResults = readResults(t, flex);
        t.tags(flex);
        return { transactionalId, topicResults };
      });
      r.tags(flex);
      return { throttleTimeMs, results: [], errorCode, resultsByTransaction };
    }
    const results = readResults(r, flex);
    r.tags(flex);
    return { throttleTimeMs, results };
  },
};
