// ConsumerGroupDescribe (key 69), versions 0-1 (KIP-848; every version is flexible).
//
// Request => [group_ids STRING] include_authorized_operations BOOLEAN
// Response => throttle_time_ms INT32 [groups]
//   groups => error_code INT16 error_message NULLABLE_STRING group_id STRING group_state STRING
//     group_epoch INT32 assignment_epoch INT32 assignor_name STRING [members]
//     authorized_operations INT32 (INT32_MIN = not requested)
//   members => member_id instance_id NULLABLE_STRING rack_id NULLABLE_STRING member_epoch INT32
//     client_id client_host [subscribed_topic_names STRING] subscribed_topic_regex NULLABLE_STRING
//     assignment target_assignment (v1+ member_type INT8: -1 unknown, 0 classic, 1 consumer)
//   assignment => [topic_partitions] TAG_BUFFER
//     topic_partitions => topic_id UUID topic_name STRING [partitions INT32] TAG_BUFFER
// group_state is one of Empty, Assigning, Reconciling, Stable, Dead. An unknown group id answers
// GROUP_ID_NOT_FOUND; a classic group's id answers GROUP_ID_NOT_FOUND with a message saying so.
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';
import { uuidFromBytes, uuidToBytes } from '../primitives/uuid.js';

export interface ConsumerGroupDescribeRequest {
  groupIds: string[];
  includeAuthorizedOperations: boolean;
}
export interface DescribedTopicPartitions {
  topicId: string;
  topicName: string;
  partitions: number[];
}
export interface ConsumerGroupDescribeMember {
  memberId: string;
  instanceId: string | null;
  rackId: string | null;
  memberEpoch: number;
  clientId: string;
  clientHost: string;
  subscribedTopicNames: string[];
  subscribedTopicRegex: string | null;
  assignment: DescribedTopicPartitions[];
  targetAssignment: DescribedTopicPartitions[];
  /** v1+: -1 unknown, 0 classic, 1 consumer. */
  memberType: number;
}
export interface ConsumerGroupDescribeGroup {
  errorCode: number;
  errorMessage: string | null;
  groupId: string;
  groupState: string;
  groupEpoch: number;
  assignmentEpoch: number;
  assignorName: string;
  members: ConsumerGroupDescribeMember[];
  authorizedOperations: number;
}
export interface ConsumerGroupDescribeResponse {
  throttleTimeMs: number;
  groups: ConsumerGroupDescribeGroup[];
}

const writeAssignment = (w: ProtocolWriter, a: DescribedTopicPartitions[]): void => {
  w.compactArray(a, (x, t) => {
    x.uuid(uuidToBytes(t.topicId)).compactString(t.topicName);
    x.compactArray(t.partitions, (y, p) => y.int32(p)).taggedFields();
  });
  w.taggedFields();
};
const readAssignment = (r: ProtocolReader): DescribedTopicPartitions[] => {
  const a = r.compactArray((x) => {
    const t = {
      topicId: uuidFromBytes(x.uuid()),
      topicName: x.compactString(),
      partitions: x.compactArray((y) => y.int32()),
    };
    x.taggedFields();
    return t;
  });
  r.taggedFields();
  return a;
};

export const consumerGroupDescribeCodec: ApiCodec<ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse> = {
  apiKey: 69,
  name: 'ConsumerGroupDescribe',
  minVersion: 0,
  maxVersion: 1,
  flexibleFrom: 0,

  decodeRequest(r: ProtocolReader): ConsumerGroupDescribeRequest {
    const groupIds = r.compactArray((x) => x.compactString());
    const includeAuthorizedOperations = r.bool();
    r.taggedFields();
    return { groupIds, includeAuthorizedOperations };
  },

  encodeResponse(w: ProtocolWriter, version: number, res: ConsumerGroupDescribeResponse): void {
    w.int32(res.throttleTimeMs);
    w.compactArray(res.groups, (gw, g) => {
      gw.int16(g.errorCode)
        .compactNullableString(g.errorMessage)
        .compactString(g.groupId)
        .compactString(g.groupState)
        .int32(g.groupEpoch)
        .int32(g.assignmentEpoch)
        .compactString(g.assignorName);
      gw.compactArray(g.members, (mw, m) => {
        mw.compactString(m.memberId)
          .compactNullableString(m.instanceId)
          .compactNullableString(m.rackId)
          .int32(m.memberEpoch)
          .compactString(m.clientId)
          .compactString(m.clientHost)
          .compactArray(m.subscribedTopicNames, (x, s) => x.compactString(s))
          .compactNullableString(m.subscribedTopicRegex);
        writeAssignment(mw, m.assignment);
        writeAssignment(mw, m.targetAssignment);
        if (version >= 1) mw.int8(m.memberType);
        mw.taggedFields();
      });
      gw.int32(g.authorizedOperations).taggedFields();
    });
    w.taggedFields();
  },

  encodeRequest(w: ProtocolWriter, _version: number, req: ConsumerGroupDescribeRequest): void {
    w.compactArray(req.groupIds, (x, s) => x.compactString(s))
      .bool(req.includeAuthorizedOperations)
      .taggedFields();
  },

  decodeResponse(r: ProtocolReader, version: number): ConsumerGroupDescribeResponse {
    const throttleTimeMs = r.int32();
    const groups = r.compactArray((g) => {
      const errorCode = g.int16();
      const errorMessage = g.compactNullableString();
      const groupId = g.compactString();
      const groupState = g.compactString();
      const groupEpoch = g.int32();
      const assignmentEpoch = g.int32();
      const assignorName = g.compactString();
      const members = g.compactArray((m) => {
        const member = {
          memberId: m.compactString(),
          instanceId: m.compactNullableString(),
          rackId: m.compactNullableString(),
          memberEpoch: m.int32(),
          clientId: m.compactString(),
          clientHost: m.compactString(),
          subscribedTopicNames: m.compactArray((x) => x.compactString()),
          subscribedTopicRegex: m.compactNullableString(),
          assignment: readAssignment(m),
          targetAssignment: readAssignment(m),
          memberType: version >= 1 ? m.int8() : -1,
        };
        m.taggedFields();
        return member;
      });
      const authorizedOperations = g.int32();
      g.taggedFields();
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
    });
    r.taggedFields();
    return { throttleTimeMs, groups };
  },
};
