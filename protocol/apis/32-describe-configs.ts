// DescribeConfigs (key 32), versions 0-2 (non-flexible; flexible starts at 4).
//
// Request => [resources] (v1+ include_synonyms BOOLEAN)
//   resources => resource_type INT8 (2 topic, 4 broker) resource_name STRING
//     configuration_keys [STRING] (nullable: all)
// Response => throttle_time_ms INT32 [results]
//   results => error_code INT16 error_message NULLABLE_STRING resource_type INT8 resource_name STRING [configs]
//   configs => name STRING value NULLABLE_STRING read_only BOOLEAN
//     v0: is_default BOOLEAN; v1+: config_source INT8
//     is_sensitive BOOLEAN (v1+ [synonyms]: name STRING value NULLABLE_STRING source INT8)
// config_source: 1 DYNAMIC_TOPIC_CONFIG, 4 STATIC_BROKER_CONFIG, 5 DEFAULT_CONFIG.
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export const ConfigResourceType = { topic: 2, broker: 4 } as const;
export const ConfigSource = {
  unknown: 0,
  dynamicTopic: 1,
  dynamicBroker: 2,
  dynamicDefaultBroker: 3,
  staticBroker: 4,
  default: 5,
} as const;

export interface DescribeConfigsRequest {
  resources: { resourceType: number; resourceName: string; configurationKeys: string[] | null }[];
  includeSynonyms: boolean;
}
export interface DescribedConfig {
  name: string;
  value: string | null;
  readOnly: boolean;
  isDefault: boolean;
  configSource: number;
  isSensitive: boolean;
  synonyms: { name: string; value: string | null; source: number }[];
}
export interface DescribeConfigsResult {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
  configs: DescribedConfig[];
}
export interface DescribeConfigsResponse {
  throttleTimeMs: number;
  results: DescribeConfigsResult[];
}

export const describeConfigsCodec: ApiCodec<DescribeConfigsRequest, DescribeConfigsResponse> = {
  apiKey: 32,
  name: 'DescribeConfigs',
  minVersion: 0,
  maxVersion: 2,
  flexibleFrom: Infinity,
  decodeRequest(r: ProtocolReader, version: number): DescribeConfigsRequest {
    const resources = r.array((x) => ({
      resourceType: x.int8(),
      resourceName: x.string(),
      configurationKeys: x.nullableArray((y) => y.string()),
    }));
    return { resources, includeSynonyms: version >= 1 ? r.bool() : false };
  },
  encodeResponse(w: ProtocolWriter, version: number, res: DescribeConfigsResponse): void {
    w.int32(res.throttleTimeMs);
    w.array(res.results, (w2, x) => {
      w2.int16(x.errorCode).nullableString(x.errorMessage).int8(x.resourceType).string(x.resourceName);
      w2.array(x.configs, (w3, c) => {
        w3.string(c.name).nullableString(c.value).bool(c.readOnly);
        if (version === 0) w3.bool(c.isDefault);
        else w3.int8(c.configSource);
        w3.bool(c.isSensitive);
        if (version >= 1) w3.array(c.synonyms, (w4, s) => w4.string(s.name).nullableString(s.value).int8(s.source));
      });
    });
  },
  encodeRequest(w: ProtocolWriter, version: number, req: DescribeConfigsRequest): void {
    w.array(req.resources, (w2, x) =>
      w2
        .int8(x.resourceType)
        .string(x.resourceName)
        .nullableArray(x.configurationKeys, (w3, k) => w3.string(k)),
    );
    if (version >= 1) w.bool(req.includeSynonyms);
  },
  decodeResponse(r: ProtocolReader, version: number): DescribeConfigsResponse {
    const throttleTimeMs = r.int32();
    const results = r.array((x) => ({
      errorCode: x.int16(),
      errorMessage: x.nullableString(),
      resourceType: x.int8(),
      resourceName: x.string(),
      configs: x.array((y) => {
        const name = y.string();
        const value = y.nullableString();
        const readOnly = y.bool();
        let isDefault = false;
        let configSource: number = ConfigSource.unknown;
        if (version === 0) isDefault = y.bool();
        else {
          configSource = y.int8();
          isDefault = configSource === ConfigSource.default;
        }
        const isSensitive = y.bool();
        const synonyms =
          version >= 1 ? y.array((z) => ({ name: z.string(), value: z.nullableString(), source: z.int8() })) : [];
        return { name, value, readOnly, isDefault, configSource, isSensitive, synonyms };
      }),
    }));
    return { throttleTimeMs, results };
  },
};
