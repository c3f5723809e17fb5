// DescribeGroups (key 15), versions 0-6 (flexible from 5).
//
// Request => [groups STRING] (v3+ include_authorized_operations BOOLEAN)
// Response v0 => [groups]; v1+ => throttle_time_ms [groups]
//   groups => error_code (v6+ error_message NULLABLE_STRING) group_id group_state protocol_type
//     protocol_data [members] (v3+ authorized_operations INT32, INT32_MIN = not requested)
//     members => member_id (v4+ group_instance_id NULLABLE_STRING) client_id client_host
//       member_metadata (BYTES) member_assignment (BYTES)
//   group_state is Kafka's state name (Empty, PreparingRebalance, CompletingRebalance, Stable, Dead).
//   Only classic groups are described: Kafka 4 answers an unknown group, and a consumer-protocol
//   (KIP-848) or share group, Dead with no members; with no error before v6, with GROUP_ID_NOT_FOUND
//   and a message from v6 (KIP-1043).
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface DescribeGroupsRequest {
  groups: string[];
  /** v3+ (absent before). */
  includeAuthorizedOperations?: boolean;
}
export interface DescribedGroupMember {
  memberId: string;
  /** v4+ (absent = null). */
  groupInstanceId?: string | null;
  clientId: string;
  clientHost: string;
  memberMetadata: Buffer;
  memberAssignment: Buffer;
}
export interface DescribedGroup {
  errorCode: number;
  /** v6+ (absent = null). */
  errorMessage?: string | null;
  groupId: string;
  groupState: string;
  protocolType: string;
  protocolData: string;
  members: DescribedGroupMember[];
  /** v3+ (INT32_MIN = not requested). */
  authorizedOperations?: number;
}
export interface DescribeGroupsResponse {
  throttleTimeMs: number;
  groups: DescribedGroup[];
}

const OPS_UNSET = -2147483648;

export const describeGroupsCodec: ApiCodec<DescribeGroupsRequest, DescribeGroupsResponse> = {
  apiKey: 15,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 6,
  flexibleFrom: 5,

  decodeRequest(r: ProtocolReader, version: number): DescribeGroupsRequest {
    const flex = version >= 5;
    const req: DescribeGroupsRequest = { groups: r.arr(flex, (g) => g.str(flex)) };
    if (version >= 3) req.includeAuthorizedOperations = r.bool();
    r.tags(flex);
    return req;
  },

  encodeResponse(w: ProtocolWriter, version: number, res: DescribeGroupsResponse): void {
    const flex = version >= 5;
    if (version >= 1) w.int32(res.throttleTimeMs);
    w.arr(flex, res.groups, (gw, g) => {
      gw.int16(g.errorCode);
      if (version >= 6) gw.nullableStr(flex, g.errorMessage ?? null);
      gw.str(flex, g.groupId).str(flex, g.groupState).str(flex, g.protocolType).str(flex, g.protocolData);
      gw.arr(flex, g.members, (mw, m) => {
        mw.str(flex, m.memberId);
        if (version >= 4) mw.nullableStr(flex, m.groupInstanceId ?? null);
        mw.str(flex, m.clientId)
          .str(flex, m.clientHost)
          .byts(flex, m.memberMetadata)
          .byts(flex, m.memberAssignment)
          .tags(flex);
      });
      if (version >= 3) gw.int32(g.authorizedOperations ?? OPS_UNSET);
      gw.tags(flex);
    });
    w.tags(flex);
  },

  encodeRequest(w: ProtocolWriter, version: number, req: DescribeGroupsRequest): void {
    const flex = version >= 5;
    w.arr(flex, req.groups, (gw, g) => gw.str(flex, g));
    if (version >= 3) w.bool(req.includeAuthorizedOperations ?? false);
    w.tags(flex);
  },

  decodeResponse(r: ProtocolReader, version: number): DescribeGroupsResponse {
    const flex = version >= 5;
    const throttleTimeMs = version >= 1 ? r.int32() : 0;
    const groups = r.arr(flex, (g) => {
      const errorCode = g.int16();
      const errorMessage = version >= 6 ? g.nullableStr(flex) : undefined;
      const groupId = g.str(flex);
      const groupState = g.str(flex);
      const protocolType = g.str(flex);
      const protocolData = g.str(flex);
      const members = g.arr(flex, (m) => {
        const memberId = m.str(flex);
        const groupInstanceId = version >= 4 ? m.nullableStr(flex) : undefined;
        const member: DescribedGroupMember = {
          memberId,
          clientId: m.str(flex),
          clientHost: m.str(flex),
          memberMetadata: Buffer.from(m.byts(flex)),
          memberAssignment: Buffer.from(m.byts(flex)),
        };
        if (groupInstanceId !== undefined) member.groupInstanceId = groupInstanceId;
        m.tags(flex);
        return member;
      });
      const out: DescribedGroup = { errorCode, groupId, groupState, protocolType, protocolData, members };
      if (errorMessage !== undefined) out.errorMessage = errorMessage;
      if (version >= 3) out.authorizedOperations = g.int32();
      g.tags(flex);
      return out;
    });
    r.tags(flex);
    return { throttleTimeMs, groups };
  },
};
