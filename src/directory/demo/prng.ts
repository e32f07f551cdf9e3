/**
 * Seeded pseudo-random numbers for the demo seed. Demo data must be reproducible (same seed,
 * same directory on every machine), so nothing here touches Math.random.
 */

export type Rng = () => number;

/** mulberry32: a tiny 32-bit generator, uniform enough for demo data (not for anything secret). */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Derives an independent stream per concern (structure, people, channels) from one seed, so that
 * e.g. asking for more collaborators does not reshuffle the organisation tree.
 */
export function deriveRng(seed: number, label: string): Rng {
  let h = (0x811c9dc5 ^ seed) >>> 0; // FNV-1a over the label, keyed by the seed
  for (let i = 0; i < label.length; i++) {
    h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  }
  return mulberry32(h);
}

/** Integer in [min, max], both inclusive. */
export function randomInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

export function chance(rng: Rng, probability: number): boolean {
  return rng() < probability;
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new RangeError('cannot pick from an empty list');
  return items[Math.floor(rng() * items.length)]!;
}

/** A weighted picker; cumulative weights are computed once because it is called thousands of times. */
export function weightedPicker<T>(entries: ReadonlyArray<readonly [T, number]>): (rng: Rng) => T {
  const cumulative: number[] = [];
  let total = 0;
  for (const [, weight] of entries) {
    if (!(weight > 0)) throw new RangeError('weights must be positive');
    total += weight;
    cumulative.push(total);
  }
  if (entries.length === 0) throw new RangeError('cannot pick from an empty list');
  return (rng) => {
    const x = rng() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (x < cumulative[mid]!) hi = mid;
      else lo = mid + 1;
    }
    return entries[lo]![0];
  };
}

/** k distinct items in random order (partial Fisher–Yates on a copy). */
export function sample<T>(rng: Rng, items: readonly T[], k: number): T[] {
  const copy = items.slice();
  const n = Math.min(k, copy.length);
  for (let i = 0; i < n; i++) {
    const j = randomInt(rng, i, copy.length - 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}

/** A string of `length` characters drawn from `alphabet`. */
export function randomString(rng: Rng, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(rng() * alphabet.length)];
  return out;
}
