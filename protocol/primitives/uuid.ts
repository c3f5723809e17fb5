// Kafka UUIDs (topic ids) travel as 16 raw bytes; the broker and the codec types carry them as the
// canonical 8-4-4-4-12 hex string (what the topic store and the controller's topic records hold).

/** The all-zero UUID: Kafka's "no topic id" value. */
export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

export function uuidToBytes(id: string): Buffer {
  const hex = id.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not a UUID: ${JSON.stringify(id)}`);
  return Buffer.from(hex, 'hex');
}

export function uuidFromBytes(b: Buffer | Uint8Array): string {
  const h = Buffer.from(b.subarray(0, 16)).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
