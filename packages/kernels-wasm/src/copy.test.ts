import { describe, expect, it } from 'vitest';
import { contiguousStrides, forEachIndex, sizeOf } from './testing/broadcast.js';
import { expectClose } from './testing/compare.js';
import { loadAllVariants, put, putI32, TAIL_SIZES, take, takeI32 } from './testing/harness.js';
import { mulberry32, uniform } from './testing/random.js';

/** Strides that read a contiguous tensor of `shape` permuted by `order`. */
function permutedView(shape: number[], order: number[]): { shape: number[]; strides: number[] } {
  const strides = contiguousStrides(shape);
  return { shape: order.map((d) => shape[d]!), strides: order.map((d) => strides[d]!) };
}

const variants = await loadAllVariants();

describe.each(variants.map((k) => [k.variant, k] as const))('layout kernels (%s build)', (_, kernels) => {
  const cases: [string, number[], number[]][] = [
    ['2-d transpose', [5, 9], [1, 0]],
    ['2-d transpose, multiples of 4', [8, 12], [1, 0]],
    ['batched transpose of the last two dims', [3, 6, 7], [0, 2, 1]],
    ['3-d permute', [4, 5, 6], [2, 0, 1]],
    ['4-d permute (NCHW → NHWC)', [2, 3, 4, 5], [0, 2, 3, 1]],
    ['identity (contiguous copy)', [3, 4], [0, 1]],
    ['tiny transpose below the block size', [2, 3], [1, 0]],
    ['empty', [0, 3], [1, 0]],
  ];
  for (const [name, shape, order] of cases) {
    it(`copyStrided: ${name}`, () => {
      const x = uniform(mulberry32(sizeOf(shape)), sizeOf(shape), -1, 1);
      const view = permutedView(shape, order);
      const out = put(kernels, new Float32Array(x.length));
      kernels.copyStrided(put(kernels, x), view.strides, out, view.shape);
      const want = new Float64Array(x.length);
      forEachIndex(view.shape, view.strides, view.strides, (i, o) => {
        want[i] = x[o]!;
      });
      expectClose(name, take(kernels, out, x.length), want);
    });
  }

  it('copyStrided materialises broadcasts (stride 0) and copies int32 bit-exactly', () => {
    const x = Int32Array.from([7, -8, 2147483647]);
    const out = put(kernels, new Float32Array(12));
    kernels.copyStrided(putI32(kernels, x), [0, 1], out, [4, 3]);
    expect(Array.from(takeI32(kernels, out, 12))).toEqual([
      7, -8, 2147483647, 7, -8, 2147483647, 7, -8, 2147483647, 7, -8, 2147483647,
    ]);
    kernels.copyStrided(putI32(kernels, x), [1, 0], out, [3, 4]);
    expect(Array.from(takeI32(kernels, out, 12))).toEqual([
      7, 7, 7, 7, -8, -8, -8, -8, 2147483647, 2147483647, 2147483647, 2147483647,
    ]);
  });

  it('copyIntoStrided scatters into a strided view and accumulates (summing stride-0 repeats)', () => {
    // Write a contiguous [3, 4] block into the transposed view of a [4, 3] buffer.
    const src = Float32Array.from({ length: 12 }, (_, i) => i + 1);
    const dst = put(kernels, new Float32Array(12));
    kernels.copyIntoStrided(put(kernels, src), dst, [1, 3], [3, 4]);
    const want = new Float64Array(12);
    forEachIndex([3, 4], [1, 3], [1, 3], (i, o) => {
      want[o] = src[i]!;
    });
    expectClose('scatter', take(kernels, dst, 12), want);
    // Accumulate a [2, 3] block into column 1..3 of a [2, 5] matrix (row stride 5), twice.
    const acc = put(kernels, new Float32Array(10).fill(1));
    const block = put(kernels, [1, 2, 3, 4, 5, 6]);
    kernels.copyIntoStrided(block, acc + 4, [5, 1], [2, 3], true);
    kernels.copyIntoStrided(block, acc + 4, [5, 1], [2, 3], true);
    expect(Array.from(take(kernels, acc, 10))).toEqual([1, 3, 5, 7, 1, 1, 9, 11, 13, 1]);
    // Stride 0 with accumulate sums a [4, 3] gradient into a [3] vector (reverse of broadcasting).
    const bias = put(kernels, new Float32Array(3));
    kernels.copyIntoStrided(
      put(
        kernels,
        Float32Array.from({ length: 12 }, (_, i) => i),
      ),
      bias,
      [0, 1],
      [4, 3],
      true,
    );
    expect(Array.from(take(kernels, bias, 3))).toEqual([18, 22, 26]);
  });

  it('transpose2d of every size up to 9×9 and of a sub-matrix with a row stride', () => {
    for (let rows = 0; rows <= 9; rows++) {
      for (let cols = 0; cols <= 9; cols++) {
        const x = Float32Array.from({ length: rows * cols }, (_, i) => i);
        const out = put(kernels, new Float32Array(rows * cols));
        kernels.transpose2d(put(kernels, x), out, rows, cols);
        const want = Float64Array.from(
          { length: rows * cols },
          (_, i) => (i % rows) * cols + Math.floor(i / rows),
        );
        expectClose(`${rows}x${cols}`, take(kernels, out, rows * cols), want);
      }
    }
    const x = Float32Array.from({ length: 6 * 10 }, (_, i) => i);
    const out = put(kernels, new Float32Array(6 * 7));
    kernels.transpose2d(put(kernels, x), out, 6, 7, 10); // the left 6×7 block of a 6×10 matrix
    const want = Float64Array.from({ length: 42 }, (_, i) => (i % 6) * 10 + Math.floor(i / 6));
    expectClose('sub-matrix', take(kernels, out, 42), want);
  });

  it('fill, fillI32 and the int32 ↔ float32 conversions at every tail size', () => {
    for (const n of TAIL_SIZES) {
      const p = put(kernels, new Float32Array(n + 2), 1);
      kernels.fill(p + 4, n, 2.5);
      const got = take(kernels, p, n + 2);
      expect(got[0]).toBe(0);
      expect(got[n + 1]).toBe(0); // nothing written past the end
      expect(got.subarray(1, n + 1).every((v) => v === 2.5)).toBe(true);
      kernels.fillI32(p, n, -3);
      expect(Array.from(takeI32(kernels, p, n))).toEqual(new Array(n).fill(-3));
      const ints = Int32Array.from({ length: n }, (_, i) => i * 4091 - 5000); // |v| < 2^24: exact in float32
      const floats = put(kernels, new Float32Array(n));
      kernels.raw.i32ToF32(putI32(kernels, ints), floats, n);
      expectClose('i32ToF32', take(kernels, floats, n), Array.from(ints));
      const back = put(kernels, new Float32Array(n));
      kernels.raw.f32ToI32(floats, back, n);
      expect(Array.from(takeI32(kernels, back, n))).toEqual(Array.from(ints));
    }
    const special = put(kernels, [Number.NaN, 3.9, -3.9, 1e10, -1e10]);
    kernels.raw.f32ToI32(special, special, 5);
    expect(Array.from(takeI32(kernels, special, 5))).toEqual([0, 3, -3, 2147483647, -2147483648]);
  });
});
