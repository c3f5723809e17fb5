// A toxic as the API knows it: name, type, stream, toxicity and attributes (Toxiproxy's
// ToxicWrapper). One definition is shared by every connection of its proxy.
import type { Attributes, ToxicKind } from './toxics/types.js';

export type Direction = 'upstream' | 'downstream';

export interface ToxicDefinition {
  name: string;
  type: string;
  /** The stream as the client spelled it (Toxiproxy echoes it back unchanged). */
  stream: string;
  /** Parsed from `stream`, case-insensitive. */
  direction: Direction;
  toxicity: number;
  attributes: Attributes;
  kind: ToxicKind;
}

/** The JSON shape Toxiproxy returns for a toxic (field order matters for byte-identical bodies). */
export interface ToxicJson {
  attributes: Attributes;
  name: string;
  type: string;
  stream: string;
  toxicity: number;
}

export function toxicJson(t: ToxicDefinition): ToxicJson {
  return { attributes: { ...t.attributes }, name: t.name, type: t.type, stream: t.stream, toxicity: t.toxicity };
}

export function parseDirection(stream: string): Direction | undefined {
  const s = stream.toLowerCase();
  return s === 'upstream' || s === 'downstream' ? s : undefined;
}
