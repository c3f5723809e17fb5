// ConsumerGroupHeartbeat (key 68), versions 0-1 (KIP-848; every version is flexible).
//
// Request => group_id STRING member_id STRING member_epoch INT32 instance_id NULLABLE_STRING
//   rack_id NULLABLE_STRING rebalance_timeout_ms INT32 subscribed_topic_names [STRING] (nullable)
//   (v1+ subscribed_topic_regex NULLABLE_STRING) server_assignor NULLABLE_STRING
//   topic_partitions [topic_id UUID [partitions INT32]] (nullable)
//   member_epoch: 0 = join, -1 = leave, -2 = static member leaving temporarily.
//   Null fields mean "unchanged since the last heartbeat"; a full request sends them all.
// Response => throttle_time_ms INT32 error_code INT16 error_message NULLABLE_STRING
//   member_id NULLABLE_STRING member_epoch INT32 heartbeat_interval_ms INT32
//   assignment (nullable struct: int8 -1 = null, 1 = present) => [topic_partitions] TAG_BUFFER
//     topic_partitions => topic_id UUID [partitions INT32] TAG_BUFFER
// v1 adds the regex and lets the member generate its own member id (librdkafka 2.15 sends v1 only).
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';
import { uuidFromBytes, uuidToBytes } from '../primitives/uuid.js';

export interface TopicIdPartitions {
  /** UUID string. */
  topicId: string;
  partitions: number[];
}
export interface ConsumerGroupHeartbeatRequest {
  groupId: string;
  memberId: string;
  memberEpoch: number;
  instanceId: string | null;
  rackId: string | null;
  /** -1 = unchanged. */
  rebalanceTimeoutMs: number;
  subscribedTopicNames: string[] | null;
  /** v1+. */
  subscribedTopicRegex: string | null;
  serverAssignor: string | null;
  topicPartitions: TopicIdPartitions[] | null;
}
export interface ConsumerGroupHeartbeatResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  memberId: string | null;
  memberEpoch: number;
  heartbeatIntervalMs: number;
  /** null = no change for the member to act on. */
  assignment: TopicIdPartitions[] | null;
}

const readTps = (r: ProtocolReader): TopicIdPartitions => {
  const topicId = uuidFromBytes(r.uuid());
  const partitions = r.compactArray((x) => x.int32());
  r.taggedFields();
  return { topicId, partitions };
};
const writeTps = (w: ProtocolWriter, t: TopicIdPartitions): void => {
  w.uuid(uuidToBytes(t.topicId));
  w.compactArray(t.partitions, (x, p) => x.int32(p));
  w.taggedFields();
};

export const consumerGroupHeartbeatCodec: ApiCodec<ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse> = {
  apiKey: 68,
  name: 'ConsumerGroupHeartbeat',
  minVersion: 0,
  maxVersion: 1,
  flexibleFrom: 0,

  decodeRequest(r: ProtocolReader, version: number): ConsumerGroupHeartbeatRequest {
    const groupId = r.compactString();
    const memberId = r.compactString();
    const memberEpoch = r.int32();
    const instanceId = r.compactNullableString();
    const rackId = r.compactNullableString();
    const rebalanceTimeoutMs = r.int32();
    const subscribedTopicNames = r.compactNullableArray((x) => x.compactString());
    const subscribedTopicRegex = version >= 1 ? r.compactNullableString() : null;
    const serverAssignor = r.compactNullableString();
    const topicPartitions = r.compactNullableArray(readTps);
    r.taggedFields();
    return {
      groupId,
      memberId,
      memberEpoch,
      instanceId,
      rackId,
      rebalanceTimeoutMs,
      subscribedTopicNames,
      subscribedTopicRegex,
      serverAssignor,
      topicPartitions,
    };
  },

  encodeResponse(w: ProtocolWriter, _version: number, res: ConsumerGroupHeartbeatResponse): void {
    w.int32(res.throttleTimeMs)
      .int16(res.errorCode)
      .compactNullableString(res.errorMessage)
      .compactNullableString(res.memberId)
      .int32(res.memberEpoch)
      .int32(res.heartbeatIntervalMs);
    if (res.assignment === null) w.int8(-1);
    else w.int8(1).compactArray(res.assignment, writeTps).taggedFields();
    w.taggedFields();
  },

  encodeRequest(w: ProtocolWriter, version: number, req: ConsumerGroupHeartbeatRequest): void {
    w.compactString(req.groupId)
      .compactString(req.memberId)
      .int32(req.memberEpoch)
      .compactNullableString(req.instanceId)
      .compactNullableString(req.rackId)
      .int32(req.rebalanceTimeoutMs)
      .compactNullableArray(req.subscribedTopicNames, (x, s) => x.compactString(s));
    if (version >= 1) w.compactNullableString(req.subscribedTopicRegex);
    w.compactNullableString(req.serverAssignor).compactNullableArray(req.topicPartitions, writeTps).taggedFields();
  },

  decodeResponse(r: ProtocolReader): ConsumerGroupHeartbeatResponse {
    const throttleTimeMs = r.int32();
    const errorCode = r.int16();
    const errorMessage = r.compactNullableString();
    const memberId = r.compactNullableString();
    const memberEpoch = r.int32();
    const heartbeatIntervalMs = r.int32();
    let assignment: TopicIdPartitions[] | null = null;
    if (r.int8() >= 0) {
      assignment = r.compactArray(readTps);
      r.taggedFields();
    }
    r.taggedFields();
    return { throttleTimeMs, errorCode, errorMessage, memberId, memberEpoch, heartbeatIntervalMs, assignment };
  },
};
