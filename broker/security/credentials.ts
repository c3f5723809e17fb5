// SASL users: passwords are read once at start from an env variable or a file (never from the
// config itself, never logged). For SCRAM only the salted keys are kept, as Kafka stores them.
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
export const SCRAM_ITERATIONS = 4096;

export interface ScramCredential {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

export const scramHash = (m: ScramMechanism) => (m === 'SCRAM-SHA-256' ? 'sha256' : 'sha512');

export function scramCredential(
  mechanism: ScramMechanism,
  password: string,
  salt = randomBytes(24),
  iterations = SCRAM_ITERATIONS,
): ScramCredential {
  const h = scramHash(mechanism);
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, h === 'sha256' ? 32 : 64, h);
  const clientKey = createHmac(h, salted).update('Client Key').digest();
  return {
    salt,
    iterations,
    storedKey: createHash(h).update(clientKey).digest(),
    serverKey: createHmac(h, salted).update('Server Key').digest(),
  };
}

export function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

interface UserEntry {
  plainDigest: Buffer;
  scram: Record<ScramMechanism, ScramCredential>;
}

/** The credential store of one broker. */
export class Credentials {
  private readonly users = new Map<string, UserEntry>();

  static load(
    users: Record<string, { passwordEnv?: string | undefined; passwordFile?: string | undefined }>,
    env: NodeJS.ProcessEnv = process.env,
  ): Credentials {
    const c = new Credentials();
    for (const [name, src] of Object.entries(users)) c.set(name, Credentials.passwordOf(name, src, env));
    return c;
  }

  /** A user's password from its source (the inter-broker login needs it in clear, as Kafka's JAAS file). */
  static passwordOf(
    name: string,
    src: { passwordEnv?: string | undefined; passwordFile?: string | undefined },
    env: NodeJS.ProcessEnv = process.env,
  ): string {
    let password: string | undefined;
    if (src.passwordEnv !== undefined) {
      password = env[src.passwordEnv];
      if (password === undefined)
        throw new Error(`SASL user ${name}: environment variable ${src.passwordEnv} is not set`);
    } else if (src.passwordFile !== undefined) {
      password = readFileSync(src.passwordFile, 'utf8').replace(/\r?\n$/, '');
    }
    if (password === undefined || password.length === 0) throw new Error(`SASL user ${name}: empty password`);
    return password;
  }

  set(name: string, password: string): void {
    this.users.set(name, {
      // PLAIN compares digests so the clear password is not kept around.
      plainDigest: createHash('sha256').update(password).digest(),
      scram: {
        'SCRAM-SHA-256': scramCredential('SCRAM-SHA-256', password),
        'SCRAM-SHA-512': scramCredential('SCRAM-SHA-512', password),
      },
    });
  }

  checkPlain(name: string, password: string): boolean {
    const u = this.users.get(name);
    return u !== undefined && sameBytes(u.plainDigest, createHash('sha256').update(password).digest());
  }

  scram(name: string, mechanism: ScramMechanism): ScramCredential | undefined {
    return this.users.get(name)?.scram[mechanism];
  }
}
