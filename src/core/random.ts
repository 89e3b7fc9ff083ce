// Seeded randomness for synthetic data, simulations and evaluation splits: every run of a
// benchmark, an evaluation or the demo's trainer prints the same figures.

/** mulberry32: small, fast and good enough for synthetic data; never for anything secret. */
export function createRng(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Standard normal draws by Box–Muller from a uniform generator. */
export function createGaussian(uniform: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform())
}
