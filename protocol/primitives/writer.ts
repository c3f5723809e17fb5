// Writes Kafka protocol primitives into a growable buffer. Mirrors ProtocolReader, including
// version-aware helpers that pick compact forms and tagged fields for flexible versions.

export class ProtocolWriter {
  private buf: Buffer;
  offset = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  private ensure(n: number): number {
    const at = this.offset;
    if (at + n > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < at + n) size *= 2;
      const next = Buffer.allocUnsafe(size);
      this.buf.copy(next, 0, 0, at);
      this.buf = next;
    }
    this.offset = at + n;
    return at;
  }

  /** The bytes written so far (a view; copy it if the writer is reused). */
  toBuffer(): Buffer {
    return this.buf.subarray(0, this.offset);
  }

  int8(v: number): this {
    const at = this.ensure(1);
    this.buf.writeInt8(v, at);
    return this;
  }
  uint8(v: number): this {
    const at = this.ensure(1);
    this.buf.writeUInt8(v, at);
    return this;
  }
  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }
  int16(v: number): this {
    const at = this.ensure(2);
    this.buf.writeInt16BE(v, at);
    return this;
  }
  uint16(v: number): this {
    const at = this.ensure(2);
    this.buf.writeUInt16BE(v, at);
    return this;
  }
  int32(v: number): this {
    const at = this.ensure(4);
    this.buf.writeInt32BE(v, at);
    return this;
  }
  uint32(v: number): this {
    const at = this.ensure(4);
    this.buf.writeUInt32BE(v, at);
    return this;
  }
  int64Big(v: bigint): this {
    const at = this.ensure(8);
    this.buf.writeBigInt64BE(v, at);
    return this;
  }
  /** int64 from a number (exact within +-2^53). */
  int64(v: number): this {
    const at = this.ensure(8);
    const hi = Math.floor(v / 0x1_0000_0000);
    this.buf.writeInt32BE(hi, at);
    this.buf.writeUInt32BE(v - hi * 0x1_0000_0000, at + 4);
    return this;
  }
  float64(v: number): this {
    const at = this.ensure(8);
    this.buf.writeDoubleBE(v, at);
    return this;
  }
  uuid(v: Buffer | null): this {
    const at = this.ensure(16);
    if (v) v.copy(this.buf, at, 0, 16);
    else this.buf.fill(0, at, at + 16);
    return this;
  }

  uvarint(v: number): this {
    let x = v;
    while (x >= 0x80) {
      const at = this.ensure(1);
      this.buf[at] = (x % 0x80) | 0x80;
      x = Math.floor(x / 0x80);
    }
    const at = this.ensure(1);
    this.buf[at] = x;
    return this;
  }
  varint(v: number): this {
    return this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }
  varlong(v: number): this {
    return this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  raw(b: Buffer | Uint8Array): this {
    const at = this.ensure(b.length);
    this.buf.set(b, at);
    return this;
  }

  nullableString(s: string | null | undefined): this {
    if (s == null) return this.int16(-1);
    const len = Buffer.byteLength(s);
    this.int16(len);
    const at = this.ensure(len);
    this.buf.write(s, at, 'utf8');
    return this;
  }
  string(s: string): this {
    return this.nullableString(s);
  }
  compactNullableString(s: string | null | undefined): this {
    if (s == null) return this.uvarint(0);
    const len = Buffer.byteLength(s);
    this.uvarint(len + 1);
    const at = this.ensure(len);
    this.buf.write(s, at, 'utf8');
    return this;
  }
  compactString(s: string): this {
    return this.compactNullableString(s);
  }
  nullableBytes(b: Buffer | null | undefined): this {
    if (b == null) return this.int32(-1);
    return this.int32(b.length).raw(b);
  }
  bytes(b: Buffer): this {
    return this.nullableBytes(b);
  }
  compactNullableBytes(b: Buffer | null | undefined): this {
    if (b == null) return this.uvarint(0);
    return this.uvarint(b.length + 1).raw(b);
  }
  compactBytes(b: Buffer): this {
    return this.compactNullableBytes(b);
  }
  varintBytes(b: Buffer | null | undefined): this {
    if (b == null) return this.varint(-1);
    return this.varint(b.length).raw(b);
  }

  nullableArray<T>(items: readonly T[] | null | undefined, item: (w: ProtocolWriter, v: T) => void): this {
    if (items == null) return this.int32(-1);
    this.int32(items.length);
    for (const v of items) item(this, v);
    return this;
  }
  array<T>(items: readonly T[], item: (w: ProtocolWriter, v: T) => void): this {
    return this.nullableArray(items, item);
  }
  compactNullableArray<T>(items: readonly T[] | null | undefined, item: (w: ProtocolWriter, v: T) => void): this {
    if (items == null) return this.uvarint(0);
    this.uvarint(items.length + 1);
    for (const v of items) item(this, v);
    return this;
  }
  compactArray<T>(items: readonly T[], item: (w: ProtocolWriter, v: T) => void): this {
    return this.compactNullableArray(items, item);
  }
  /** Tagged fields: we write none unless given (tag -> raw value). */
  taggedFields(fields?: ReadonlyMap<number, Buffer>): this {
    if (!fields || fields.size === 0) return this.uvarint(0);
    this.uvarint(fields.size);
    for (const [tag, value] of [...fields].sort((a, b) => a[0] - b[0]))
      this.uvarint(tag).uvarint(value.length).raw(value);
    return this;
  }

  // Version-aware helpers.
  str(flexible: boolean, s: string): this {
    return flexible ? this.compactString(s) : this.string(s);
  }
  nullableStr(flexible: boolean, s: string | null | undefined): this {
    return flexible ? this.compactNullableString(s) : this.nullableString(s);
  }
  arr<T>(flexible: boolean, items: readonly T[], item: (w: ProtocolWriter, v: T) => void): this {
    return flexible ? this.compactArray(items, item) : this.array(items, item);
  }
  nullableArr<T>(
    flexible: boolean,
    items: readonly T[] | null | undefined,
    item: (w: ProtocolWriter, v: T) => void,
  ): this {
    return flexible ? this.compactNullableArray(items, item) : this.nullableArray(items, item);
  }
  byts(flexible: boolean, b: Buffer): this {
    return flexible ? this.compactBytes(b) : this.bytes(b);
  }
  nullableByts(flexible: boolean, b: Buffer | null | undefined): this {
    return flexible ? this.compactNullableBytes(b) : this.nullableBytes(b);
  }
  tags(flexible: boolean): this {
    return flexible ? this.uvarint(0) : this;
  }
}
