import { describe, expect, it } from 'vitest';
import { ReduceOp } from './opcodes.js';
import { expectClose } from './testing/compare.js';
import { loadAllVariants, put, take, takeI32 } from './testing/harness.js';
import { mulberry32, randomInt, uniform } from './testing/random.js';

/** Float64 reference of reducing [outer, len, inner] along the middle axis. */
function reference(
  op: ReduceOp,
  x: ArrayLike<number>,
  outer: number,
  len: number,
  inner: number,
): Float64Array {
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      let acc =
        op === ReduceOp.Sum ? 0 : op === ReduceOp.Max ? -Infinity : op === ReduceOp.Min ? Infinity : -1;
      let best = Number.NaN;
      for (let r = 0; r < len; r++) {
        const v = x[(o * len + r) * inner + j]!;
        if (op === ReduceOp.Sum) acc += v;
        else if (op === ReduceOp.Max)
          acc = Number.isNaN(v) || Number.isNaN(acc) ? Number.NaN : Math.max(acc, v);
        else if (op === ReduceOp.Min)
          acc = Number.isNaN(v) || Number.isNaN(acc) ? Number.NaN : Math.min(acc, v);
        else {
          const isMax = op === ReduceOp.ArgMax;
          const better =
            acc === -1 ||
            (Number.isNaN(v) && !Number.isNaN(best)) ||
            (!Number.isNaN(best) && (isMax ? v > best : v < best));
          if (better) {
            acc = r;
            best = v;
          }
        }
      }
      out[o * inner + j] = acc;
    }
  }
  return out;
}

/** Sum of |x| per output, for the summation error bound. */
function absSums(x: ArrayLike<number>, outer: number, len: number, inner: number): Float64Array {
  return reference(ReduceOp.Sum, Float64Array.from(x as ArrayLike<number>, Math.abs), outer, len, inner);
}

const SHAPES: [number, number, number][] = [
  [1, 0, 1],
  [1, 1, 1],
  [1, 7, 1],
  [3, 17, 1],
  [2, 1000, 1],
  [1, 4099, 1],
  [2, 5, 3],
  [3, 9, 4],
  [2, 33, 7],
  [1, 3, 64],
  [4, 0, 5],
  [0, 3, 3],
];

const variants = await loadAllVariants();

describe.each(variants.map((k) => [k.variant, k] as const))('reduction kernels (%s build)', (_, kernels) => {
  for (const [outer, len, inner] of SHAPES) {
    it(`sum, max, min, argmax, argmin over [${outer}, ${len}, ${inner}] along the middle axis`, () => {
      const random = mulberry32(outer * 1000 + len * 10 + inner);
      const x = uniform(random, outer * len * inner, -10, 10);
      const px = put(kernels, x, 1);
      const n = outer * inner;
      const out = put(kernels, new Float32Array(n));
      kernels.reduce(ReduceOp.Sum, px, out, outer, len, inner);
      // Error bound of blocked summation: a few roundings relative to Σ|x|.
      const bound = absSums(x, outer, len, inner);
      const got = take(kernels, out, n);
      const want = reference(ReduceOp.Sum, x, outer, len, inner);
      for (let i = 0; i < n; i++)
        expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(1e-6 * bound[i]! + 1e-30);
      for (const op of [ReduceOp.Max, ReduceOp.Min]) {
        kernels.reduce(op, px, out, outer, len, inner);
        expectClose(`op ${op}`, take(kernels, out, n), reference(op, x, outer, len, inner));
      }
      for (const op of [ReduceOp.ArgMax, ReduceOp.ArgMin]) {
        kernels.reduce(op, px, out, outer, len, inner);
        expect(Array.from(takeI32(kernels, out, n))).toEqual(Array.from(reference(op, x, outer, len, inner)));
      }
    });
  }

  it('argmax/argmin return the first occurrence of ties, in rows and columns', () => {
    const random = mulberry32(99);
    for (const [outer, len, inner] of [
      [5, 37, 1],
      [3, 11, 6],
      [2, 4, 9],
    ] as const) {
      const x = Float32Array.from({ length: outer * len * inner }, () => randomInt(random, 0, 3));
      const px = put(kernels, x);
      const out = put(kernels, new Float32Array(outer * inner));
      for (const op of [ReduceOp.ArgMax, ReduceOp.ArgMin]) {
        kernels.reduce(op, px, out, outer, len, inner);
        expect(Array.from(takeI32(kernels, out, outer * inner))).toEqual(
          Array.from(reference(op, x, outer, len, inner)),
        );
      }
    }
  });

  it('NaN wins max/min and argmax/argmin (first NaN), as in PyTorch', () => {
    for (const [len, inner] of [
      [9, 1],
      [9, 5],
    ] as const) {
      const x = Float32Array.from({ length: len * inner }, (_, i) =>
        i % 13 === 6 || i % 13 === 11 ? Number.NaN : i % 5,
      );
      const px = put(kernels, x);
      const out = put(kernels, new Float32Array(inner));
      for (const op of [ReduceOp.Max, ReduceOp.Min]) {
        kernels.reduce(op, px, out, 1, len, inner);
        expectClose(`op ${op} NaN`, take(kernels, out, inner), reference(op, x, 1, len, inner));
      }
      for (const op of [ReduceOp.ArgMax, ReduceOp.ArgMin]) {
        kernels.reduce(op, px, out, 1, len, inner);
        expect(Array.from(takeI32(kernels, out, inner))).toEqual(Array.from(reference(op, x, 1, len, inner)));
      }
    }
  });

  // Issue 19: short rows (a conv bias gradient's sums over 28 or 10 columns) are summed two at a
  // time, sharing the horizontal float64 sums: each must equal the row summed alone, bit for bit.
  it('sums short rows in pairs exactly as one row at a time: lengths 0–40, odd row counts, −0', () => {
    for (let len = 0; len <= 40; len++) {
      const outer = 5;
      // Magnitudes 1e−20…1e20: rows whose sums differ in every bit when mixed up.
      const x = uniform(mulberry32(len + 100), outer * len, -3, 3).map((v, i) =>
        i % 7 === 3 ? -0 : v * 10 ** (((i * 7919) % 41) - 20),
      );
      if (len > 0) x.fill(-0, 0, len); // an all −0 row sums to +0, as sumRow's 0 + … gives
      const px = put(kernels, x);
      const together = put(kernels, new Float32Array(outer));
      kernels.raw.reduce(ReduceOp.Sum, px, together, outer, len, 1);
      const alone = put(kernels, new Float32Array(outer));
      for (let o = 0; o < outer; o++)
        kernels.raw.reduce(ReduceOp.Sum, px + 4 * o * len, alone + 4 * o, 1, len, 1);
      const bits = (p: number) => Array.from(new Int32Array(take(kernels, p, outer).buffer));
      expect(bits(together)).toEqual(bits(alone));
    }
  });

  it('sums long rows without the error growth of naive float32 accumulation', () => {
    const n = 1_000_003;
    const x = new Float32Array(n).fill(0.1);
    const out = put(kernels, [0, 0]);
    kernels.reduce(ReduceOp.Sum, put(kernels, x), out, 1, n, 1);
    const exact = n * Math.fround(0.1);
    let naive = Math.fround(0);
    for (let i = 0; i < n; i++) naive = Math.fround(naive + x[i]!);
    // Each of the 16 lanes adds at most 16 values per 256-element block before the block's sum is
    // carried in float64, so the error bound is ~16u relative whatever the length; naive summation's
    // grows with n.
    expect(Math.abs(take(kernels, out, 1)[0]! - exact) / exact).toBeLessThan(16 * 2 ** -24);
    expect(Math.abs(naive - exact) / exact).toBeGreaterThan(1e-4); // what naive summation would give
    // Long columns too.
    const cols = new Float32Array(2 * 300_001).fill(0.1);
    kernels.reduce(ReduceOp.Sum, put(kernels, cols), out, 1, 300_001, 2);
    for (const v of take(kernels, out, 2))
      expect(Math.abs(v - 300_001 * Math.fround(0.1)) / (300_001 * 0.1)).toBeLessThan(256 * 2 ** -24);
  });

  it('pairwiseL1 distances between rows, at every tail size of the row length', () => {
    for (const d of [1, 3, 4, 5, 8, 13]) {
      const random = mulberry32(d);
      const [m, n] = [3, 4];
      const a = uniform(random, m * d, -2, 2);
      const b = uniform(random, n * d, -2, 2);
      const out = put(kernels, new Float32Array(m * n));
      kernels.raw.pairwiseL1(put(kernels, a, 1), put(kernels, b, 2), out, m, n, d);
      const want = new Float64Array(m * n);
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++)
          for (let k = 0; k < d; k++) want[i * n + j]! += Math.abs(a[i * d + k]! - b[j * d + k]!);
      expectClose(`pairwiseL1 d=${d}`, take(kernels, out, m * n), want, { rel: 1e-6 });
    }
  });

  it('sumSquares accumulates in float64', () => {
    for (const n of [0, 1, 5, 8, 17, 2051]) {
      const x = uniform(mulberry32(n), n, -3, 3);
      const want = x.reduce((s, v) => s + v * v, 0);
      expect(Math.abs(kernels.sumSquares(put(kernels, x, 3), n) - want)).toBeLessThanOrEqual(
        4 * 2 ** -24 * want,
      );
    }
  });
});
