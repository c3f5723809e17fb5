// AlterConfigs (key 33), versions 0-1 (non-flexible; flexible starts at 2). v1 = v0.
// Non-incremental: the given set REPLACES the resource's dynamic configs.
//
// Request => [resources] validate_only BOOLEAN
//   resources => resource_type INT8 resource_name STRING [configs]; configs => name STRING value NULLABLE_STRING
// Response => throttle_time_ms INT32 [responses]
//   responses => error_code INT16 error_message NULLABLE_STRING resource_type INT8 resource_name STRING
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface AlterConfigsRequest {
  resources: { resourceType: number; resourceName: string; configs: { name: string; value: string | null }[] }[];
  validateOnly: boolean;
}
export interface AlterConfigsResponse {
  throttleTimeMs: number;
  responses: { errorCode: number; errorMessage: string | null; resourceType: number; resourceName: string }[];
}

export const alterConfigsCodec: ApiCodec<AlterConfigsRequest, AlterConfigsResponse> = {
  apiKey: 33,
  name: 'AlterConfigs',
  minVersion: 0,
  maxVersion: 1,
  flexibleFrom: Infinity,
  decodeRequest(r: ProtocolReader): AlterConfigsRequest {
    const resources = r.array((x) => ({
      resourceType: x.int8(),
      resourceName: x.string(),
      configs: x.array((y) => ({ name: y.string(), value: y.nullableString() })),
    }));
    return { resources, validateOnly: r.bool() };
  },
  encodeResponse(w: ProtocolWriter, _version: number, res: AlterConfigsResponse): void {
    w.int32(res.throttleTimeMs);
    w.array(res.responses, (w2, x) =>
      w2.int16(x.errorCode).nullableString(x.errorMessage).int8(x.resourceType).string(x.resourceName),
    );
  },
  encodeRequest(w: ProtocolWriter, _version: number, req: AlterConfigsRequest): void {
    w.array(req.resources, (w2, x) =>
      w2
        .int8(x.resourceType)
        .string(x.resourceName)
        .array(x.configs, (w3, c) => w3.string(c.name).nullableString(c.value)),
    );
    w.bool(req.validateOnly);
  },
  decodeResponse(r: ProtocolReader): AlterConfigsResponse {
    const throttleTimeMs = r.int32();
    return {
      throttleTimeMs,
      responses: r.array((x) => ({
        errorCode: x.int16(),
        errorMessage: x.nullableString(),
        resourceType: x.int8(),
        resourceName: x.string(),
      })),
    };
  },
};
