// Image kernels (crop of a zero-padded image, horizontal flip, per-channel affine, uint8 → float32)
// against plain JavaScript references, on both builds, at tail sizes and misaligned buffers.
import { describe, expect, it } from 'vitest';
import { loadAllVariants, put, TAIL_SIZES, take } from './testing/harness.js';
import { mulberry32, uniform } from './testing/random.js';

const variants = await loadAllVariants();

function referenceCrop(
  x: ArrayLike<number>,
  [batch, channels, height, width]: number[],
  [outH, outW]: number[],
  offsets: number[],
): number[] {
  const out: number[] = [];
  for (let n = 0; n < batch!; n++) {
    const [top, left] = [offsets[2 * n]!, offsets[2 * n + 1]!];
    for (let c = 0; c < channels!; c++) {
      for (let y = 0; y < outH!; y++) {
        for (let xx = 0; xx < outW!; xx++) {
          const [sy, sx] = [top + y, left + xx];
          const inside = sy >= 0 && sy < height! && sx >= 0 && sx < width!;
          out.push(inside ? x[((n * channels! + c) * height! + sy) * width! + sx]! : 0);
        }
      }
    }
  }
  return out;
}

describe.each(variants.map((k) => [k.variant, k] as const))('image kernels (%s)', (_, kernels) => {
  it('cropPadded2d equals the crop of the zero-padded image at every offset, odd sizes, misaligned', () => {
    const random = mulberry32(1);
    for (const [height, width, outH, outW, padding] of [
      [5, 7, 5, 7, 2],
      [6, 9, 4, 3, 1],
      [3, 3, 5, 5, 1],
      [4, 17, 4, 17, 4],
    ] as const) {
      const shape = [3, 2, height, width];
      const x = uniform(random, 3 * 2 * height * width, -1, 1);
      const offsetsList: number[] = [];
      for (let top = -padding; top <= height + padding - outH; top++) {
        for (let left = -padding; left <= width + padding - outW; left++) offsetsList.push(top, left);
      }
      for (let i = 0; i + 6 <= offsetsList.length; i += 2) {
        const offsets = offsetsList.slice(i, i + 6);
        const src = put(kernels, x, 1);
        const out = put(kernels, new Array(3 * 2 * outH * outW).fill(Number.NaN), 3);
        kernels.cropPadded2d(src, out, { batch: 3, channels: 2, height, width, outH, outW }, offsets);
        expect(Array.from(take(kernels, out, 3 * 2 * outH * outW))).toEqual(
          referenceCrop(x, shape, [outH, outW], offsets),
        );
      }
    }
  });

  it('cropPadded2d writes zeros, never reads outside, for offsets far off the image (even ±2^31)', () => {
    const x = [1, 2, 3, 4];
    for (const offsets of [
      [-(2 ** 31), 0],
      [0, -(2 ** 31)],
      [2 ** 31 - 1, 0],
      [0, 2 ** 31 - 1],
      [-5, 1],
      [1, 5],
    ]) {
      const src = put(kernels, x);
      const out = put(kernels, [9, 9, 9, 9]);
      kernels.cropPadded2d(
        src,
        out,
        { batch: 1, channels: 1, height: 2, width: 2, outH: 2, outW: 2 },
        offsets,
      );
      expect(Array.from(take(kernels, out, 4))).toEqual([0, 0, 0, 0]);
    }
    expect(() =>
      kernels.cropPadded2d(0, 0, { batch: 2, channels: 1, height: 1, width: 1, outH: 1, outW: 1 }, [0, 0]),
    ).toThrow('kernels-wasm cropPadded2d: expected 4 offsets, got 2');
    expect(() =>
      kernels.cropPadded2d(0, 0, { batch: 1, channels: 1, height: 1, width: 1, outH: 1, outW: 1 }, [
        0,
        2 ** 31,
      ]),
    ).toThrow('kernels-wasm cropPadded2d: offsets[1] is 2147483648, expected a 32-bit integer');
  });

  it('flipHorizontal mirrors the flagged images row by row and copies the others, at tail widths', () => {
    const random = mulberry32(2);
    for (const width of TAIL_SIZES.filter((w) => w > 0 && w <= 100)) {
      const rows = 3;
      const x = uniform(random, 2 * rows * width, -1, 1);
      const src = put(kernels, x, 1);
      const out = put(kernels, new Array(x.length).fill(Number.NaN), 2);
      kernels.flipHorizontal(src, out, 2, rows, width, [true, false]);
      const want = Array.from(x);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < width; c++) want[r * width + c] = x[r * width + width - 1 - c]!;
      }
      expect(Array.from(take(kernels, out, x.length))).toEqual(want);
    }
  });

  it('channelAffine is x·scale[c] + shift[c] rounded as float32 multiply then add, in place too', () => {
    const random = mulberry32(3);
    for (const plane of TAIL_SIZES) {
      const [batch, channels] = [2, 3];
      const x = uniform(random, batch * channels * plane, -3, 3);
      const scale = [1 / 0.3, -2, 0.5].map(Math.fround);
      const shift = [-0.1, 0, 7.25].map(Math.fround);
      const want = Array.from(x, (v, i) => {
        const c = Math.floor(i / plane) % channels;
        return Math.fround(Math.fround(v * scale[c]!) + shift[c]!);
      });
      const src = put(kernels, x, 1);
      const out = put(kernels, new Array(x.length).fill(0), 2);
      kernels.channelAffine(src, out, batch, channels, plane, scale, shift);
      expect(Array.from(take(kernels, out, x.length))).toEqual(want);
      kernels.channelAffine(src, src, batch, channels, plane, scale, shift);
      expect(Array.from(take(kernels, src, x.length))).toEqual(want);
    }
    expect(() => kernels.channelAffine(0, 0, 1, 2, 1, [1], [0, 0])).toThrow(
      'kernels-wasm channelAffine: expected 2 scales and shifts, got 1 and 2',
    );
  });

  it('u8ToF32 converts every byte value exactly as Math.fround(v / divisor), any offset and length', () => {
    for (const n of [...TAIL_SIZES, 256 + 15]) {
      for (const misalign of [0, 1, 3]) {
        const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + misalign) & 255);
        const src = kernels.allocate(n + misalign + 1) + misalign;
        kernels.u8.set(bytes, src);
        const out = put(kernels, new Array(n).fill(Number.NaN), 1);
        kernels.u8ToF32(src, out, n, 255);
        expect(Array.from(take(kernels, out, n))).toEqual(Array.from(bytes, (v) => Math.fround(v / 255)));
      }
    }
  });
});
