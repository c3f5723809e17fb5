// Structures shared by the KIP-932 share-group APIs (ShareFetch 78, ShareAcknowledge 79): the
// acknowledgement batch, the partition's current leader and the node endpoints of leaders that
// moved. Every share API is flexible in every version, so all of this is written compactly.
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

/** Acknowledge types (KIP-932): 0 gap, 1 accept, 2 release, 3 reject. */
export const AcknowledgeType = { GAP: 0, ACCEPT: 1, RELEASE: 2, REJECT: 3 } as const;

/**
 * Records [firstOffset, lastOffset] acknowledged with `acknowledgeTypes`: one type for the whole
 * range, or one per offset (lastOffset - firstOffset + 1 of them).
 */
export interface AcknowledgementBatch {
  firstOffset: number;
  lastOffset: number;
  acknowledgeTypes: number[];
}
export interface LeaderIdAndEpoch {
  leaderId: number;
  leaderEpoch: number;
}
export interface NodeEndpoint {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export function readAckBatch(r: ProtocolReader): AcknowledgementBatch {
  const firstOffset = r.int64();
  const lastOffset = r.int64();
  const acknowledgeTypes = r.compactArray((x) => x.int8());
  r.taggedFields();
  return { firstOffset, lastOffset, acknowledgeTypes };
}
export function writeAckBatch(w: ProtocolWriter, b: AcknowledgementBatch): void {
  w.int64(b.firstOffset).int64(b.lastOffset);
  w.compactArray(b.acknowledgeTypes, (x, t) => x.int8(t));
  w.taggedFields();
}

export function readLeader(r: ProtocolReader): LeaderIdAndEpoch {
  const leaderId = r.int32();
  const leaderEpoch = r.int32();
  r.taggedFields();
  return { leaderId, leaderEpoch };
}
export function writeLeader(w: ProtocolWriter, l: LeaderIdAndEpoch): void {
  w.int32(l.leaderId).int32(l.leaderEpoch).taggedFields();
}

export function readNodeEndpoint(r: ProtocolReader): NodeEndpoint {
  const nodeId = r.int32();
  const host = r.compactString();
  const port = r.int32();
  const rack = r.compactNullableString();
  r.taggedFields();
  return { nodeId, host, port, rack };
}
export function writeNodeEndpoint(w: ProtocolWriter, n: NodeEndpoint): void {
  w.int32(n.nodeId).compactString(n.host).int32(n.port).compactNullableString(n.rack).taggedFields();
}
