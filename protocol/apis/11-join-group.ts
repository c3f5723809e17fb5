// JoinGroup (key 11), versions 0-5 (non-flexible; flexible starts at 6).
//
// Request v0 => group_id session_timeout_ms member_id protocol_type [protocols]
// v1+ adds rebalance_timeout_ms after session_timeout_ms; v5 adds group_instance_id
// (NULLABLE_STRING) after member_id.
//   protocols => name metadata (BYTES: the assignor's subscription)
//
// Response v0-1 => error_code generation_id protocol_name leader member_id [members]
// v2+ => throttle_time_ms first. v5 members carry group_instance_id.
//   members => member_id [group_instance_id v5+] metadata
// v4+: a join with an empty member_id is answered MEMBER_ID_REQUIRED (79) carrying the new
// member_id; the client joins again with it.
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface JoinGroupProtocol {
  name: string;
  metadata: Buffer;
}
export interface JoinGroupRequest {
  groupId: string;
  sessionTimeoutMs: number;
  /** v0 has no rebalance timeout: Kafka uses the session timeout. */
  rebalanceTimeoutMs: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: JoinGroupProtocol[];
}
export interface JoinGroupResponseMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}
export interface JoinGroupResponse {
  throttleTimeMs: number;
  errorCode: number;
  generationId: number;
  protocolName: string;
  leader: string;
  memberId: string;
  members: JoinGroupResponseMember[];
}

export const joinGroupCodec: ApiCodec<JoinGroupRequest, JoinGroupResponse> = {
  apiKey: 11,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 5,
  flexibleFrom: Infinity,

  decodeRequest(r: ProtocolReader, version: number): JoinGroupRequest {
    const groupId = r.string();
    const sessionTimeoutMs = r.int32();
    const rebalanceTimeoutMs = version >= 1 ? r.int32() : sessionTimeoutMs;
    const memberId = r.string();
    const groupInstanceId = version >= 5 ? r.nullableString() : null;
    const protocolType = r.string();
    const protocols = r.array((p) => ({ name: p.string(), metadata: Buffer.from(p.bytes()) }));
    return { groupId, sessionTimeoutMs, rebalanceTimeoutMs, memberId, groupInstanceId, protocolType, protocols };
  },

  encodeResponse(w: ProtocolWriter, version: number, res: JoinGroupResponse): void {
    if (version >= 2) w.int32(res.throttleTimeMs);
    w.int16(res.errorCode).int32(res.generationId).string(res.protocolName).string(res.leader).string(res.memberId);
    w.array(res.members, (mw, m) => {
      mw.string(m.memberId);
      if (version >= 5) mw.nullableString(m.groupInstanceId);
      mw.bytes(m.metadata);
    });
  },

  encodeRequest(w: ProtocolWriter, version: number, req: JoinGroupRequest): void {
    w.string(req.groupId).int32(req.sessionTimeoutMs);
    if (version >= 1) w.int32(req.rebalanceTimeoutMs);
    w.string(req.memberId);
    if (version >= 5) w.nullableString(req.groupInstanceId);
    w.string(req.protocolType);
    w.array(req.protocols, (pw, p) => pw.string(p.name).bytes(p.metadata));
  },

  decodeResponse(r: ProtocolReader, version: number): JoinGroupResponse {
    const throttleTimeMs = version >= 2 ? r.int32() : 0;
    const errorCode = r.int16();
    const generationId = r.int32();
    const protocolName = r.string();
    const leader = r.string();
    const memberId = r.string();
    const members = r.array((m) => {
      const id = m.string();
      const groupInstanceId = version >= 5 ? m.nullableString() : null;
      return { memberId: id, groupInstanceId, metadata: Buffer.from(m.bytes()) };
    });
    return { throttleTimeMs, errorCode, generationId, protocolName, leader, memberId, members };
  },
};
