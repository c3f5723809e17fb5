// Randomness for toxicity rolls, jitter and slice sizes. Seedable (--seed) so a game day can be
// replayed with the same rolls; unseeded runs use Math.random.
export type Random = () => number;

/** mulberry32: small, fast, good enough for fault injection (not for cryptography). */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeRandom(seed?: number): Random {
  return seed === undefined ? Math.random : seededRandom(seed);
}

/** Uniform integer in [0, n) (Go's rand.Intn / Int63n); n must be > 0. */
export function randomInt(random: Random, n: number): number {
  return Math.floor(random() * n);
}
