// ListGroups (key 16), versions 0-2 (non-flexible; flexible starts at 3, v4 adds a states filter).
//
// Request => (empty)
// Response v0 => error_code [groups]; v1+ => throttle_time_ms error_code [groups]
//   groups => group_id protocol_type
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export type ListGroupsRequest = Record<string, never>;
export interface ListGroupsResponse {
  throttleTimeMs: number;
  errorCode: number;
  groups: { groupId: string; protocolType: string }[];
}

export const listGroupsCodec: ApiCodec<ListGroupsRequest, ListGroupsResponse> = {
  apiKey: 16,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 2,
  flexibleFrom: Infinity,

  decodeRequest(): ListGroupsRequest {
    return {};
  },

  encodeResponse(w: ProtocolWriter, version: number, res: ListGroupsResponse): void {
    if (version >= 1) w.int32(res.throttleTimeMs);
    w.int16(res.errorCode);
    w.array(res.groups, (gw, g) => gw.string(g.groupId).string(g.protocolType));
  },

  encodeRequest(): void {
    // The request body is empty in v0-2.
  },

  decodeResponse(r: ProtocolReader, version: number): ListGroupsResponse {
    const throttleTimeMs = version >= 1 ? r.int32() : 0;
    const errorCode = r.int16();
    const groups = r.array((g) => ({ groupId: g.string(), protocolType: g.string() }));
    return { throttleTimeMs, errorCode, groups };
  },
};
