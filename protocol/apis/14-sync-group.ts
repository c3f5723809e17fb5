// SyncGroup (key 14), versions 0-3 (non-flexible; flexible starts at 4).
//
// Request => group_id generation_id member_id [group_instance_id v3+] [assignments]
//   assignments => member_id assignment (BYTES); only the leader sends them
// Response v0 => error_code assignment; v1+ => throttle_time_ms error_code assignment
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface SyncGroupAssignment {
  memberId: string;
  assignment: Buffer;
}
export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  assignments: SyncGroupAssignment[];
}
export interface SyncGroupResponse {
  throttleTimeMs: number;
  errorCode: number;
  assignment: Buffer;
}

export const syncGroupCodec: ApiCodec<SyncGroupRequest, SyncGroupResponse> = {
  apiKey: 14,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 3,
  flexibleFrom: Infinity,

  decodeRequest(r: ProtocolReader, version: number): SyncGroupRequest {
    const groupId = r.string();
    const generationId = r.int32();
    const memberId = r.string();
    const groupInstanceId = version >= 3 ? r.nullableString() : null;
    const assignments = r.array((a) => ({ memberId: a.string(), assignment: Buffer.from(a.bytes()) }));
    return { groupId, generationId, memberId, groupInstanceId, assignments };
  },

  encodeResponse(w: ProtocolWriter, version: number, res: SyncGroupResponse): void {
    if (version >= 1) w.int32(res.throttleTimeMs);
    w.int16(res.errorCode).bytes(res.assignment);
  },

  encodeRequest(w: ProtocolWriter, version: number, req: SyncGroupRequest): void {
    w.string(req.groupId).int32(req.generationId).string(req.memberId);
    if (version >= 3) w.nullableString(req.groupInstanceId);
    w.array(req.assignments, (aw, a) => aw.string(a.memberId).bytes(a.assignment));
  },

  decodeResponse(r: ProtocolReader, version: number): SyncGroupResponse {
    const throttleTimeMs = version >= 1 ? r.int32() : 0;
    const errorCode = r.int16();
    return { throttleTimeMs, errorCode, assignment: Buffer.from(r.bytes()) };
  },
};
