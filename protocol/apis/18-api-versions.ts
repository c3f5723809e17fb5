// ApiVersions (key 18), versions 0-3 (flexible from 3). The broker advertises 0-2 and answers
// v3+ with UNSUPPORTED_VERSION (35) in a v0 body listing its ranges (librdkafka then retries lower).
//
// Request v0-2 => (empty); v3 => client_software_name COMPACT_STRING client_software_version
//   COMPACT_STRING TAG_BUFFER
// Response v0 => error_code [api_keys]; api_keys => api_key INT16 min_version INT16 max_version INT16
//   v1-2 add throttle_time_ms INT32 after api_keys. v3 uses compact arrays and tagged fields
//   (its tagged fields SupportedFeatures/FinalizedFeatures are read and ignored).
// The response header is always v0 (no tagged fields), even for v3.
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface ApiVersionsRequest {
  clientSoftwareName: string | null;
  clientSoftwareVersion: string | null;
}
export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}
export interface ApiVersionsResponse {
  errorCode: number;
  apiKeys: ApiVersionRange[];
  throttleTimeMs: number;
}

export const apiVersionsCodec: ApiCodec<ApiVersionsRequest, ApiVersionsResponse> = {
  apiKey: 18,
  name: 'ApiVersions',
  minVersion: 0,
  maxVersion: 3,
  flexibleFrom: 3,

  decodeRequest(r: ProtocolReader, version: number): ApiVersionsRequest {
    if (version < 3) return { clientSoftwareName: null, clientSoftwareVersion: null };
    const clientSoftwareName = r.compactString();
    const clientSoftwareVersion = r.compactString();
    r.taggedFields();
    return { clientSoftwareName, clientSoftwareVersion };
  },

  encodeResponse(w: ProtocolWriter, version: number, res: ApiVersionsResponse): void {
    const flex = version >= 3;
    w.int16(res.errorCode);
    w.arr(flex, res.apiKeys, (w2, k) => {
      w2.int16(k.apiKey).int16(k.minVersion).int16(k.maxVersion);
      w2.tags(flex);
    });
    if (version >= 1) w.int32(res.throttleTimeMs);
    w.tags(flex);
  },

  encodeRequest(w: ProtocolWriter, version: number, req: ApiVersionsRequest): void {
    if (version < 3) return;
    w.compactString(req.clientSoftwareName ?? 'kafka-sre')
      .compactString(req.clientSoftwareVersion ?? '0.1.0')
      .taggedFields();
  },

  decodeResponse(r: ProtocolReader, version: number): ApiVersionsResponse {
    const flex = version >= 3;
    const errorCode = r.int16();
    const apiKeys = r.arr(flex, (r2) => {
      const k = { apiKey: r2.int16(), minVersion: r2.int16(), maxVersion: r2.int16() };
      r2.tags(flex);
      return k;
    });
    // An UNSUPPORTED_VERSION answer comes in a v0 body: nothing more to read.
    const throttleTimeMs = version >= 1 && r.remaining >= 4 ? r.int32() : 0;
    if (flex && r.remaining > 0) r.taggedFields();
    return { errorCode, apiKeys, throttleTimeMs };
  },
};
