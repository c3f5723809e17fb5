// Admin calls that go to "the controller" kafkajs finds in its cached metadata: right after an
// election (or on an overloaded host) that can be -1 for a moment ("Broker -1 not found in the
// cached metadata"), which should not fail a whole drill. Used by the admin faults and the load
// driver's topic creation.

/** Runs `fn` up to `attempts` times, 1 s apart; the last failure is rethrown naming `what`. */
export async function withAdminRetry<T>(what: string, fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (i >= attempts) throw new Error(`${what}: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
