// Metadata (key 3), versions 0-6 (non-flexible; flexible starts at 9).
//
// Request v0 => [topics] (an EMPTY array means all topics); v1+ => [topics] nullable (NULL means
//   all, empty means none); v4+ adds allow_auto_topic_creation BOOLEAN. topics => name STRING
// Response => (v3+ throttle_time_ms INT32) [brokers] (v2+ cluster_id NULLABLE_STRING)
//   (v1+ controller_id INT32) [topics]
//   brokers => node_id INT32 host STRING port INT32 (v1+ rack NULLABLE_STRING)
//   topics => error_code INT16 name STRING (v1+ is_internal BOOLEAN) [partitions]
//   partitions => error_code INT16 partition_index INT32 leader_id INT32 [replica_nodes INT32]
//     [isr_nodes INT32] (v5+ [offline_replicas INT32])
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface MetadataRequest {
  /** null = all topics. */
  topics: string[] | null;
  allowAutoTopicCreation: boolean;
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
  replicaNodes: number[];
  isrNodes: number[];
  offlineReplicas: number[];
}
export interface MetadataTopic {
  errorCode: number;
  name: string;
  isInternal: boolean;
  partitions: MetadataPartition[];
}
export interface MetadataResponse {
  throttleTimeMs: number;
  brokers: MetadataBroker[];
  clusterId: string | null;
  controllerId: number;
  topics: MetadataTopic[];
}

const int32s = (r: ProtocolReader) => r.array((x) => x.int32());
const writeInt32s = (w: ProtocolWriter, xs: number[]) => w.array(xs, (w2, x) => w2.int32(x));

export const metadataCodec: ApiCodec<MetadataRequest, MetadataResponse> = {
  apiKey: 3,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 6,
  flexibleFrom: Infinity,

  decodeRequest(r: ProtocolReader, version: number): MetadataRequest {
    let topics = r.nullableArray((x) => x.string());
    if (version === 0 && topics !== null && topics.length === 0) topics = null;
    const allowAutoTopicCreation = version >= 4 ? r.bool() : true;
    return { topics, allowAutoTopicCreation };
  },

  encodeResponse(w: ProtocolWriter, version: number, res: MetadataResponse): void {
    if (version >= 3) w.int32(res.throttleTimeMs);
    w.array(res.brokers, (w2, b) => {
      w2.int32(b.nodeId).string(b.host).int32(b.port);
      if (version >= 1) w2.nullableString(b.rack);
    });
    if (version >= 2) w.nullableString(res.clusterId);
    if (version >= 1) w.int32(res.controllerId);
    w.array(res.topics, (w2, t) => {
      w2.int16(t.errorCode).string(t.name);
      if (version >= 1) w2.bool(t.isInternal);
      w2.array(t.partitions, (w3, p) => {
        w3.int16(p.errorCode).int32(p.partitionIndex).int32(p.leaderId);
        writeInt32s(w3, p.replicaNodes);
        writeInt32s(w3, p.isrNodes);
        if (version >= 5) writeInt32s(w3, p.offlineReplicas);
      });
    });
  },

  encodeRequest(w: ProtocolWriter, version: number, req: MetadataRequest): void {
    if (version === 0) w.array(req.topics ?? [], (w2, t) => w2.string(t));
    else w.nullableArray(req.topics, (w2, t) => w2.string(t));
    if (version >= 4) w.bool(req.allowAutoTopicCreation);
  },

  decodeResponse(r: ProtocolReader, version: number): MetadataResponse {
    const throttleTimeMs = version >= 3 ? r.int32() : 0;
    const brokers = r.array((x) => ({
      nodeId: x.int32(),
      host: x.string(),
      port: x.int32(),
      rack: version >= 1 ? x.nullableString() : null,
    }));
    const clusterId = version >= 2 ? r.nullableString() : null;
    const controllerId = version >= 1 ? r.int32() : -1;
    const topics = r.array((x) => ({
      errorCode: x.int16(),
      name: x.string(),
      isInternal: version >= 1 ? x.bool() : false,
      partitions: x.array((y) => ({
        errorCode: y.int16(),
        partitionIndex: y.int32(),
        leaderId: y.int32(),
        replicaNodes: int32s(y),
        isrNodes: int32s(y),
        offlineReplicas: version >= 5 ? int32s(y) : [],
      })),
    }));
    return { throttleTimeMs, brokers, clusterId, controllerId, topics };
  },
};
