// Reads Kafka protocol primitives from a buffer (big-endian ints, varints, nullable strings and
// bytes, arrays in classic and compact form, tagged fields). Every read checks bounds and throws
// ProtocolDecodeError on truncation, so a malformed frame can never crash the caller.
import { ProtocolDecodeError } from './errors.js';

export type TaggedFields = Map<number, Buffer>;

export class ProtocolReader {
  offset: number;

  constructor(
    readonly buf: Buffer,
    offset = 0,
    readonly end = buf.length,
  ) {
    this.offset = offset;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private need(n: number, what: string): number {
    const at = this.offset;
    if (n < 0 || at + n > this.end)
      throw new ProtocolDecodeError(`truncated: need ${n} byte(s) for ${what} at offset ${at}, have ${this.end - at}`);
    this.offset = at + n;
    return at;
  }

  int8(): number {
    return this.buf.readInt8(this.need(1, 'int8'));
  }
  uint8(): number {
    return this.buf.readUInt8(this.need(1, 'uint8'));
  }
  bool(): boolean {
    return this.int8() !== 0;
  }
  int16(): number {
    return this.buf.readInt16BE(this.need(2, 'int16'));
  }
  uint16(): number {
    return this.buf.readUInt16BE(this.need(2, 'uint16'));
  }
  int32(): number {
    return this.buf.readInt32BE(this.need(4, 'int32'));
  }
  uint32(): number {
    return this.buf.readUInt32BE(this.need(4, 'uint32'));
  }
  /** int64 as bigint (exact). */
  int64Big(): bigint {
    return this.buf.readBigInt64BE(this.need(8, 'int64'));
  }
  /** int64 as a number: offsets, timestamps and ids fit in 2^53. */
  int64(): number {
    const at = this.need(8, 'int64');
    const hi = this.buf.readInt32BE(at);
    const lo = this.buf.readUInt32BE(at + 4);
    return hi * 0x1_0000_0000 + lo;
  }
  float64(): number {
    return this.buf.readDoubleBE(this.need(8, 'float64'));
  }
  uuid(): Buffer {
    const at = this.need(16, 'uuid');
    return this.buf.subarray(at, at + 16);
  }

  /** Unsigned varint (up to 32 bits), as used for compact lengths and tag numbers. */
  uvarint(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      if (this.offset >= this.end) throw new ProtocolDecodeError(`truncated: unsigned varint at offset ${this.offset}`);
      const b = this.buf[this.offset++];
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
    throw new ProtocolDecodeError(`unsigned varint longer than 5 bytes at offset ${this.offset}`);
  }

  /** Zigzag-encoded signed varint (32-bit). */
  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** Zigzag-encoded signed varlong; exact within +-2^53. */
  varlong(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (this.offset >= this.end) throw new ProtocolDecodeError(`truncated: varlong at offset ${this.offset}`);
      const b = this.buf[this.offset++];
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
      shift += 7;
    }
    throw new ProtocolDecodeError(`varlong longer than 10 bytes at offset ${this.offset}`);
  }

  /** Raw bytes (a view, not a copy). */
  raw(n: number): Buffer {
    const at = this.need(n, 'bytes');
    return this.buf.subarray(at, at + n);
  }

  /** int16-length string; -1 is null. */
  nullableString(): string | null {
    const len = this.int16();
    if (len < 0) return null;
    const at = this.need(len, 'string');
    return this.buf.toString('utf8', at, at + len);
  }
  string(): string {
    const s = this.nullableString();
    if (s === null) throw new ProtocolDecodeError(`null where a string is required at offset ${this.offset}`);
    return s;
  }
  /** uvarint(len+1) string; 0 is null. */
  compactNullableString(): string | null {
    const n = this.uvarint();
    if (n === 0) return null;
    const at = this.need(n - 1, 'compact string');
    return this.buf.toString('utf8', at, at + n - 1);
  }
  compactString(): string {
    const s = this.compactNullableString();
    if (s === null) throw new ProtocolDecodeError(`null where a compact string is required at offset ${this.offset}`);
    return s;
  }
  /** int32-length bytes; -1 is null. */
  nullableBytes(): Buffer | null {
    const len = this.int32();
    if (len < 0) return null;
    return this.raw(len);
  }
  bytes(): Buffer {
    return this.nullableBytes() ?? Buffer.alloc(0);
  }
  compactNullableBytes(): Buffer | null {
    const n = this.uvarint();
    if (n === 0) return null;
    return this.raw(n - 1);
  }
  compactBytes(): Buffer {
    return this.compactNullableBytes() ?? Buffer.alloc(0);
  }
  /** Varint-length bytes as inside records; -1 is null. */
  varintBytes(): Buffer | null {
    const len = this.varint();
    if (len < 0) return null;
    return this.raw(len);
  }

  private checkCount(n: number, what: string): number {
    // Each element takes at least one byte: a larger count is a malformed frame, not an allocation.
    if (n > this.remaining)
      throw new ProtocolDecodeError(`${what} count ${n} exceeds the ${this.remaining} bytes left`);
    return n;
  }

  /** int32-count array; -1 is null. */
  nullableArray<T>(item: (r: ProtocolReader) => T): T[] | null {
    const n = this.int32();
    if (n < 0) return null;
    this.checkCount(n, 'array');
    const out = new Array<T>(n);
    for (let i = 0; i < n; i++) out[i] = item(this);
    return out;
  }
  array<T>(item: (r: ProtocolReader) => T): T[] {
    return this.nullableArray(item) ?? [];
  }
  /** uvarint(count+1) array; 0 is null. */
  compactNullableArray<T>(item: (r: ProtocolReader) => T): T[] | null {
    const n = this.uvarint();
    if (n === 0) return null;
    this.checkCount(n - 1, 'compact array');
    const out = new Array<T>(n - 1);
    for (let i = 0; i < n - 1; i++) out[i] = item(this);
    return out;
  }
  compactArray<T>(item: (r: ProtocolReader) => T): T[] {
    return this.compactNullableArray(item) ?? [];
  }

  /** Tagged fields of a flexible version: tag -> raw value. */
  taggedFields(): TaggedFields {
    const n = this.uvarint();
    const out: TaggedFields = new Map();
    this.checkCount(n, 'tagged field');
    for (let i = 0; i < n; i++) {
      const tag = this.uvarint();
      const size = this.uvarint();
      out.set(tag, this.raw(size));
    }
    return out;
  }

  // Version-aware helpers: flexible versions use compact forms and tagged fields.
  str(flexible: boolean): string {
    return flexible ? this.compactString() : this.string();
  }
  nullableStr(flexible: boolean): string | null {
    return flexible ? this.compactNullableString() : this.nullableString();
  }
  arr<T>(flexible: boolean, item: (r: ProtocolReader) => T): T[] {
    return flexible ? this.compactArray(item) : this.array(item);
  }
  nullableArr<T>(flexible: boolean, item: (r: ProtocolReader) => T): T[] | null {
    return flexible ? this.compactNullableArray(item) : this.nullableArray(item);
  }
  byts(flexible: boolean): Buffer {
    return flexible ? this.compactBytes() : this.bytes();
  }
  nullableByts(flexible: boolean): Buffer | null {
    return flexible ? this.compactNullableBytes() : this.nullableBytes();
  }
  /** Skip tagged fields when flexible (no-op otherwise). */
  tags(flexible: boolean): void {
    if (flexible) this.taggedFields();
  }
}
