// ShareAcknowledge (key 79), version 1 (KIP-932; v0 was Kafka 4.0's early access). Flexible.
//
// Request => group_id NULLABLE_STRING member_id NULLABLE_STRING share_session_epoch INT32 [topics]
//   topics => topic_id UUID [partitions]
//     partitions => partition_index INT32 [acknowledgement_batches]
//       acknowledgement_batches => first_offset INT64 last_offset INT64 [acknowledge_types INT8]
//   share_session_epoch -1 closes the share session after the acknowledgements are applied.
// Response => throttle_time_ms INT32 error_code INT16 error_message NULLABLE_STRING [responses]
//   [node_endpoints]
//   responses => topic_id UUID [partitions]
//     partitions => partition_index INT32 error_code INT16 error_message NULLABLE_STRING
//       current_leader (leader_id INT32 leader_epoch INT32)
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';
import { uuidFromBytes, uuidToBytes } from '../primitives/uuid.js';
import {
  type LeaderIdAndEpoch,
  type NodeEndpoint,
  readAckBatch,
  readLeader,
  readNodeEndpoint,
  writeAckBatch,
  writeLeader,
  writeNodeEndpoint,
} from './share-common.js';
import type { ShareFetchTopic } from './78-share-fetch.js';

export interface ShareAcknowledgeRequest {
  groupId: string | null;
  memberId: string | null;
  shareSessionEpoch: number;
  topics: ShareFetchTopic[];
}
export interface ShareAcknowledgePartitionResponse {
  partitionIndex: number;
  errorCode: number;
  errorMessage: string | null;
  currentLeader: LeaderIdAndEpoch;
}
export interface ShareAcknowledgeResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  responses: { topicId: string; partitions: ShareAcknowledgePartitionResponse[] }[];
  nodeEndpoints: NodeEndpoint[];
}

export const shareAcknowledgeCodec: ApiCodec<ShareAcknowledgeRequest, ShareAcknowledgeResponse> = {
  apiKey: 79,
  name: 'ShareAcknowledge',
  minVersion: 1,
  maxVersion: 1,
  flexibleFrom: 0,

  decodeRequest(r: ProtocolReader): ShareAcknowledgeRequest {
    const groupId = r.compactNullableString();
    const memberId = r.compactNullableString();
    const shareSessionEpoch = r.int32();
    const topics = r.compactArray((x) => {
      const topicId = uuidFromBytes(x.uuid());
      const partitions = x.compactArray((y) => {
        const partitionIndex = y.int32();
        const acknowledgementBatches = y.compactArray(readAckBatch);
        y.taggedFields();
        return { partitionIndex, acknowledgementBatches };
      });
      x.taggedFields();
      return { topicId, partitions };
    });
    r.taggedFields();
    return { groupId, memberId, shareSessionEpoch, topics };
  },

  encodeResponse(w: ProtocolWriter, _v: number, res: ShareAcknowledgeResponse): void {
    w.int32(res.throttleTimeMs)
      .int16(res.errorCode)
      .compactNullableString(res.errorMessage)
      .compactArray(res.responses, (x, t) => {
        x.uuid(uuidToBytes(t.topicId))
          .compactArray(t.partitions, (y, p) => {
            y.int32(p.partitionIndex).int16(p.errorCode).compactNullableString(p.errorMessage);
            writeLeader(y, p.currentLeader);
            y.taggedFields();
          })
          .taggedFields();
      })
      .compactArray(res.nodeEndpoints, writeNodeEndpoint)
      .taggedFields();
  },

  encodeRequest(w: ProtocolWriter, _v: number, req: ShareAcknowledgeRequest): void {
    w.compactNullableString(req.groupId)
      .compactNullableString(req.memberId)
      .int32(req.shareSessionEpoch)
      .compactArray(req.topics, (x, t) => {
        x.uuid(uuidToBytes(t.topicId))
          .compactArray(t.partitions, (y, p) => {
            y.int32(p.partitionIndex).compactArray(p.acknowledgementBatches, writeAckBatch).taggedFields();
          })
          .taggedFields();
      })
      .taggedFields();
  },

  decodeResponse(r: ProtocolReader): ShareAcknowledgeResponse {
    const throttleTimeMs = r.int32();
    const errorCode = r.int16();
    const errorMessage = r.compactNullableString();
    const responses = r.compactArray((x) => {
      const topicId = uuidFromBytes(x.uuid());
      const partitions = x.compactArray((y) => {
        const partitionIndex = y.int32();
        const errorCode = y.int16();
        const errorMessage = y.compactNullableString();
        const currentLeader = readLeader(y);
        y.taggedFields();
        return { partitionIndex, errorCode, errorMessage, currentLeader };
      });
      x.taggedFields();
      return { topicId, partitions };
    });
    const nodeEndpoints = r.compactArray(readNodeEndpoint);
    r.taggedFields();
    return { throttleTimeMs, errorCode, errorMessage, responses, nodeEndpoints };
  },
};
