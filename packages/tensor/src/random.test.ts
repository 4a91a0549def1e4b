import { describe, expect, it } from 'vitest';
import { Generator, manualSeed, rand, randint, randLike, randn, randnLike, randperm } from './index.js';

/** FNV-1a over the 32-bit patterns: equal checksums mean bit-identical tensors. */
function checksum(values: Float32Array | Int32Array): string {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length);
  let h = 0x811c9dc5;
  for (const w of words)
    for (let b = 0; b < 4; b++) h = Math.imul(h ^ ((w >>> (8 * b)) & 0xff), 0x01000193) >>> 0;
  return h.toString(16);
}

describe('seeded random numbers', () => {
  it('the same seed gives the same tensors', () => {
    manualSeed(42);
    const a = randn([100]).data();
    manualSeed(42);
    expect(randn([100]).data()).toEqual(a);
  });

  // These constants were computed once; the same test runs in Node, Deno and Chromium, so passing
  // everywhere proves the streams are bit-identical across runtimes.
  it('is bit-identical across runtimes (checksums)', () => {
    manualSeed(2024);
    expect(checksum(rand([1000]).data() as Float32Array)).toBe(RAND_CHECKSUM);
    expect(checksum(randn([1000]).data() as Float32Array)).toBe(RANDN_CHECKSUM);
    expect(checksum(randint(0, 10, [1000]).data() as Int32Array)).toBe(RANDINT_CHECKSUM);
    expect(checksum(randperm(1000).data() as Int32Array)).toBe(RANDPERM_CHECKSUM);
  });

  it('has the right distributions', () => {
    manualSeed(1);
    const u = rand([20_000]);
    expect(u.mean().item()).toBeCloseTo(0.5, 1);
    expect(u.min().item()).toBeGreaterThanOrEqual(0);
    expect(u.max().item()).toBeLessThan(1);
    const n = randn([20_000]);
    expect(Math.abs(n.mean().item())).toBeLessThan(0.03);
    expect(Math.abs(n.std().item() - 1)).toBeLessThan(0.03);
    const ints = Array.from(randint(3, 7, [1000]).data());
    expect(Math.min(...ints)).toBe(3);
    expect(Math.max(...ints)).toBe(6);
    expect([...randperm(10).data()].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('private generators do not disturb the default stream', () => {
    manualSeed(5);
    const a = rand([3]).data();
    manualSeed(5);
    rand([3], { generator: new Generator(9) });
    expect(rand([3]).data()).toEqual(a);
    expect(() => manualSeed(Number.NaN)).toThrow(/seed must be a finite number/);
    expect(() => randint(5, 5, [1])).toThrow(/expected integers low < high/);
  });

  // issue 12 #10: torch.Generator's manual_seed, and a generator for every random function.
  it('Generator.manualSeed reseeds and returns the generator; randLike and randnLike take one', () => {
    const g = new Generator(1);
    rand([5], { generator: g });
    expect(g.manualSeed(3)).toBe(g);
    expect(rand([4], { generator: g }).data()).toEqual(rand([4], { generator: new Generator(3) }).data());
    const like = rand([2, 2]);
    manualSeed(11);
    const a = randLike(like).data();
    const b = randnLike(like).data();
    manualSeed(0);
    expect(randLike(like, { generator: new Generator().manualSeed(11) }).data()).toEqual(a);
    const h = new Generator().manualSeed(11);
    randLike(like, { generator: h });
    expect(randnLike(like, { generator: h }).data()).toEqual(b);
  });
});

const RAND_CHECKSUM = '2796d744';
const RANDN_CHECKSUM = 'b03e4fd8';
const RANDINT_CHECKSUM = '5b651c60';
const RANDPERM_CHECKSUM = 'd4232f6d';
