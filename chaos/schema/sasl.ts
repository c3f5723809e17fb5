// SASL credentials in a spec (the target's admin client, the load clients). The password comes
// from an environment variable (preferred: specs live in git) or is written inline; kafka-client
// resolves it (saslCredentials) before anything runs, never logs it, and a missing variable is a
// pre-flight error.
import { z } from 'zod';
import { saslMechanisms } from '../../kafka-client/index.js';

export const saslSpec = z
  .strictObject({
    mechanism: z.enum(saslMechanisms),
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
