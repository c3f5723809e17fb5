// Metadata (key 3), versions 0-12 (flexible from 9).
//
// Request v0 => [topics] (an EMPTY array means all topics); v1+ => [topics] nullable (NULL means
//   all, empty means none); v4+ adds allow_auto_topic_creation BOOLEAN; v8-10 add
//   include_cluster_authorized_operations BOOLEAN; v8+ include_topic_authorized_operations BOOLEAN.
//   topics => (v10+ topic_id UUID) name STRING (NULLABLE from v10: v12+ asks by topic id alone)
// Response => (v3+ throttle_time_ms INT32) [brokers] (v2+ cluster_id NULLABLE_STRING)
//   (v1+ controller_id INT32) [topics] (v8-10 cluster_authorized_operations INT32)
//   brokers => node_id INT32 host STRING port INT32 (v1+ rack NULLABLE_STRING)
//   topics => error_code INT16 name STRING (nullable v12+) (v10+ topic_id UUID)
//     (v1+ is_internal BOOLEAN) [partitions] (v8+ topic_authorized_operations INT32)
//   partitions => error_code INT16 partition_index INT32 leader_id INT32 (v7+ leader_epoch INT32)
//     [replica_nodes INT32] [isr_nodes INT32] (v5+ [offline_replicas INT32])
// Flexible versions use compact strings/arrays and a tagged-field buffer after every struct.
// Topic ids are carried as UUID strings (protocol/primitives/uuid.ts); the zero UUID means none.
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';
import { ZERO_UUID, uuidFromBytes, uuidToBytes } from '../primitives/uuid.js';

export interface MetadataRequest {
  /** Topics asked for by name; null = all topics. */
  topics: string[] | null;
  allowAutoTopicCreation: boolean;
  /** v12+: topics asked for by id alone (their name was null). Absent when none. */
  topicIds?: string[];
  /** v8+ (default false). */
  includeTopicAuthorizedOperations?: boolean;
}
export interface MetadataBroker {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}
export interface MetadataPartition {
  errorCode: number;
  partitionIndex: number;
  leaderId: number;
  /** v7+ (-1 = unknown). */
  leaderEpoch?: number;
  replicaNodes: number[];
  isrNodes: number[];
  offlineReplicas: number[];
}
export interface MetadataTopic {
  errorCode: number;
  /** '' is sent as null in v12+ (a topic id nobody knows). */
  name: string;
  /** v10+ (zero UUID = none). */
  topicId?: string;
  isInternal: boolean;
  partitions: MetadataPartition[];
  /** v8+ (INT32_MIN = not requested). */
  topicAuthorizedOperations?: number;
}
export interface MetadataResponse {
  throttleTimeMs: number;
  brokers: MetadataBroker[];
  clusterId: string | null;
  controllerId: number;
  topics: MetadataTopic[];
  /** v8-10 (INT32_MIN = not requested). */
  clusterAuthorizedOperations?: number;
}

const OPS_UNSET = -2147483648;
const int32s = (r: ProtocolReader, flex: boolean) => r.arr(flex, (x) => x.int32());
const writeInt32s = (w: ProtocolWriter, flex: boolean, xs: number[]) => w.arr(flex, xs, (w2, x) => w2.int32(x));

export const metadataCodec: ApiCodec<MetadataRequest, MetadataResponse> = {
  apiKey: 3,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 12,
  flexibleFrom: 9,

  decodeRequest(r: ProtocolReader, version: number): MetadataRequest {
    const flex = version >= 9;
    const ids: string[] = [];
    let topics = r.nullableArr(flex, (x) => {
      const id = version >= 10 ? uuidFromBytes(x.uuid()) : ZERO_UUID;
      const name = version >= 10 ? x.nullableStr(flex) : x.str(flex);
      x.tags(flex);
      if (name === null) ids.push(id);
      return name;
    });
    if (version === 0 && topics !== null && topics.length === 0) topics = null;
    const allowAutoTopicCreation = version >= 4 ? r.bool() : true;
    if (version >= 8 && version <= 10) r.bool(); // include_cluster_authorized_operations: not supported
    const includeTopicAuthorizedOperations = version >= 8 ? r.bool() : false;
    r.tags(flex);
    const req: MetadataRequest = {
      topics: topics === null ? null : topics.filter((n): n is string => n !== null),
      allowAutoTopicCreation,
    };
    if (ids.length > 0) req.topicIds = ids;
    if (version >= 8) req.includeTopicAuthorizedOperations = includeTopicAuthorizedOperations;
    return req;
  },

  encodeResponse(w: ProtocolWriter, version: number, res: MetadataResponse): void {
    const flex = version >= 9;
    if (version >= 3) w.int32(res.throttleTimeMs);
    w.arr(flex, res.brokers, (w2, b) => {
      w2.int32(b.nodeId).str(flex, b.host).int32(b.port);
      if (version >= 1) w2.nullableStr(flex, b.rack);
      w2.tags(flex);
    });
    if (version >= 2) w.nullableStr(flex, res.clusterId);
    if (version >= 1) w.int32(res.controllerId);
    w.arr(flex, res.topics, (w2, t) => {
      w2.int16(t.errorCode);
      if (version >= 12) w2.nullableStr(flex, t.name === '' ? null : t.name);
      else w2.str(flex, t.name);
      if (version >= 10) w2.uuid(uuidToBytes(t.topicId ?? ZERO_UUID));
      if (version >= 1) w2.bool(t.isInternal);
      w2.arr(flex, t.partitions, (w3, p) => {
        w3.int16(p.errorCode).int32(p.partitionIndex).int32(p.leaderId);
        if (version >= 7) w3.int32(p.leaderEpoch ?? -1);
        writeInt32s(w3, flex, p.replicaNodes);
        writeInt32s(w3, flex, p.isrNodes);
        if (version >= 5) writeInt32s(w3, flex, p.offlineReplicas);
        w3.tags(flex);
      });
      if (version >= 8) w2.int32(t.topicAuthorizedOperations ?? OPS_UNSET);
      w2.tags(flex);
    });
    if (version >= 8 && version <= 10) w.int32(res.clusterAuthorizedOperations ?? OPS_UNSET);
    w.tags(flex);
  },

  encodeRequest(w: ProtocolWriter, version: number, req: MetadataRequest): void {
    const flex = version >= 9;
    if (version === 0) w.array(req.topics ?? [], (w2, t) => w2.string(t));
    else {
      const byName = req.topics?.map((name) => ({ id: ZERO_UUID, name: name as string | null })) ?? null;
      const byId = version >= 12 ? (req.topicIds ?? []).map((id) => ({ id, name: null })) : [];
      const all = byName === null && byId.length === 0 ? null : [...(byName ?? []), ...byId];
      w.nullableArr(flex, all, (w2, t) => {
        if (version >= 10) w2.uuid(uuidToBytes(t.id)).nullableStr(flex, t.name);
        else w2.str(flex, t.name ?? '');
        w2.tags(flex);
      });
    }
    if (version >= 4) w.bool(req.allowAutoTopicCreation);
    if (version >= 8 && version <= 10) w.bool(false);
    if (version >= 8) w.bool(req.includeTopicAuthorizedOperations ?? false);
    w.tags(flex);
  },

  decodeResponse(r: ProtocolReader, version: number): MetadataResponse {
    const flex = version >= 9;
    const throttleTimeMs = version >= 3 ? r.int32() : 0;
    const brokers = r.arr(flex, (x) => {
      const b = {
        nodeId: x.int32(),
        host: x.str(flex),
        port: x.int32(),
        rack: version >= 1 ? x.nullableStr(flex) : null,
      };
      x.tags(flex);
      return b;
    });
    const clusterId = version >= 2 ? r.nullableStr(flex) : null;
    const controllerId = version >= 1 ? r.int32() : -1;
    const topics = r.arr(flex, (x) => {
      const errorCode = x.int16();
      const name = (version >= 12 ? x.nullableStr(flex) : x.str(flex)) ?? '';
      const topicId = version >= 10 ? uuidFromBytes(x.uuid()) : undefined;
      const isInternal = version >= 1 ? x.bool() : false;
      const partitions = x.arr(flex, (y) => {
        const errorCode2 = y.int16();
        const partitionIndex = y.int32();
        const leaderId = y.int32();
        const leaderEpoch = version >= 7 ? y.int32() : undefined;
        const p: MetadataPartition = {
          errorCode: errorCode2,
          partitionIndex,
          leaderId,
          replicaNodes: int32s(y, flex),
          isrNodes: int32s(y, flex),
          offlineReplicas: version >= 5 ? int32s(y, flex) : [],
        };
        if (leaderEpoch !== undefined) p.leaderEpoch = leaderEpoch;
        y.tags(flex);
        return p;
      });
      const t: MetadataTopic = { errorCode, name, isInternal, partitions };
      if (topicId !== undefined) t.topicId = topicId;
      if (version >= 8) t.topicAuthorizedOperations = x.int32();
      x.tags(flex);
      return t;
    });
    const res: MetadataResponse = { throttleTimeMs, brokers, clusterId, controllerId, topics };
    if (version >= 8 && version <= 10) res.clusterAuthorizedOperations = r.int32();
    r.tags(flex);
    return res;
  },
};
