/**
 * xorshift32 (Marsaglia 2003): a tiny deterministic generator, so that benchmark and test order books are the
 * same on every run and machine. Not for anything that must be unpredictable.
 */

/** Numbers in [0, 1) from `seed`. */
export function makeRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x100000000;
  };
}
