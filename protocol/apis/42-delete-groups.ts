// DeleteGroups (key 42), versions 0-1 (non-flexible; flexible starts at 2).
//
// Request => [groups_names STRING]
// Response => throttle_time_ms [results]
//   results => group_id error_code
//   NON_EMPTY_GROUP (68) while the group has members, GROUP_ID_NOT_FOUND (69) for unknown groups.
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface DeleteGroupsRequest {
  groupsNames: string[];
}
export interface DeleteGroupsResponse {
  throttleTimeMs: number;
  results: { groupId: string; errorCode: number }[];
}

export const deleteGroupsCodec: ApiCodec<DeleteGroupsRequest, DeleteGroupsResponse> = {
  apiKey: 42,
  name: 'DeleteGroups',
  minVersion: 0,
  maxVersion: 1,
  flexibleFrom: Infinity,

  decodeRequest(r: ProtocolReader): DeleteGroupsRequest {
    return { groupsNames: r.array((g) => g.string()) };
  },

  encodeResponse(w: ProtocolWriter, _version: number, res: DeleteGroupsResponse): void {
    w.int32(res.throttleTimeMs);
    w.array(res.results, (rw, x) => rw.string(x.groupId).int16(x.errorCode));
  },

  encodeRequest(w: ProtocolWriter, _version: number, req: DeleteGroupsRequest): void {
    w.array(req.groupsNames, (gw, g) => gw.string(g));
  },

  decodeResponse(r: ProtocolReader): DeleteGroupsResponse {
    const throttleTimeMs = r.int32();
    const results = r.array((x) => ({ groupId: x.string(), errorCode: x.int16() }));
    return { throttleTimeMs, results };
  },
};
