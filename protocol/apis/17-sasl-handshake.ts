// SaslHandshake (key 17), versions 0-1 (v1: the SASL tokens then travel in SaslAuthenticate
// requests instead of raw frames).
//
// Request => mechanism STRING
// Response => error_code INT16 [mechanisms STRING]
import type { ApiCodec } from '../api.js';
import type { ProtocolReader } from '../primitives/reader.js';
import type { ProtocolWriter } from '../primitives/writer.js';

export interface SaslHandshakeRequest {
  mechanism: string;
}
export interface SaslHandshakeResponse {
  errorCode: number;
  mechanisms: string[];
}

export const saslHandshakeCodec: ApiCodec<SaslHandshakeRequest, SaslHandshakeResponse> = {
  apiKey: 17,
  name: 'SaslHandshake',
  minVersion: 0,
  maxVersion: 1,
  flexibleFrom: Infinity,
  decodeRequest: (r: ProtocolReader) => ({ mechanism: r.string() }),
  encodeResponse(w: ProtocolWriter, _v: number, res: SaslHandshakeResponse): void {
    w.int16(res.errorCode).array(res.mechanisms, (w2, m) => w2.string(m));
  },
  encodeRequest(w: ProtocolWriter, _v: number, req: SaslHandshakeRequest): void {
    w.string(req.mechanism);
  },
  decodeResponse: (r: ProtocolReader) => ({ errorCode: r.int16(), mechanisms: r.array((x) => x.string()) }),
};
