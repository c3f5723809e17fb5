// The client side of a SASL login (PLAIN, SCRAM-SHA-256/512 per RFC 5802/7677), for a broker's own
// connections to another broker's inter-broker listener. Tokens go in SaslAuthenticate requests.
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { scramHash } from './credentials.js';
import type { InterBrokerLogin } from './index.js';

export interface SaslClientExchange {
  /** The first token to send. */
  readonly initial: Buffer;
  /** The server's answer to the last token: the next token to send, or null when the login is done. */
  next(server: Buffer): Buffer | null;
}

const escapeName = (s: string) => s.replace(/=/g, '=3D').replace(/,/g, '=2C');

export function saslClientExchange(login: InterBrokerLogin): SaslClientExchange {
  if (login.mechanism === 'PLAIN') {
    return { initial: Buffer.from(`\u0000${login.user}\u0000${login.password}`), next: () => null };
  }
  const h = scramHash(login.mechanism);
  const clientNonce = randomBytes(24).toString('base64');
  const firstBare = `n=${escapeName(login.user)},r=${clientNonce}`;
  let expectedServerSignature: Buffer | null = null;
  return {
    initial: Buffer.from(`n,,${firstBare}`),
    next(server) {
      const msg = server.toString('utf8');
      const a = new Map(msg.split(',').map((p) => [p.slice(0, 1), p.slice(2)] as const));
      if (expectedServerSignature === null) {
        const nonce = a.get('r') ?? '';
        if (!nonce.startsWith(clientNonce)) throw new Error('SCRAM server nonce does not extend ours');
        const salt = Buffer.from(a.get('s') ?? '', 'base64');
        const iterations = Number(a.get('i'));
        if (!Number.isInteger(iterations) || iterations < 4096) throw new Error('SCRAM iteration count too low');
        const salted = pbkdf2Sync(login.password.normalize('NFKC'), salt, iterations, h === 'sha256' ? 32 : 64, h);
        const clientKey = createHmac(h, salted).update('Client Key').digest();
        const storedKey = createHash(h).update(clientKey).digest();
        const withoutProof = `c=biws,r=${nonce}`;
        const authMessage = `${firstBare},${msg},${withoutProof}`;
        const signature = createHmac(h, storedKey).update(authMessage).digest();
        const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
        expectedServerSignature = createHmac(h, createHmac(h, salted).update('Server Key').digest())
          .update(authMessage)
          .digest();
        return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`);
      }
      const v = Buffer.from(a.get('v') ?? '', 'base64');
      if (v.length !== expectedServerSignature.length || !timingSafeEqual(v, expectedServerSignature))
        throw new Error('SCRAM server signature does not verify');
      return null;
    },
  };
}
