// DescribeAcls (key 29), versions 0-1 (non-flexible; flexible starts at 2).
//
// Request => resource_type INT8 resource_name NULLABLE_STRING (v1 pattern_type INT8)
//            principal NULLABLE_STRING host NULLABLE_STRING operation INT8 permission_type INT8
// Response => throttle_time_ms error_code error_message [resources]
//   resources => resource_type resource_name (v1 pattern_type) [acls]
//   acls => principal host operation permission_type
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';
import { LITERAL, readFilter, writeFilter, type AclFilter } from './acl-common.js';

export type DescribeAclsRequest = AclFilter;
export interface DescribeAclsResource {
  resourceType: number;
  resourceName: string;
  patternType: number;
  acls: { principal: string; host: string; operation: number; permissionType: number }[];
}
export interface DescribeAclsResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  resources: DescribeAclsResource[];
}

export const describeAclsCodec: ApiCodec<DescribeAclsRequest, DescribeAclsResponse> = {
  apiKey: 29,
  name: 'DescribeAcls',
  minVersion: 0,
  maxVersion: 1,
  flexibleFrom: Infinity,
  decodeRequest: (r: ProtocolReader, v: number) => readFilter(r, v),
  encodeRequest: (w: ProtocolWriter, v: number, req: DescribeAclsRequest) => writeFilter(w, v, req),
  encodeResponse(w: ProtocolWriter, v: number, res: DescribeAclsResponse): void {
    w.int32(res.throttleTimeMs).int16(res.errorCode).nullableString(res.errorMessage);
    w.array(res.resources, (rw, x) => {
      rw.int8(x.resourceType).string(x.resourceName);
      if (v >= 1) rw.int8(x.patternType);
      rw.array(x.acls, (aw, a) => aw.string(a.principal).string(a.host).int8(a.operation).int8(a.permissionType));
    });
  },
  decodeResponse(r: ProtocolReader, v: number): DescribeAclsResponse {
    const throttleTimeMs = r.int32();
    const errorCode = r.int16();
    const errorMessage = r.nullableString();
    const resources = r.array((x) => {
      const resourceType = x.int8();
      const resourceName = x.string();
      const patternType = v >= 1 ? x.int8() : LITERAL;
      const acls = x.array((a) => ({
        principal: a.string(),
        host: a.string(),
        operation: a.int8(),
        permissionType: a.int8(),
      }));
      return { resourceType, resourceName, patternType, acls };
    });
    return { throttleTimeMs, errorCode, errorMessage, resources };
  },
};
