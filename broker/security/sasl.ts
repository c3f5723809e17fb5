// The server side of one SASL exchange (PLAIN, SCRAM-SHA-256/512 per RFC 5802/7677). Fed the
// client's tokens one at a time, whether they arrive in SaslAuthenticate requests (handshake v1)
// or as raw size-prefixed frames (handshake v0). Error messages never contain the credentials.
import { createHmac, randomBytes, createHash } from 'node:crypto';
import { sameBytes, scramHash, type Credentials, type ScramMechanism } from './credentials.js';

export type SaslStep =
  | { kind: 'challenge'; token: Buffer }
  | { kind: 'done'; principal: string; token: Buffer }
  | { kind: 'failed'; reason: string };

export interface SaslExchange {
  step(token: Buffer): SaslStep;
}

class PlainExchange implements SaslExchange {
  constructor(private readonly creds: Credentials) {}
  step(token: Buffer): SaslStep {
    // authzid NUL authcid NUL password
    const parts = token.toString('utf8').split('\u0000');
    if (parts.length !== 3) return { kind: 'failed', reason: 'malformed PLAIN token' };
    const [authzid, user, password] = parts as [string, string, string];
    if (authzid !== '' && authzid !== user) return { kind: 'failed', reason: 'authorization id must match the user' };
    if (!this.creds.checkPlain(user, password))
      return { kind: 'failed', reason: `Authentication failed: invalid username or password` };
    return { kind: 'done', principal: `User:${user}`, token: Buffer.alloc(0) };
  }
}

/** SCRAM attribute list "a=x,b=y" (values may contain '='). */
function attrs(s: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of s.split(',')) {
    const i = part.indexOf('=');
    if (i > 0) m.set(part.slice(0, i), part.slice(i + 1));
  }
  return m;
}

const unescapeName = (s: string) => s.replace(/=2C/g, ',').replace(/=3D/g, '=');

class ScramExchange implements SaslExchange {
  private state: 'first' | 'final' | 'over' = 'first';
  private user = '';
  private nonce = '';
  private firstBare = '';
  private serverFirst = '';
  /** The client's gs2 header ("n,," or "n,a=authzid,"): its base64 must come back as c=. */
  private gs2Header = '';

  constructor(
    private readonly creds: Credentials,
    private readonly mechanism: ScramMechanism,
  ) {}

  step(token: Buffer): SaslStep {
    const msg = token.toString('utf8');
    if (this.state === 'first') return this.first(msg);
    if (this.state === 'final') return this.final(msg);
    return { kind: 'failed', reason: 'SCRAM exchange already finished' };
  }

  private first(msg: string): SaslStep {
    // gs2 header "n,," or "n,a=authzid," then the bare message "n=user,r=nonce". Kafka supports no
    // channel binding: "p=..." (client requires it) and "y" (client supports it and thinks the
    // server does not, a downgrade sign per RFC 5802) are refused, as Kafka's server does.
    if (/^[py]/.test(msg)) return this.fail('SCRAM channel binding is not supported (gs2 flag must be "n")');
    const m = /^(n,(?:a=([^,]*))?,)(.*)$/.exec(msg);
    if (!m) return this.fail('malformed SCRAM client-first message');
    this.gs2Header = m[1]!;
    this.firstBare = m[3]!;
    const a = attrs(this.firstBare);
    const user = a.get('n');
    const clientNonce = a.get('r');
    if (!user || !clientNonce) return this.fail('malformed SCRAM client-first message');
    this.user = unescapeName(user);
    if (m[2] !== undefined && m[2] !== '' && unescapeName(m[2]) !== this.user)
      return this.fail('SCRAM authorization id must match the user');
    const cred = this.creds.scram(this.user, this.mechanism);
    // An unknown user still gets a well-formed challenge (with a fake salt) so it cannot be told
    // apart from a bad password; the final step then fails.
    const salt = cred?.salt ?? createHash('sha256').update(`unknown:${this.user}`).digest().subarray(0, 24);
    this.nonce = clientNonce + randomBytes(18).toString('base64');
    this.serverFirst = `r=${this.nonce},s=${salt.toString('base64')},i=${cred?.iterations ?? 4096}`;
    this.state = 'final';
    return { kind: 'challenge', token: Buffer.from(this.serverFirst) };
  }

  private final(msg: string): SaslStep {
    this.state = 'over';
    const i = msg.lastIndexOf(',p=');
    if (i < 0) return this.fail('malformed SCRAM client-final message');
    const withoutProof = msg.slice(0, i);
    const proof = Buffer.from(msg.slice(i + 3), 'base64');
    // As Kafka's server: the echoed nonce must end with ours (librdkafka sends its own nonce
    // in front of the full one; the proof below still covers exactly what it sent).
    if (!(attrs(withoutProof).get('r') ?? '').endsWith(this.nonce)) return this.fail('SCRAM nonce mismatch');
    // c= is the base64 of the gs2 header sent first (no channel binding data follows it).
    if (attrs(withoutProof).get('c') !== Buffer.from(this.gs2Header).toString('base64'))
      return this.fail('SCRAM channel binding (c=) does not match the gs2 header');
    const cred = this.creds.scram(this.user, this.mechanism);
    const failed = this.fail(
      `Authentication failed during authentication due to invalid credentials with SASL mechanism ${this.mechanism}`,
    );
    if (!cred) return failed;
    const h = scramHash(this.mechanism);
    const authMessage = `${this.firstBare},${this.serverFirst},${withoutProof}`;
    const clientSignature = createHmac(h, cred.storedKey).update(authMessage).digest();
    if (proof.length !== clientSignature.length) return failed;
    const clientKey = Buffer.alloc(proof.length);
    for (let k = 0; k < proof.length; k++) clientKey[k] = proof[k]! ^ clientSignature[k]!;
    if (!sameBytes(createHash(h).update(clientKey).digest(), cred.storedKey)) return failed;
    const serverSignature = createHmac(h, cred.serverKey).update(authMessage).digest('base64');
    return { kind: 'done', principal: `User:${this.user}`, token: Buffer.from(`v=${serverSignature}`) };
  }

  private fail(reason: string): SaslStep {
    this.state = 'over';
    return { kind: 'failed', reason };
  }
}

export function saslExchange(mechanism: string, creds: Credentials): SaslExchange {
  if (mechanism === 'PLAIN') return new PlainExchange(creds);
  if (mechanism === 'SCRAM-SHA-256' || mechanism === 'SCRAM-SHA-512') return new ScramExchange(creds, mechanism);
  throw new Error(`unsupported SASL mechanism ${mechanism}`);
}
