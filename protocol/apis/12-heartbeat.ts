// Heartbeat (key 12), versions 0-3 (non-flexible; flexible starts at 4).
//
// Request => group_id generation_id member_id; v3 adds group_instance_id (NULLABLE_STRING)
// Response v0 => error_code; v1+ => throttle_time_ms error_code
//   REBALANCE_IN_PROGRESS (27) tells the member to rejoin; ILLEGAL_GENERATION (22) and
//   UNKNOWN_MEMBER_ID (25) tell it that it was fenced out.
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}
export interface HeartbeatResponse {
  throttleTimeMs: number;
  errorCode: number;
}

export const heartbeatCodec: ApiCodec<HeartbeatRequest, HeartbeatResponse> = {
  apiKey: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 3,
  flexibleFrom: Infinity,

  decodeRequest(r: ProtocolReader, version: number): HeartbeatRequest {
    const groupId = r.string();
    const generationId = r.int32();
    const memberId = r.string();
    const groupInstanceId = version >= 3 ? r.nullableString() : null;
    return { groupId, generationId, memberId, groupInstanceId };
  },

  encodeResponse(w: ProtocolWriter, version: number, res: HeartbeatResponse): void {
    if (version >= 1) w.int32(res.throttleTimeMs);
    w.int16(res.errorCode);
  },

  encodeRequest(w: ProtocolWriter, version: number, req: HeartbeatRequest): void {
    w.string(req.groupId).int32(req.generationId).string(req.memberId);
    if (version >= 3) w.nullableString(req.groupInstanceId);
  },

  decodeResponse(r: ProtocolReader, version: number): HeartbeatResponse {
    const throttleTimeMs = version >= 1 ? r.int32() : 0;
    return { throttleTimeMs, errorCode: r.int16() };
  },
};
