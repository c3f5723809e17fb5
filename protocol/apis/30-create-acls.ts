// CreateAcls (key 30), versions 0-1 (non-flexible; flexible starts at 2).
//
// Request => [creations]
//   creations => resource_type INT8 resource_name STRING (v1 resource_pattern_type INT8)
//                principal STRING host STRING operation INT8 permission_type INT8
// Response => throttle_time_ms [results]
//   results => error_code error_message
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';
import { readEntry, writeEntry, type AclEntry } from './acl-common.js';

export interface CreateAclsRequest {
  creations: AclEntry[];
}
export interface CreateAclsResponse {
  throttleTimeMs: number;
  results: { errorCode: number; errorMessage: string | null }[];
}

export const createAclsCodec: ApiCodec<CreateAclsRequest, CreateAclsResponse> = {
  apiKey: 30,
  name: 'CreateAcls',
  minVersion: 0,
  maxVersion: 1,
  flexibleFrom: Infinity,
  decodeRequest: (r: ProtocolReader, v: number) => ({ creations: r.array((x) => readEntry(x, v)) }),
  encodeRequest(w: ProtocolWriter, v: number, req: CreateAclsRequest): void {
    w.array(req.creations, (cw, c) => writeEntry(cw, v, c));
  },
  encodeResponse(w: ProtocolWriter, _v: number, res: CreateAclsResponse): void {
    w.int32(res.throttleTimeMs).array(res.results, (rw, x) => rw.int16(x.errorCode).nullableString(x.errorMessage));
  },
  decodeResponse(r: ProtocolReader): CreateAclsResponse {
    const throttleTimeMs = r.int32();
    return { throttleTimeMs, results: r.array((x) => ({ errorCode: x.int16(), errorMessage: x.nullableString() })) };
  },
};
