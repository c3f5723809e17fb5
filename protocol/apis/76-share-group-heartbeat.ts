// ShareGroupHeartbeat (key 76), version 1 (KIP-932; v0 was Kafka 4.0's early access and is gone).
// Every version is flexible.
//
// Request => group_id STRING member_id STRING member_epoch INT32 rack_id NULLABLE_STRING
//   subscribed_topic_names [STRING] (nullable: unchanged since the last heartbeat)
//   member_epoch: 0 = join, -1 = leave. The member generates its own id (librdkafka 2.15 does).
// Response => throttle_time_ms INT32 error_code INT16 error_message NULLABLE_STRING
//   member_id NULLABLE_STRING member_epoch INT32 heartbeat_interval_ms INT32
//   assignment (nullable struct: int8 -1 = null, 1 = present) => [topic_partitions] TAG_BUFFER
//     topic_partitions => topic_id UUID [partitions INT32] TAG_BUFFER
// Unlike ConsumerGroupHeartbeat there is no rebalance timeout, instance id, assignor or owned
// partitions: share assignments need no revocation, the member takes its assignment at once.
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';
import { uuidFromBytes, uuidToBytes } from '../primitives/uuid.js';
import type { TopicIdPartitions } from './68-consumer-group-heartbeat.js';

export interface ShareGroupHeartbeatRequest {
  groupId: string;
  memberId: string;
  memberEpoch: number;
  rackId: string | null;
  subscribedTopicNames: string[] | null;
}
export interface ShareGroupHeartbeatResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  memberId: string | null;
  memberEpoch: number;
  heartbeatIntervalMs: number;
  /** null = unchanged since the member's last heartbeat. */
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

export const shareGroupHeartbeatCodec: ApiCodec<ShareGroupHeartbeatRequest, ShareGroupHeartbeatResponse> = {
  apiKey: 76,
  name: 'ShareGroupHeartbeat',
  minVersion: 1,
  maxVersion: 1,
  flexibleFrom: 0,

  decodeRequest(r: ProtocolReader): ShareGroupHeartbeatRequest {
    const groupId = r.compactString();
    const memberId = r.compactString();
    const memberEpoch = r.int32();
    const rackId = r.compactNullableString();
    const subscribedTopicNames = r.compactNullableArray((x) => x.compactString());
    r.taggedFields();
    return { groupId, memberId, memberEpoch, rackId, subscribedTopicNames };
  },

  encodeResponse(w: ProtocolWriter, _version: number, res: ShareGroupHeartbeatResponse): void {
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

  encodeRequest(w: ProtocolWriter, _version: number, req: ShareGroupHeartbeatRequest): void {
    w.compactString(req.groupId)
      .compactString(req.memberId)
      .int32(req.memberEpoch)
      .compactNullableString(req.rackId)
      .compactNullableArray(req.subscribedTopicNames, (x, s) => x.compactString(s))
      .taggedFields();
  },

  decodeResponse(r: ProtocolReader): ShareGroupHeartbeatResponse {
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
