// ListTransactions (key 66), versions 0-1 (flexible from 0), KIP-664; v1 adds duration_filter
// (KIP-994: only transactions running longer than that many ms; -1 = no filter). The response is
// the same in both versions. Each broker lists the transactional ids it coordinates.
//
// Request => [state_filters COMPACT_STRING] [producer_id_filters INT64] duration_filter INT64 (v1+) TAG_BUFFER
// Response => throttle_time_ms INT32 error_code INT16 [unknown_state_filters COMPACT_STRING]
//   [transaction_states] TAG_BUFFER
//   transaction_states => transactional_id COMPACT_STRING producer_id INT64 transaction_state COMPACT_STRING TAG_BUFFER
// Kafka 4.1's v2 (a transactional id pattern, KIP-1152) is not implemented.
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface ListTransactionsRequest {
  /** State names (Kafka's: Ongoing, ...); empty = every state. */
  stateFilters: string[];
  /** Empty = every producer id. */
  producerIdFilters: number[];
  /** v1+: only transactions open longer than this many ms; -1 = no filter (what a v0 request means). */
  durationFilterMs: number;
}
export interface TransactionListingEntry {
  transactionalId: string;
  producerId: number;
  transactionState: string;
}
export interface ListTransactionsResponse {
  throttleTimeMs: number;
  errorCode: number;
  /** State filters of the request the coordinator does not know. */
  unknownStateFilters: string[];
  transactionStates: TransactionListingEntry[];
}

export const listTransactionsCodec: ApiCodec<ListTransactionsRequest, ListTransactionsResponse> = {
  apiKey: 66,
  name: 'ListTransactions',
  minVersion: 0,
  maxVersion: 1,
  flexibleFrom: 0,

  decodeRequest(r: ProtocolReader, version: number): ListTransactionsRequest {
    const stateFilters = r.compactArray((x) => x.compactString());
    const producerIdFilters = r.compactArray((x) => x.int64());
    const durationFilterMs = version >= 1 ? r.int64() : -1;
    r.taggedFields();
    return { stateFilters, producerIdFilters, durationFilterMs };
  },

  encodeResponse(w: ProtocolWriter, _v: number, res: ListTransactionsResponse): void {
    w.int32(res.throttleTimeMs).int16(res.errorCode);
    w.compactArray(res.unknownStateFilters, (sw, s) => sw.compactString(s));
    w.compactArray(res.transactionStates, (sw, s) =>
      sw.compactString(s.transactionalId).int64(s.producerId).compactString(s.transactionState).taggedFields(),
    );
    w.taggedFields();
  },

  encodeRequest(w: ProtocolWriter, version: number, req: ListTransactionsRequest): void {
    // A v0 request cannot carry the filter: sending it without would list more than was asked.
    if (version < 1 && req.durationFilterMs >= 0)
      throw new Error('ListTransactions v0 has no duration filter (the broker needs v1, KIP-994)');
    w.compactArray(req.stateFilters, (sw, s) => sw.compactString(s));
    w.compactArray(req.producerIdFilters, (pw, p) => pw.int64(p));
    if (version >= 1) w.int64(req.durationFilterMs);
    w.taggedFields();
  },

  decodeResponse(r: ProtocolReader): ListTransactionsResponse {
    const throttleTimeMs = r.int32();
    const errorCode = r.int16();
    const unknownStateFilters = r.compactArray((x) => x.compactString());
    const transactionStates = r.compactArray((s) => {
      const transactionalId = s.compactString();
      const producerId = s.int64();
      const transactionState = s.compactString();
      s.taggedFields();
      return { transactionalId, producerId, transactionState };
    });
    r.taggedFields();
    return { throttleTimeMs, errorCode, unknownStateFilters, transactionStates };
  },
};
