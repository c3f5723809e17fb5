// Every toxic type the server knows, by Toxiproxy's type name.
import { bandwidth } from './bandwidth.js';
import { latency } from './latency.js';
import { limitData } from './limit-data.js';
import { noop } from './noop.js';
import { resetPeer } from './reset-peer.js';
import { slicer } from './slicer.js';
import { slowClose } from './slow-close.js';
import { timeout } from './timeout.js';
import type { ToxicKind } from './types.js';

export const toxicKinds: ReadonlyMap<string, ToxicKind> = new Map(
  [latency, bandwidth, slowClose, timeout, resetPeer, slicer, limitData, noop].map((k) => [k.type, k]),
);

/** Default attributes of a new toxic: every field 0 (Go's zero value), in JSON order. */
export function zeroAttributes(kind: ToxicKind): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of kind.fields) out[f.name] = 0;
  return out;
}
