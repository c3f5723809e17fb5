// OffsetFetch (key 9), versions 1-9 (flexible from 6: compact strings/arrays, tagged fields).
//
// Request v1-7 => group_id [topics] (v7+ require_stable BOOLEAN)
//   topics => name [partition_indexes INT32]
// v2+: topics is nullable; null asks for every partition the group has committed.
// v8+ => [groups] require_stable
//   groups => group_id (v9+ member_id NULLABLE_STRING member_epoch INT32) [topics] (nullable)
//   v9 (KIP-848): a consumer-protocol member names itself and its epoch (-1 / null = not a member).
//
// Response v1-2 => [topics] (v2 adds a top-level error_code at the end)
// v3-7 => throttle_time_ms [topics] error_code
//   topics => name [partitions]
//     partitions => partition_index committed_offset [committed_leader_epoch v5+] metadata error_code
//   committed_offset INT64 (-1 = nothing committed, with error_code 0), metadata NULLABLE_STRING
// v8+ => throttle_time_ms [groups]; groups => group_id [topics] error_code (same topics layout)
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface OffsetFetchRequestTopic {
  name: string;
  partitionIndexes: number[];
}
export interface OffsetFetchRequestGroup {
  groupId: string;
  /** v9+: the asking consumer-protocol member (null = not a member). */
  memberId: string | null;
  /** v9+ (-1 = not a member). */
  memberEpoch: number;
  topics: OffsetFetchRequestTopic[] | null;
}
export interface OffsetFetchRequest {
  /** v1-7: the one group (v8+: '' and the groups are in `groups`). */
  groupId: string;
  /** null (v2+) means all committed partitions. */
  topics: OffsetFetchRequestTopic[] | null;
  /** v7+ (absent before). */
  requireStable?: boolean;
  /** v8+: every group asked for. */
  groups?: OffsetFetchRequestGroup[];
}
export interface OffsetFetchResponsePartition {
  partitionIndex: number;
  committedOffset: number;
  committedLeaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}
export interface OffsetFetchResponseTopic {
  name: string;
  partitions: OffsetFetchResponsePartition[];
}
export interface OffsetFetchResponseGroup {
  groupId: string;
  topics: OffsetFetchResponseTopic[];
  errorCode: number;
}
export interface OffsetFetchResponse {
  throttleTimeMs: number;
  /** v1-7: the one group's answer. */
  topics: OffsetFetchResponseTopic[];
  errorCode: number;
  /** v8+: one answer per group asked for. */
  groups?: OffsetFetchResponseGroup[];
}

function readTopics(r: ProtocolReader, version: number, flex: boolean): OffsetFetchRequestTopic[] | null {
  const readTopic = (t: ProtocolReader) => {
    const x = { name: t.str(flex), partitionIndexes: t.arr(flex, (p) => p.int32()) };
    t.tags(flex);
    return x;
  };
  return version >= 2 ? r.nullableArr(flex, readTopic) : r.arr(flex, readTopic);
}

function writeTopics(w: ProtocolWriter, flex: boolean, topics: OffsetFetchRequestTopic[] | null): void {
  w.nullableArr(flex, topics, (tw, t) => {
    tw.str(flex, t.name);
    tw.arr(flex, t.partitionIndexes, (pw, p) => pw.int32(p));
    tw.tags(flex);
  });
}

function writeResponseTopics(w: ProtocolWriter, version: number, flex: boolean, topics: OffsetFetchResponseTopic[]) {
  w.arr(flex, topics, (tw, t) => {
    tw.str(flex, t.name);
    tw.arr(flex, t.partitions, (pw, p) => {
      pw.int32(p.partitionIndex).int64(p.committedOffset);
      if (version >= 5) pw.int32(p.committedLeaderEpoch);
      pw.nullableStr(flex, p.metadata).int16(p.errorCode).tags(flex);
    });
    tw.tags(flex);
  });
}

function readResponseTopics(r: ProtocolReader, version: number, flex: boolean): OffsetFetchResponseTopic[] {
  return r.arr(flex, (t) => {
    const name = t.str(flex);
    const partitions = t.arr(flex, (p) => {
      const partitionIndex = p.int32();
      const committedOffset = p.int64();
      const committedLeaderEpoch = version >= 5 ? p.int32() : -1;
      const metadata = p.nullableStr(flex);
      const errorCode = p.int16();
      p.tags(flex);
      return { partitionIndex, committedOffset, committedLeaderEpoch, metadata, errorCode };
    });
    t.tags(flex);
    return { name, partitions };
  });
}

export const offsetFetchCodec: ApiCodec<OffsetFetchRequest, OffsetFetchResponse> = {
  apiKey: 9,
  name: 'OffsetFetch',
  minVersion: 1,
  maxVersion: 9,
  flexibleFrom: 6,

  decodeRequest(r: ProtocolReader, version: number): OffsetFetchRequest {
    const flex = version >= 6;
    if (version >= 8) {
      const groups = r.arr(flex, (g) => {
        const groupId = g.str(flex);
        const memberId = version >= 9 ? g.nullableStr(flex) : null;
        const memberEpoch = version >= 9 ? g.int32() : -1;
        const topics = readTopics(g, version, flex);
        g.tags(flex);
        return { groupId, memberId, memberEpoch, topics };
      });
      const requireStable = r.bool();
      r.tags(flex);
      return { groupId: '', topics: null, requireStable, groups };
    }
    const groupId = r.str(flex);
    const topics = readTopics(r, version, flex);
    const req: OffsetFetchRequest = { groupId, topics };
    if (version >= 7) req.requireStable = r.bool();
    r.tags(flex);
    return req;
  },

  encodeResponse(w: ProtocolWriter, version: number, res: OffsetFetchResponse): void {
    const flex = version >= 6;
    if (version >= 3) w.int32(res.throttleTimeMs);
    if (version >= 8) {
      w.arr(flex, res.groups ?? [], (gw, g) => {
        gw.str(flex, g.groupId);
        writeResponseTopics(gw, version, flex, g.topics);
        gw.int16(g.errorCode).tags(flex);
      });
    } else {
      writeResponseTopics(w, version, flex, res.topics);
      if (version >= 2) w.int16(res.errorCode);
    }
    w.tags(flex);
  },

  encodeRequest(w: ProtocolWriter, version: number, req: OffsetFetchRequest): void {
    const flex = version >= 6;
    if (version >= 8) {
      const groups = req.groups ?? [{ groupId: req.groupId, memberId: null, memberEpoch: -1, topics: req.topics }];
      w.arr(flex, groups, (gw, g) => {
        gw.str(flex, g.groupId);
        if (version >= 9) gw.nullableStr(flex, g.memberId).int32(g.memberEpoch);
        writeTopics(gw, flex, g.topics);
        gw.tags(flex);
      });
      w.bool(req.requireStable ?? false).tags(flex);
      return;
    }
    w.str(flex, req.groupId);
    writeTopics(w, flex, version >= 2 ? req.topics : (req.topics ?? []));
    if (version >= 7) w.bool(req.requireStable ?? false);
    w.tags(flex);
  },

  decodeResponse(r: ProtocolReader, version: number): OffsetFetchResponse {
    const flex = version >= 6;
    const throttleTimeMs = version >= 3 ? r.int32() : 0;
    if (version >= 8) {
      const groups = r.arr(flex, (g) => {
        const groupId = g.str(flex);
        const topics = readResponseTopics(g, version, flex);
        const errorCode = g.int16();
        g.tags(flex);
        return { groupId, topics, errorCode };
      });
      r.tags(flex);
      return { throttleTimeMs, topics: groups[0]?.topics ?? [], errorCode: groups[0]?.errorCode ?? 0, groups };
    }
    const topics = readResponseTopics(r, version, flex);
    const errorCode = version >= 2 ? r.int16() : 0;
    r.tags(flex);
    return { throttleTimeMs, topics, errorCode };
  },
};
