// randomCrop / randomHorizontalFlip / normalize on batches (issue 19 item 5): the SIMD kernels
// against plain JavaScript references drawing the same numbers from the same seeded Generator. Runs
// in both kernel builds (the node and node-relaxed projects) and every runtime.
import { Generator, rand, tensor } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import { compose, normalize, randomCrop, randomHorizontalFlip } from './index.js';

function referenceCrop(
  x: ArrayLike<number>,
  [n, c, h, w]: number[],
  [oh, ow]: number[],
  padding: number,
  g: Generator,
) {
  const out: number[] = [];
  for (let i = 0; i < n!; i++) {
    const top = g.nextInt(0, h! + 2 * padding - oh! + 1) - padding;
    const left = g.nextInt(0, w! + 2 * padding - ow! + 1) - padding;
    for (let ch = 0; ch < c!; ch++) {
      for (let y = 0; y < oh!; y++) {
        for (let xx = 0; xx < ow!; xx++) {
          const [sy, sx] = [top + y, left + xx];
          out.push(sy < 0 || sy >= h! || sx < 0 || sx >= w! ? 0 : x[((i * c! + ch) * h! + sy) * w! + sx]!);
        }
      }
    }
  }
  return out;
}

function referenceFlip(x: ArrayLike<number>, [n, c, h, w]: number[], p: number, g: Generator) {
  const out = Array.from(x);
  for (let i = 0; i < n!; i++) {
    if (!(g.nextFloat() < p)) continue;
    for (let row = i * c! * h!; row < (i + 1) * c! * h!; row++) {
      for (let col = 0; col < w!; col++) out[row * w! + col] = x[row * w! + w! - 1 - col]!;
    }
  }
  return out;
}

describe('image batch transforms', () => {
  it('randomCrop pads with zeros and crops at the seeded offsets (odd sizes, square and [h, w] sizes)', () => {
    for (const [shape, size, padding] of [
      [[5, 3, 7, 9], [7, 9], 2],
      [[4, 1, 28, 28], 28, 4],
      [[3, 2, 5, 6], [3, 4], 0],
      [[2, 1, 3, 3], 5, 1],
    ] as const) {
      const x = rand([...shape], { generator: new Generator(1) });
      const out = randomCrop(x, size, { padding, generator: new Generator(7) });
      const hw = typeof size === 'number' ? [size, size] : size;
      expect(out.shape).toEqual([shape[0], shape[1], ...hw]);
      expect(Array.from(out.data())).toEqual(
        referenceCrop(x.data(), [...shape], [...hw], padding, new Generator(7)),
      );
    }
  });

  it('randomCrop on one [C, H, W] image and on a strided view; the transform form draws the same crops', () => {
    const x = rand([2, 3, 6, 5], { generator: new Generator(2) });
    const view = x.transpose(2, 3); // [2, 3, 5, 6], not contiguous
    const out = randomCrop(view, [4, 4], { padding: 1, generator: new Generator(3) });
    expect(Array.from(out.data())).toEqual(
      referenceCrop(view.contiguous().data(), [2, 3, 5, 6], [4, 4], 1, new Generator(3)),
    );
    const image = x.slice(0, 0, 1).reshape([3, 6, 5]);
    expect(randomCrop(image, 3, { generator: new Generator(4) }).shape).toEqual([3, 3, 3]);
    expect(Array.from(randomCrop([4, 4], { padding: 1, seed: 3 })(view).data())).toEqual(
      Array.from(out.data()),
    );
  });

  it('randomHorizontalFlip flips the images whose seeded draw is below p, at odd widths', () => {
    for (const [shape, p] of [
      [[9, 2, 3, 7], 0.5],
      [[4, 1, 28, 28], 1],
      [[3, 3, 2, 1], 0.3],
      [[2, 1, 4, 5], 0],
    ] as const) {
      const x = rand([...shape], { generator: new Generator(5) });
      const out = randomHorizontalFlip(x, { p, generator: new Generator(11) });
      expect(out.shape).toEqual([...shape]);
      expect(Array.from(out.data())).toEqual(referenceFlip(x.data(), [...shape], p, new Generator(11)));
    }
    const x = rand([6, 1, 2, 3], { generator: new Generator(6) });
    expect(Array.from(randomHorizontalFlip(0.5, { seed: 9 })(x).data())).toEqual(
      Array.from(randomHorizontalFlip(x, { generator: new Generator(9) }).data()),
    );
  });

  it('normalize is (x − mean[c]) / std[c] per channel within float32 rounding; one value broadcasts', () => {
    const x = rand([3, 3, 5, 7], { generator: new Generator(8) });
    const [mean, std] = [
      [0.49, 0.48, 0.45],
      [0.25, 0.24, 0.26],
    ];
    const out = normalize(x, mean, std).data();
    const xs = x.data();
    for (let i = 0; i < xs.length; i++) {
      const c = Math.floor(i / 35) % 3;
      expect(Math.abs(out[i]! - (xs[i]! - mean[c]!) / std[c]!)).toBeLessThanOrEqual(2e-6);
    }
    const single = normalize([0.5], [0.5])(x).data();
    for (let i = 0; i < xs.length; i++)
      expect(Math.abs(single[i]! - (xs[i]! * 2 - 1))).toBeLessThanOrEqual(1e-6);
    const piped = compose(randomHorizontalFlip(1), normalize([0.5], [0.5]))(x);
    expect(piped.shape).toEqual([3, 3, 5, 7]);
  });

  it('validates shapes, dtypes and options, naming the function', () => {
    const x = rand([2, 3, 4, 4]);
    expect(() => randomCrop(x, 11, { padding: 3 })).toThrow(
      'randomCrop: crop 11×11 is larger than the padded image 10×10',
    );
    expect(() => randomCrop(x, 0)).toThrow(
      'randomCrop: size must be an integer >= 1 or a pair of them, got 0',
    );
    expect(() => randomCrop(x, 2, { padding: 1.5 })).toThrow(
      'randomCrop: padding must be an integer >= 0, got 1.5',
    );
    expect(() => randomCrop(rand([4, 4]), 2)).toThrow(
      'randomCrop: expected [N, C, H, W] or [C, H, W] images, got shape [4,4]',
    );
    expect(() => randomHorizontalFlip(x, { p: 2 })).toThrow(
      'randomHorizontalFlip: p must be in [0, 1], got 2',
    );
    expect(() => randomHorizontalFlip(tensor([[[1]]], { dtype: 'int32' }))).toThrow(
      'randomHorizontalFlip: expected float32 images, got int32',
    );
    expect(() => randomHorizontalFlip(x, { generator: {} as Generator })).toThrow(
      'randomHorizontalFlip: generator must be a Generator',
    );
    expect(() => normalize(x, [0, 0], [1, 1])).toThrow(
      'normalize: mean must be 1 or 3 finite numbers (one per channel of [2,3,4,4])',
    );
    expect(() => normalize(x, [0], [0])).toThrow('normalize: std[0] is 0, which would divide by zero');
    const gone = rand([1, 1, 2, 2]);
    gone.dispose();
    expect(() => normalize(gone, [0], [1])).toThrow(/disposed/);
  });
});
