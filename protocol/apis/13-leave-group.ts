// LeaveGroup (key 13), versions 0-3 (non-flexible; flexible starts at 4).
//
// Request v0-2 => group_id member_id
// v3 => group_id [members] (batch form, KIP-345)
//   members => member_id group_instance_id (NULLABLE_STRING)
// Response v0 => error_code; v1-2 => throttle_time_ms error_code
// v3 => throttle_time_ms error_code [members]
//   members => member_id group_instance_id error_code
// Decoded v0-2 requests carry their single member in `members`, so the coordinator
// handles one shape.
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface LeaveGroupMember {
  memberId: string;
  groupInstanceId: string | null;
}
export interface LeaveGroupRequest {
  groupId: string;
  members: LeaveGroupMember[];
}
export interface LeaveGroupResponse {
  throttleTimeMs: number;
  errorCode: number;
  members: (LeaveGroupMember & { errorCode: number })[];
}

export const leaveGroupCodec: ApiCodec<LeaveGroupRequest, LeaveGroupResponse> = {
  apiKey: 13,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 3,
  flexibleFrom: Infinity,

  decodeRequest(r: ProtocolReader, version: number): LeaveGroupRequest {
    const groupId = r.string();
    if (version <= 2) return { groupId, members: [{ memberId: r.string(), groupInstanceId: null }] };
    const members = r.array((m) => ({ memberId: m.string(), groupInstanceId: m.nullableString() }));
    return { groupId, members };
  },

  encodeResponse(w: ProtocolWriter, version: number, res: LeaveGroupResponse): void {
    if (version >= 1) w.int32(res.throttleTimeMs);
    w.int16(res.errorCode);
    if (version >= 3) {
      w.array(res.members, (mw, m) => mw.string(m.memberId).nullableString(m.groupInstanceId).int16(m.errorCode));
    }
  },

  encodeRequest(w: ProtocolWriter, version: number, req: LeaveGroupRequest): void {
    w.string(req.groupId);
    if (version <= 2) {
      w.string(req.members[0]?.memberId ?? '');
      return;
    }
    w.array(req.members, (mw, m) => mw.string(m.memberId).nullableString(m.groupInstanceId));
  },

  decodeResponse(r: ProtocolReader, version: number): LeaveGroupResponse {
    const throttleTimeMs = version >= 1 ? r.int32() : 0;
    const errorCode = r.int16();
    const members =
      version >= 3
        ? r.array((m) => ({ memberId: m.string(), groupInstanceId: m.nullableString(), errorCode: m.int16() }))
        : [];
    return { throttleTimeMs, errorCode, members };
  },
};
