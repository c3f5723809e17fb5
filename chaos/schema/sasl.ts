// SASL credentials in a spec (the target's admin client, the load clients). The password comes
// from an environment variable (preferred: specs live in git) or is written inline; it is resolved
// only when a client is built, never logged, and a missing variable is a pre-flight error.
import { z } from 'zod';
import type { SASLOptions } from 'kafkajs';

export const saslSpec = z
  .strictObject({
    mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
    username: z.string().min(1),
    password: z.string().optional(),
    /** Environment variable holding the password. */
    passwordEnv: z.string().min(1).optional(),
  })
  .refine(
    (s) => (s.password === undefined) !== (s.passwordEnv === undefined),
    'give exactly one of password, passwordEnv',
  );
export type SaslSpec = z.infer<typeof saslSpec>;

/** kafkajs SASL options; throws naming the variable when passwordEnv is unset. */
export function resolveSasl(s: SaslSpec): SASLOptions {
  const password = s.passwordEnv === undefined ? s.password : process.env[s.passwordEnv];
  if (password === undefined) throw new Error(`SASL password variable ${s.passwordEnv} is not set`);
  return { mechanism: s.mechanism, username: s.username, password } as SASLOptions;
}
