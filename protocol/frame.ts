// Framing and headers of Kafka requests and responses.
//
// Every message: int32 size (of what follows), then a header, then the body.
// Request header v1: api_key int16, api_version int16, correlation_id int32, client_id
//   NULLABLE_STRING (int16 length, also in v2). v2 (flexible API versions) adds tagged fields.
// Response header v0: correlation_id int32; v1 (flexible versions) adds tagged fields.
//   ApiVersions responses always use header v0, whatever the version.
import { ApiKey } from './api-keys.js';
import { ProtocolDecodeError } from './primitives/errors.js';
import { ProtocolReader } from './primitives/reader.js';
import { ProtocolWriter } from './primitives/writer.js';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/** The fixed part of a request header (enough to answer or to log), without the size prefix. */
export function peekRequestHeader(frame: Buffer): { apiKey: number; apiVersion: number; correlationId: number } {
  if (frame.length < 8) throw new ProtocolDecodeError(`request header truncated: ${frame.length} byte(s)`);
  return { apiKey: frame.readInt16BE(0), apiVersion: frame.readInt16BE(2), correlationId: frame.readInt32BE(4) };
}

/**
 * Read a request header from `r` (positioned after the size prefix). `flexible` says whether this
 * api version uses request header v2 (tagged fields after client_id).
 */
export function readRequestHeader(
  r: ProtocolReader,
  flexible: (apiKey: number, apiVersion: number) => boolean,
): RequestHeader {
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  const clientId = r.nullableString();
  if (flexible(apiKey, apiVersion)) r.taggedFields();
  return { apiKey, apiVersion, correlationId, clientId };
}

/** Response header version: v1 for flexible versions, except ApiVersions (always v0). */
export function responseHeaderFlexible(apiKey: number, flexibleVersion: boolean): boolean {
  return flexibleVersion && apiKey !== ApiKey.ApiVersions;
}

/** Start a response frame: reserves the size, writes the header. Finish with `finishFrame`. */
export function beginResponse(w: ProtocolWriter, correlationId: number, headerFlexible: boolean): number {
  const start = w.offset;
  w.int32(0).int32(correlationId);
  if (headerFlexible) w.uvarint(0);
  return start;
}

/** Start a request frame (client side). */
export function beginRequest(w: ProtocolWriter, header: RequestHeader, headerFlexible: boolean): number {
  const start = w.offset;
  w.int32(0).int16(header.apiKey).int16(header.apiVersion).int32(header.correlationId).nullableString(header.clientId);
  if (headerFlexible) w.uvarint(0);
  return start;
}

/** Patch the size prefix of the frame that began at `start`; returns the whole frame. */
export function finishFrame(w: ProtocolWriter, start: number): Buffer {
  const buf = w.toBuffer();
  buf.writeInt32BE(w.offset - start - 4, start);
  return buf.subarray(start, w.offset);
}

/** Client side: read a response header (after the size prefix). */
export function readResponseHeader(r: ProtocolReader, headerFlexible: boolean): { correlationId: number } {
  const correlationId = r.int32();
  if (headerFlexible) r.taggedFields();
  return { correlationId };
}

/** Encode a complete request frame (client side). */
export function encodeRequestFrame(
  header: RequestHeader,
  headerFlexible: boolean,
  body: (w: ProtocolWriter) => void,
): Buffer {
  const w = new ProtocolWriter(256);
  const start = beginRequest(w, header, headerFlexible);
  body(w);
  return Buffer.from(finishFrame(w, start));
}

/**
 * Splits a byte stream into frames. `push` chunks as they arrive; `next()` returns the next
 * complete frame (without its size prefix) or null. Frames larger than `maxFrameBytes` or with a
 * negative size throw FrameTooLargeError/ProtocolDecodeError before any of them is buffered.
 */
export class FrameSplitter {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private maxFrameBytes: number) {}

  /** Change the frame cap, e.g. once a SASL connection has authenticated (512 KiB before, Kafka's rule). */
  setMaxFrameBytes(max: number): void {
    this.maxFrameBytes = max;
  }

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  get bufferedBytes(): number {
    return this.buffered;
  }

  /**
   * The size of the next frame (without its prefix) once its 4 size bytes are in, else null; throws
   * like next() for a negative or oversized one. Lets a reader reserve memory before buffering it.
   */
  peekSize(): number | null {
    if (this.buffered < 4) return null;
    const size = this.headBytes(4).readInt32BE(0);
    if (size < 0) throw new ProtocolDecodeError(`negative frame size ${size}`);
    if (size > this.maxFrameBytes) throw new FrameTooLargeError(size, this.maxFrameBytes);
    return size;
  }

  next(): Buffer | null {
    const size = this.peekSize();
    if (size === null || this.buffered < 4 + size) return null;
    const whole = this.take(4 + size);
    return whole.subarray(4);
  }

  /** The first n buffered bytes (n <= buffered), joining chunks only when needed. */
  private headBytes(n: number): Buffer {
    const first = this.chunks[0];
    if (first.length >= n) return first;
    const all = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [all];
    return all;
  }

  private take(n: number): Buffer {
    const first = this.chunks[0];
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      const all = Buffer.concat(this.chunks, this.buffered);
      out = all.subarray(0, n);
      this.chunks = all.length > n ? [all.subarray(n)] : [];
    }
    this.buffered -= n;
    return out;
  }
}

export class FrameTooLargeError extends Error {
  constructor(
    readonly size: number,
    readonly max: number,
  ) {
    super(`frame of ${size} bytes exceeds socket.request.max.bytes (${max})`);
    this.name = 'FrameTooLargeError';
  }
}
