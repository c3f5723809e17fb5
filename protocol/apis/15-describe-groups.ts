// DescribeGroups (key 15), versions 0-2 (non-flexible; v3 adds authorized operations, flexible from 5).
//
// Request => [groups STRING]
// Response v0 => [groups]; v1+ => throttle_time_ms [groups]
//   groups => error_code group_id group_state protocol_type protocol_data [members]
//     members => member_id client_id client_host member_metadata (BYTES) member_assignment (BYTES)
//   group_state is Kafka's state name (Empty, PreparingRebalance, CompletingRebalance, Stable, Dead);
//   an unknown group is described as Dead with no error.
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface DescribeGroupsRequest {
  groups: string[];
}
export interface DescribedGroupMember {
  memberId: string;
  clientId: string;
  clientHost: string;
  memberMetadata: Buffer;
  memberAssignment: Buffer;
}
export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  groupState: string;
  protocolType: string;
  protocolData: string;
  members: DescribedGroupMember[];
}
export interface DescribeGroupsResponse {
  throttleTimeMs: number;
  groups: DescribedGroup[];
}

export const describeGroupsCodec: ApiCodec<DescribeGroupsRequest, DescribeGroupsResponse> = {
  apiKey: 15,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 2,
  flexibleFrom: Infinity,

  decodeRequest(r: ProtocolReader): DescribeGroupsRequest {
    return { groups: r.array((g) => g.string()) };
  },

  encodeResponse(w: ProtocolWriter, version: number, res: DescribeGroupsResponse): void {
    if (version >= 1) w.int32(res.throttleTimeMs);
    w.array(res.groups, (gw, g) => {
      gw.int16(g.errorCode).string(g.groupId).string(g.groupState).string(g.protocolType).string(g.protocolData);
      gw.array(g.members, (mw, m) =>
        mw.string(m.memberId).string(m.clientId).string(m.clientHost).bytes(m.memberMetadata).bytes(m.memberAssignment),
      );
    });
  },

  encodeRequest(w: ProtocolWriter, _version: number, req: DescribeGroupsRequest): void {
    w.array(req.groups, (gw, g) => gw.string(g));
  },

  decodeResponse(r: ProtocolReader, version: number): DescribeGroupsResponse {
    const throttleTimeMs = version >= 1 ? r.int32() : 0;
    const groups = r.array((g) => ({
      errorCode: g.int16(),
      groupId: g.string(),
      groupState: g.string(),
      protocolType: g.string(),
      protocolData: g.string(),
      members: g.array((m) => ({
        memberId: m.string(),
        clientId: m.string(),
        clientHost: m.string(),
        memberMetadata: Buffer.from(m.bytes()),
        memberAssignment: Buffer.from(m.bytes()),
      })),
    }));
    return { throttleTimeMs, groups };
  },
};
