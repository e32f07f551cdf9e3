import { describe, expect, it } from 'vitest';
import { chance, deriveRng, mulberry32, pick, randomInt, randomString, sample, weightedPicker } from './prng.js';

const draw = (rng: () => number, n: number) => Array.from({ length: n }, rng);

describe('mulberry32', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(draw(mulberry32(42), 20)).toEqual(draw(mulberry32(42), 20));
    expect(draw(mulberry32(42), 20)).not.toEqual(draw(mulberry32(43), 20));
  });

  it('matches the widely published mulberry32 formulation (unbounded accumulator)', () => {
    function published(a: number) {
      return () => {
        let t = (a += 0x6d2b79f5);
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
    }
    for (const seed of [0, 1, 42, 123456789, 0x7fffffff]) {
      expect(draw(mulberry32(seed), 1_000)).toEqual(draw(published(seed), 1_000));
    }
  });

  it('stays in [0, 1) and is roughly uniform', () => {
    const values = draw(mulberry32(7), 20_000);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    const buckets = new Array<number>(10).fill(0);
    for (const v of values) buckets[Math.floor(v * 10)]!++;
    for (const b of buckets) expect(b).toBeGreaterThan(1_700);
    for (const b of buckets) expect(b).toBeLessThan(2_300);
  });

  it('treats seeds modulo 2^32', () => {
    expect(draw(mulberry32(-1), 5)).toEqual(draw(mulberry32(0xffffffff), 5));
  });
});

describe('deriveRng', () => {
  it('gives independent, reproducible streams per label', () => {
    expect(draw(deriveRng(1, 'people'), 10)).toEqual(draw(deriveRng(1, 'people'), 10));
    expect(draw(deriveRng(1, 'people'), 10)).not.toEqual(draw(deriveRng(1, 'channels'), 10));
    expect(draw(deriveRng(1, 'people'), 10)).not.toEqual(draw(deriveRng(2, 'people'), 10));
  });
});

describe('helpers', () => {
  it('randomInt covers both bounds and nothing outside', () => {
    const rng = mulberry32(3);
    const seen = new Set(Array.from({ length: 2_000 }, () => randomInt(rng, 2, 5)));
    expect([...seen].sort()).toEqual([2, 3, 4, 5]);
  });

  it('chance honours 0 and 1 and is near p in between', () => {
    const rng = mulberry32(5);
    expect(Array.from({ length: 100 }, () => chance(rng, 0)).some(Boolean)).toBe(false);
    expect(Array.from({ length: 100 }, () => chance(rng, 1)).every(Boolean)).toBe(true);
    const hits = Array.from({ length: 10_000 }, () => chance(rng, 0.3)).filter(Boolean).length;
    expect(hits).toBeGreaterThan(2_800);
    expect(hits).toBeLessThan(3_200);
  });

  it('pick throws on an empty list and returns members otherwise', () => {
    const rng = mulberry32(9);
    expect(() => pick(rng, [])).toThrow(RangeError);
    expect(['a', 'b']).toContain(pick(rng, ['a', 'b']));
  });

  it('weightedPicker follows the weights', () => {
    const rng = mulberry32(11);
    const pickOne = weightedPicker([
      ['rare', 1],
      ['common', 9],
    ] as const);
    const commons = Array.from({ length: 10_000 }, () => pickOne(rng)).filter((x) => x === 'common').length;
    expect(commons).toBeGreaterThan(8_800);
    expect(commons).toBeLessThan(9_200);
  });

  it('weightedPicker can return the last entry and rejects bad weights', () => {
    const rng = mulberry32(12);
    const pickOne = weightedPicker([
      ['a', 1],
      ['b', 1],
      ['c', 1],
    ] as const);
    expect(new Set(Array.from({ length: 300 }, () => pickOne(rng)))).toEqual(new Set(['a', 'b', 'c']));
    expect(() => weightedPicker([])).toThrow(RangeError);
    expect(() => weightedPicker([['a', 0]])).toThrow(RangeError);
    expect(() => weightedPicker([['a', Number.NaN]])).toThrow(RangeError);
  });

  it('sample returns k distinct members without touching the input', () => {
    const rng = mulberry32(13);
    const items = [1, 2, 3, 4, 5, 6];
    for (let k = 0; k <= 8; k++) {
      const s = sample(rng, items, k);
      expect(s).toHaveLength(Math.min(k, items.length));
      expect(new Set(s).size).toBe(s.length);
      for (const x of s) expect(items).toContain(x);
    }
    expect(items).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('randomString uses only the alphabet', () => {
    const s = randomString(mulberry32(17), 'xy', 200);
    expect(s).toMatch(/^[xy]{200}$/);
    expect(s).toContain('x');
    expect(s).toContain('y');
  });
});
