// Deterministic pseudo-random generation for the differential suites:
// the same seed gives the same cases on every machine, so a disagreement
// can be replayed.

/** mulberry32: a small, fast, well-distributed 32-bit generator. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = (items) => items[Math.floor(next() * items.length)];
  const chance = (p) => next() < p;
  return { next, int, pick, chance };
}

export const pad = (n, width) => String(n).padStart(width, '0');
