// ShareGroupDescribe (key 77), version 1 (KIP-932; v0 was Kafka 4.0's early access). Flexible.
//
// Request => [group_ids STRING] include_authorized_operations BOOLEAN
// Response => throttle_time_ms INT32 [groups]
//   groups => error_code INT16 error_message NULLABLE_STRING group_id STRING group_state STRING
//     group_epoch INT32 assignment_epoch INT32 assignor_name STRING [members]
//     authorized_operations INT32 (INT32_MIN = not computed)
//   members => member_id STRING rack_id NULLABLE_STRING member_epoch INT32 client_id STRING
//     client_host STRING [subscribed_topic_names STRING] assignment
//   assignment => [topic_partitions] ; topic_partitions => topic_id UUID topic_name STRING [partitions INT32]
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';
import { uuidFromBytes, uuidToBytes } from '../primitives/uuid.js';

export interface ShareGroupDescribeRequest {
  groupIds: string[];
  includeAuthorizedOperations: boolean;
}
export interface ShareTopicPartitions {
  topicId: string;
  topicName: string;
  partitions: number[];
}
export interface ShareGroupMemberDescription {
  memberId: string;
  rackId: string | null;
  memberEpoch: number;
  clientId: string;
  clientHost: string;
  subscribedTopicNames: string[];
  assignment: ShareTopicPartitions[];
}
export interface ShareGroupDescription {
  errorCode: number;
  errorMessage: string | null;
  groupId: string;
  groupState: string;
  groupEpoch: number;
  assignmentEpoch: number;
  assignorName: string;
  members: ShareGroupMemberDescription[];
  authorizedOperations: number;
}
export interface ShareGroupDescribeResponse {
  throttleTimeMs: number;
  groups: ShareGroupDescription[];
}

const readTp = (r: ProtocolReader): ShareTopicPartitions => {
  const topicId = uuidFromBytes(r.uuid());
  const topicName = r.compactString();
  const partitions = r.compactArray((x) => x.int32());
  r.taggedFields();
  return { topicId, topicName, partitions };
};
const writeTp = (w: ProtocolWriter, t: ShareTopicPartitions): void => {
  w.uuid(uuidToBytes(t.topicId)).compactString(t.topicName);
  w.compactArray(t.partitions, (x, p) => x.int32(p)).taggedFields();
};

const readMember = (r: ProtocolReader): ShareGroupMemberDescription => {
  const memberId = r.compactString();
  const rackId = r.compactNullableString();
  const memberEpoch = r.int32();
  const clientId = r.compactString();
  const clientHost = r.compactString();
  const subscribedTopicNames = r.compactArray((x) => x.compactString());
  const assignment = r.compactArray(readTp);
  r.taggedFields(); // assignment struct
  r.taggedFields();
  return { memberId, rackId, memberEpoch, clientId, clientHost, subscribedTopicNames, assignment };
};
const writeMember = (w: ProtocolWriter, m: ShareGroupMemberDescription): void => {
  w.compactString(m.memberId)
    .compactNullableString(m.rackId)
    .int32(m.memberEpoch)
    .compactString(m.clientId)
    .compactString(m.clientHost)
    .compactArray(m.subscribedTopicNames, (x, s) => x.compactString(s))
    .compactArray(m.assignment, writeTp)
    .taggedFields()
    .taggedFields();
};

const readGroup = (r: ProtocolReader): ShareGroupDescription => {
  const errorCode = r.int16();
  const errorMessage = r.compactNullableString();
  const groupId = r.compactString();
  const groupState = r.compactString();
  const groupEpoch = r.int32();
  const assignmentEpoch = r.int32();
  const assignorName = r.compactString();
  const members = r.compactArray(readMember);
  const authorizedOperations = r.int32();
  r.taggedFields();
  return {
    errorCode,
    errorMessage,
    groupId,
    groupState,
    groupEpoch,
    assignmentEpoch,
    assignorName,
    members,
    authorizedOperations,
  };
};
const writeGroup = (w: ProtocolWriter, g: ShareGroupDescription): void => {
  w.int16(g.errorCode)
    .compactNullableString(g.errorMessage)
    .compactString(g.groupId)
    .compactString(g.groupState)
    .int32(g.groupEpoch)
    .int32(g.assignmentEpoch)
    .compactString(g.assignorName)
    .compactArray(g.members, writeMember)
    .int32(g.authorizedOperations)
    .taggedFields();
};

export const shareGroupDescribeCodec: ApiCodec<ShareGroupDescribeRequest, ShareGroupDescribeResponse> = {
  apiKey: 77,
  name: 'ShareGroupDescribe',
  minVersion: 1,
  maxVersion: 1,
  flexibleFrom: 0,

  decodeRequest(r: ProtocolReader): ShareGroupDescribeRequest {
    const groupIds = r.compactArray((x) => x.compactString());
    const includeAuthorizedOperations = r.bool();
    r.taggedFields();
    return { groupIds, includeAuthorizedOperations };
  },
  encodeResponse(w: ProtocolWriter, _v: number, res: ShareGroupDescribeResponse): void {
    w.int32(res.throttleTimeMs).compactArray(res.groups, writeGroup).taggedFields();
  },
  encodeRequest(w: ProtocolWriter, _v: number, req: ShareGroupDescribeRequest): void {
    w.compactArray(req.groupIds, (x, g) => x.compactString(g))
      .bool(req.includeAuthorizedOperations)
      .taggedFields();
  },
  decodeResponse(r: ProtocolReader): ShareGroupDescribeResponse {
    const throttleTimeMs = r.int32();
    const groups = r.compactArray(readGroup);
    r.taggedFields();
    return { throttleTimeMs, groups };
  },
};
