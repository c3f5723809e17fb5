// SaslAuthenticate (key 36), versions 0-1 (non-flexible; flexible starts at 2).
//
// Request => auth_bytes BYTES
// Response => error_code INT16 error_message NULLABLE_STRING auth_bytes BYTES
//   (v1+ session_lifetime_ms INT64)
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface SaslAuthenticateRequest {
  authBytes: Buffer;
}
export interface SaslAuthenticateResponse {
  errorCode: number;
  errorMessage: string | null;
  authBytes: Buffer;
  sessionLifetimeMs: number;
}

export const saslAuthenticateCodec: ApiCodec<SaslAuthenticateRequest, SaslAuthenticateResponse> = {
  apiKey: 36,
  name: 'SaslAuthenticate',
  minVersion: 0,
  maxVersion: 1,
  flexibleFrom: Infinity,
  decodeRequest: (r: ProtocolReader) => ({ authBytes: r.bytes() }),
  encodeResponse(w: ProtocolWriter, version: number, res: SaslAuthenticateResponse): void {
    w.int16(res.errorCode).nullableString(res.errorMessage).bytes(res.authBytes);
    if (version >= 1) w.int64(res.sessionLifetimeMs);
  },
  encodeRequest(w: ProtocolWriter, _v: number, req: SaslAuthenticateRequest): void {
    w.bytes(req.authBytes);
  },
  decodeResponse(r: ProtocolReader, version: number): SaslAuthenticateResponse {
    return {
      errorCode: r.int16(),
      errorMessage: r.nullableString(),
      authBytes: r.bytes(),
      sessionLifetimeMs: version >= 1 ? r.int64() : 0,
    };
  },
};
