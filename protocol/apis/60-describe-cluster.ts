// DescribeCluster (key 60), version 0 (flexible from 0).
//
// Request => include_cluster_authorized_operations BOOLEAN TAG_BUFFER
// Response => throttle_time_ms INT32 error_code INT16 error_message COMPACT_NULLABLE_STRING
//   cluster_id COMPACT_STRING controller_id INT32 [brokers] cluster_authorized_operations INT32 TAG_BUFFER
//   brokers => broker_id INT32 host COMPACT_STRING port INT32 rack COMPACT_NULLABLE_STRING TAG_BUFFER
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface DescribeClusterRequest {
  includeClusterAuthorizedOperations: boolean;
}
export interface DescribeClusterResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  clusterId: string;
  controllerId: number;
  brokers: { brokerId: number; host: string; port: number; rack: string | null }[];
  clusterAuthorizedOperations: number;
}

export const describeClusterCodec: ApiCodec<DescribeClusterRequest, DescribeClusterResponse> = {
  apiKey: 60,
  name: 'DescribeCluster',
  minVersion: 0,
  maxVersion: 0,
  flexibleFrom: 0,
  decodeRequest(r: ProtocolReader): DescribeClusterRequest {
    const includeClusterAuthorizedOperations = r.bool();
    r.taggedFields();
    return { includeClusterAuthorizedOperations };
  },
  encodeResponse(w: ProtocolWriter, _v: number, res: DescribeClusterResponse): void {
    w.int32(res.throttleTimeMs)
      .int16(res.errorCode)
      .compactNullableString(res.errorMessage)
      .compactString(res.clusterId)
      .int32(res.controllerId);
    w.compactArray(res.brokers, (w2, b) =>
      w2.int32(b.brokerId).compactString(b.host).int32(b.port).compactNullableString(b.rack).taggedFields(),
    );
    w.int32(res.clusterAuthorizedOperations).taggedFields();
  },
  encodeRequest(w: ProtocolWriter, _v: number, req: DescribeClusterRequest): void {
    w.bool(req.includeClusterAuthorizedOperations).taggedFields();
  },
  decodeResponse(r: ProtocolReader): DescribeClusterResponse {
    const throttleTimeMs = r.int32();
    const errorCode = r.int16();
    const errorMessage = r.compactNullableString();
    const clusterId = r.compactString();
    const controllerId = r.int32();
    const brokers = r.compactArray((x) => {
      const b = { brokerId: x.int32(), host: x.compactString(), port: x.int32(), rack: x.compactNullableString() };
      x.taggedFields();
      return b;
    });
    const clusterAuthorizedOperations = r.int32();
    r.taggedFields();
    return { throttleTimeMs, errorCode, errorMessage, clusterId, controllerId, brokers, clusterAuthorizedOperations };
  },
};
