// DeleteAcls (key 31), versions 0-1 (non-flexible; flexible starts at 2).
//
// Request => [filters]  (the DescribeAcls filter shape)
// Response => throttle_time_ms [filter_results]
//   filter_results => error_code error_message [matching_acls]
//   matching_acls => error_code error_message resource_type resource_name (v1 pattern_type)
//                    principal host operation permission_type
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';
import { readEntry, readFilter, writeEntry, writeFilter, type AclEntry, type AclFilter } from './acl-common.js';

export interface DeleteAclsRequest {
  filters: AclFilter[];
}
export interface DeleteAclsMatch extends AclEntry {
  errorCode: number;
  errorMessage: string | null;
}
export interface DeleteAclsResponse {
  throttleTimeMs: number;
  filterResults: { errorCode: number; errorMessage: string | null; matchingAcls: DeleteAclsMatch[] }[];
}

export const deleteAclsCodec: ApiCodec<DeleteAclsRequest, DeleteAclsResponse> = {
  apiKey: 31,
  name: 'DeleteAcls',
  minVersion: 0,
  maxVersion: 1,
  flexibleFrom: Infinity,
  decodeRequest: (r: ProtocolReader, v: number) => ({ filters: r.array((x) => readFilter(x, v)) }),
  encodeRequest(w: ProtocolWriter, v: number, req: DeleteAclsRequest): void {
    w.array(req.filters, (fw, f) => writeFilter(fw, v, f));
  },
  encodeResponse(w: ProtocolWriter, v: number, res: DeleteAclsResponse): void {
    w.int32(res.throttleTimeMs).array(res.filterResults, (rw, f) => {
      rw.int16(f.errorCode).nullableString(f.errorMessage);
      rw.array(f.matchingAcls, (mw, m) => {
        mw.int16(m.errorCode).nullableString(m.errorMessage);
        writeEntry(mw, v, m);
      });
    });
  },
  decodeResponse(r: ProtocolReader, v: number): DeleteAclsResponse {
    const throttleTimeMs = r.int32();
    const filterResults = r.array((x) => {
      const errorCode = x.int16();
      const errorMessage = x.nullableString();
      const matchingAcls = x.array((m) => {
        const ec = m.int16();
        const em = m.nullableString();
        return { errorCode: ec, errorMessage: em, ...readEntry(m, v) };
      });
      return { errorCode, errorMessage, matchingAcls };
    });
    return { throttleTimeMs, filterResults };
  },
};
