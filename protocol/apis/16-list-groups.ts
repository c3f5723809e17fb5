// ListGroups (key 16), versions 0-5 (flexible from 3).
//
// Request v0-3 => (empty); v4+ => [states_filter STRING]; v5+ => [types_filter STRING]
//   (an empty filter matches every group; states are Kafka's names, types "classic" / "consumer",
//   both compared case-insensitively by Kafka)
// Response v0 => error_code [groups]; v1+ => throttle_time_ms error_code [groups]
//   groups => group_id protocol_type (v4+ group_state STRING) (v5+ group_type STRING)
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface ListGroupsRequest {
  /** v4+ (absent or empty = every state). */
  statesFilter?: string[];
  /** v5+ (absent or empty = every type). */
  typesFilter?: string[];
}
export interface ListedGroup {
  groupId: string;
  protocolType: string;
  /** v4+. */
  groupState?: string;
  /** v5+: "classic" or "consumer". */
  groupType?: string;
}
export interface ListGroupsResponse {
  throttleTimeMs: number;
  errorCode: number;
  groups: ListedGroup[];
}

export const listGroupsCodec: ApiCodec<ListGroupsRequest, ListGroupsResponse> = {
  apiKey: 16,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 5,
  flexibleFrom: 3,

  decodeRequest(r: ProtocolReader, version: number): ListGroupsRequest {
    const flex = version >= 3;
    const req: ListGroupsRequest = {};
    if (version >= 4) req.statesFilter = r.arr(flex, (x) => x.str(flex));
    if (version >= 5) req.typesFilter = r.arr(flex, (x) => x.str(flex));
    r.tags(flex);
    return req;
  },

  encodeResponse(w: ProtocolWriter, version: number, res: ListGroupsResponse): void {
    const flex = version >= 3;
    if (version >= 1) w.int32(res.throttleTimeMs);
    w.int16(res.errorCode);
    w.arr(flex, res.groups, (gw, g) => {
      gw.str(flex, g.groupId).str(flex, g.protocolType);
      if (version >= 4) gw.str(flex, g.groupState ?? '');
      if (version >= 5) gw.str(flex, g.groupType ?? '');
      gw.tags(flex);
    });
    w.tags(flex);
  },

  encodeRequest(w: ProtocolWriter, version: number, req: ListGroupsRequest): void {
    const flex = version >= 3;
    if (version >= 4) w.arr(flex, req.statesFilter ?? [], (x, s) => x.str(flex, s));
    if (version >= 5) w.arr(flex, req.typesFilter ?? [], (x, s) => x.str(flex, s));
    w.tags(flex);
  },

  decodeResponse(r: ProtocolReader, version: number): ListGroupsResponse {
    const flex = version >= 3;
    const throttleTimeMs = version >= 1 ? r.int32() : 0;
    const errorCode = r.int16();
    const groups = r.arr(flex, (g) => {
      const x: ListedGroup = { groupId: g.str(flex), protocolType: g.str(flex) };
      if (version >= 4) x.groupState = g.str(flex);
      if (version >= 5) x.groupType = g.str(flex);
      g.tags(flex);
      return x;
    });
    r.tags(flex);
    return { throttleTimeMs, errorCode, groups };
  },
};
