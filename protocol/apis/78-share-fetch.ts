// ShareFetch (key 78), version 1 (KIP-932; v0 was Kafka 4.0's early access). Flexible.
//
// Request => group_id NULLABLE_STRING member_id NULLABLE_STRING share_session_epoch INT32
//   max_wait_ms INT32 min_bytes INT32 max_bytes INT32 max_records INT32 batch_size INT32
//   [topics] [forgotten_topics_data]
//   topics => topic_id UUID [partitions]
//     partitions => partition_index INT32 [acknowledgement_batches]
//       acknowledgement_batches => first_offset INT64 last_offset INT64 [acknowledge_types INT8]
//   forgotten_topics_data => topic_id UUID [partitions INT32]
//   share_session_epoch: 0 opens a share session, -1 closes it, otherwise the next epoch.
// Response => throttle_time_ms INT32 error_code INT16 error_message NULLABLE_STRING
//   acquisition_lock_timeout_ms INT32 [responses] [node_endpoints]
//   responses => topic_id UUID [partitions]
//     partitions => partition_index INT32 error_code INT16 error_message NULLABLE_STRING
//       acknowledge_error_code INT16 acknowledge_error_message NULLABLE_STRING
//       current_leader (leader_id INT32 leader_epoch INT32) records NULLABLE_RECORDS
//       [acquired_records => first_offset INT64 last_offset INT64 delivery_count INT16]
//   node_endpoints => node_id INT32 host STRING port INT32 rack NULLABLE_STRING
// librdkafka 2.15 sends v1 only and may repeat a topic id in `topics` (one entry per run of
// partitions); it treats a null record set as a malformed response, so the broker sends empty.
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';
import { uuidFromBytes, uuidToBytes } from '../primitives/uuid.js';
import {
  type AcknowledgementBatch,
  type LeaderIdAndEpoch,
  type NodeEndpoint,
  readAckBatch,
  readLeader,
  readNodeEndpoint,
  writeAckBatch,
  writeLeader,
  writeNodeEndpoint,
} from './share-common.js';

export interface ShareFetchPartition {
  partitionIndex: number;
  acknowledgementBatches: AcknowledgementBatch[];
}
export interface ShareFetchTopic {
  topicId: string;
  partitions: ShareFetchPartition[];
}
export interface ShareForgottenTopic {
  topicId: string;
  partitions: number[];
}
export interface ShareFetchRequest {
  groupId: string | null;
  memberId: string | null;
  shareSessionEpoch: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  maxRecords: number;
  batchSize: number;
  topics: ShareFetchTopic[];
  forgottenTopicsData: ShareForgottenTopic[];
}
export interface AcquiredRecords {
  firstOffset: number;
  lastOffset: number;
  deliveryCount: number;
}
export interface ShareFetchPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  errorMessage: string | null;
  acknowledgeErrorCode: number;
  acknowledgeErrorMessage: string | null;
  currentLeader: LeaderIdAndEpoch;
  /** Whole record batches (several buffers are written back to back); null only from other brokers. */
  records: Buffer | Buffer[] | null;
  acquiredRecords: AcquiredRecords[];
}
export interface ShareFetchTopicResponse {
  topicId: string;
  partitions: ShareFetchPartitionResponse[];
}
export interface ShareFetchResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  acquisitionLockTimeoutMs: number;
  responses: ShareFetchTopicResponse[];
  nodeEndpoints: NodeEndpoint[];
}

const readPartition = (r: ProtocolReader): ShareFetchPartition => {
  const partitionIndex = r.int32();
  const acknowledgementBatches = r.compactArray(readAckBatch);
  r.taggedFields();
  return { partitionIndex, acknowledgementBatches };
};
const readTopic = (r: ProtocolReader): ShareFetchTopic => {
  const topicId = uuidFromBytes(r.uuid());
  const partitions = r.compactArray(readPartition);
  r.taggedFields();
  return { topicId, partitions };
};
const readForgotten = (r: ProtocolReader): ShareForgottenTopic => {
  const topicId = uuidFromBytes(r.uuid());
  const partitions = r.compactArray((x) => x.int32());
  r.taggedFields();
  return { topicId, partitions };
};

function writeRecords(w: ProtocolWriter, records: Buffer | Buffer[] | null): void {
  if (records === null) {
    w.uvarint(0);
    return;
  }
  const parts = Buffer.isBuffer(records) ? [records] : records;
  let n = 0;
  for (const b of parts) n += b.length;
  w.uvarint(n + 1);
  for (const b of parts) w.raw(b);
}

const writePartitionResponse = (w: ProtocolWriter, p: ShareFetchPartitionResponse): void => {
  w.int32(p.partitionIndex)
    .int16(p.errorCode)
    .compactNullableString(p.errorMessage)
    .int16(p.acknowledgeErrorCode)
    .compactNullableString(p.acknowledgeErrorMessage);
  writeLeader(w, p.currentLeader);
  writeRecords(w, p.records);
  w.compactArray(p.acquiredRecords, (x, a) =>
    x.int64(a.firstOffset).int64(a.lastOffset).int16(a.deliveryCount).taggedFields(),
  );
  w.taggedFields();
};
const readPartitionResponse = (r: ProtocolReader): ShareFetchPartitionResponse => {
  const partitionIndex = r.int32();
  const errorCode = r.int16();
  const errorMessage = r.compactNullableString();
  const acknowledgeErrorCode = r.int16();
  const acknowledgeErrorMessage = r.compactNullableString();
  const currentLeader = readLeader(r);
  const records = r.compactNullableBytes();
  const acquiredRecords = r.compactArray((x) => {
    const a = { firstOffset: x.int64(), lastOffset: x.int64(), deliveryCount: x.int16() };
    x.taggedFields();
    return a;
  });
  r.taggedFields();
  return {
    partitionIndex,
    errorCode,
    errorMessage,
    acknowledgeErrorCode,
    acknowledgeErrorMessage,
    currentLeader,
    records: records === null ? null : Buffer.from(records),
    acquiredRecords,
  };
};

export const shareFetchCodec: ApiCodec<ShareFetchRequest, ShareFetchResponse> = {
  apiKey: 78,
  name: 'ShareFetch',
  minVersion: 1,
  maxVersion: 1,
  flexibleFrom: 0,

  decodeRequest(r: ProtocolReader): ShareFetchRequest {
    const groupId = r.compactNullableString();
    const memberId = r.compactNullableString();
    const shareSessionEpoch = r.int32();
    const maxWaitMs = r.int32();
    const minBytes = r.int32();
    const maxBytes = r.int32();
    const maxRecords = r.int32();
    const batchSize = r.int32();
    const topics = r.compactArray(readTopic);
    const forgottenTopicsData = r.compactArray(readForgotten);
    r.taggedFields();
    return {
      groupId,
      memberId,
      shareSessionEpoch,
      maxWaitMs,
      minBytes,
      maxBytes,
      maxRecords,
      batchSize,
      topics,
      forgottenTopicsData,
    };
  },

  encodeResponse(w: ProtocolWriter, _v: number, res: ShareFetchResponse): void {
    w.int32(res.throttleTimeMs)
      .int16(res.errorCode)
      .compactNullableString(res.errorMessage)
      .int32(res.acquisitionLockTimeoutMs)
      .compactArray(res.responses, (x, t) => {
        x.uuid(uuidToBytes(t.topicId)).compactArray(t.partitions, writePartitionResponse).taggedFields();
      })
      .compactArray(res.nodeEndpoints, writeNodeEndpoint)
      .taggedFields();
  },

  encodeRequest(w: ProtocolWriter, _v: number, req: ShareFetchRequest): void {
    w.compactNullableString(req.groupId)
      .compactNullableString(req.memberId)
      .int32(req.shareSessionEpoch)
      .int32(req.maxWaitMs)
      .int32(req.minBytes)
      .int32(req.maxBytes)
      .int32(req.maxRecords)
      .int32(req.batchSize)
      .compactArray(req.topics, (x, t) => {
        x.uuid(uuidToBytes(t.topicId))
          .compactArray(t.partitions, (y, p) => {
            y.int32(p.partitionIndex).compactArray(p.acknowledgementBatches, writeAckBatch).taggedFields();
          })
          .taggedFields();
      })
      .compactArray(req.forgottenTopicsData, (x, t) => {
        x.uuid(uuidToBytes(t.topicId))
          .compactArray(t.partitions, (y, p) => y.int32(p))
          .taggedFields();
      })
      .taggedFields();
  },

  decodeResponse(r: ProtocolReader): ShareFetchResponse {
    const throttleTimeMs = r.int32();
    const errorCode = r.int16();
    const errorMessage = r.compactNullableString();
    const acquisitionLockTimeoutMs = r.int32();
    const responses = r.compactArray((x) => {
      const topicId = uuidFromBytes(x.uuid());
      const partitions = x.compactArray(readPartitionResponse);
      x.taggedFields();
      return { topicId, partitions };
    });
    const nodeEndpoints = r.compactArray(readNodeEndpoint);
    r.taggedFields();
    return { throttleTimeMs, errorCode, errorMessage, acquisitionLockTimeoutMs, responses, nodeEndpoints };
  },
};
