// DescribeShareGroupOffsets (key 90), versions 0-1 (KIP-932; v1, Kafka 4.2, adds the lag,
// KIP-1226). Flexible in every version.
//
// Request => [groups] ; groups => group_id STRING [topics] (nullable = every share partition)
//   topics => topic_name STRING [partitions INT32]
// Response => throttle_time_ms INT32 [groups]
//   groups => group_id STRING [topics] error_code INT16 error_message NULLABLE_STRING
//     topics => topic_name STRING topic_id UUID [partitions]
//       partitions => partition_index INT32 start_offset INT64 leader_epoch INT32
//         (v1+ lag INT64, -1 = unknown) error_code INT16 error_message NULLABLE_STRING
//   start_offset is the share-partition start offset (SPSO), -1 when the group has none yet.
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';
import { uuidFromBytes, uuidToBytes } from '../primitives/uuid.js';

export interface DescribeShareGroupOffsetsRequest {
  groups: { groupId: string; topics: { topicName: string; partitions: number[] }[] | null }[];
}
export interface ShareGroupPartitionOffset {
  partitionIndex: number;
  startOffset: number;
  leaderEpoch: number;
  /** v1+; -1 when unknown (and always -1 decoded from v0). */
  lag: number;
  errorCode: number;
  errorMessage: string | null;
}
export interface ShareGroupTopicOffsets {
  topicName: string;
  topicId: string;
  partitions: ShareGroupPartitionOffset[];
}
export interface ShareGroupOffsets {
  groupId: string;
  topics: ShareGroupTopicOffsets[];
  errorCode: number;
  errorMessage: string | null;
}
export interface DescribeShareGroupOffsetsResponse {
  throttleTimeMs: number;
  groups: ShareGroupOffsets[];
}

export const describeShareGroupOffsetsCodec: ApiCodec<
  DescribeShareGroupOffsetsRequest,
  DescribeShareGroupOffsetsResponse
> = {
  apiKey: 90,
  name: 'DescribeShareGroupOffsets',
  minVersion: 0,
  maxVersion: 1,
  flexibleFrom: 0,

  decodeRequest(r: ProtocolReader): DescribeShareGroupOffsetsRequest {
    const groups = r.compactArray((x) => {
      const groupId = x.compactString();
      const topics = x.compactNullableArray((y) => {
        const topicName = y.compactString();
        const partitions = y.compactArray((z) => z.int32());
        y.taggedFields();
        return { topicName, partitions };
      });
      x.taggedFields();
      return { groupId, topics };
    });
    r.taggedFields();
    return { groups };
  },

  encodeResponse(w: ProtocolWriter, version: number, res: DescribeShareGroupOffsetsResponse): void {
    w.int32(res.throttleTimeMs)
      .compactArray(res.groups, (x, g) => {
        x.compactString(g.groupId)
          .compactArray(g.topics, (y, t) => {
            y.compactString(t.topicName)
              .uuid(uuidToBytes(t.topicId))
              .compactArray(t.partitions, (z, p) => {
                z.int32(p.partitionIndex).int64(p.startOffset).int32(p.leaderEpoch);
                if (version >= 1) z.int64(p.lag);
                z.int16(p.errorCode).compactNullableString(p.errorMessage).taggedFields();
              })
              .taggedFields();
          })
          .int16(g.errorCode)
          .compactNullableString(g.errorMessage)
          .taggedFields();
      })
      .taggedFields();
  },

  encodeRequest(w: ProtocolWriter, _v: number, req: DescribeShareGroupOffsetsRequest): void {
    w.compactArray(req.groups, (x, g) => {
      x.compactString(g.groupId)
        .compactNullableArray(g.topics, (y, t) => {
          y.compactString(t.topicName)
            .compactArray(t.partitions, (z, p) => z.int32(p))
            .taggedFields();
        })
        .taggedFields();
    }).taggedFields();
  },

  decodeResponse(r: ProtocolReader, version: number): DescribeShareGroupOffsetsResponse {
    const throttleTimeMs = r.int32();
    const groups = r.compactArray((x) => {
      const groupId = x.compactString();
      const topics = x.compactArray((y) => {
        const topicName = y.compactString();
        const topicId = uuidFromBytes(y.uuid());
        const partitions = y.compactArray((z) => {
          const partitionIndex = z.int32();
          const startOffset = z.int64();
          const leaderEpoch = z.int32();
          const lag = version >= 1 ? z.int64() : -1;
          const errorCode = z.int16();
          const errorMessage = z.compactNullableString();
          z.taggedFields();
          return { partitionIndex, startOffset, leaderEpoch, lag, errorCode, errorMessage };
        });
        y.taggedFields();
        return { topicName, topicId, partitions };
      });
      const errorCode = x.int16();
      const errorMessage = x.compactNullableString();
      x.taggedFields();
      return { groupId, topics, errorCode, errorMessage };
    });
    r.taggedFields();
    return { throttleTimeMs, groups };
  },
};
