// Data augmentation for images ([C, H, W] or batches [N, C, H, W]) and features: each is a
// function Tensor → Tensor, composable with `compose`.
import { type Generator, noGrad, randn, type Tensor, tensor } from '@myelin/tensor';
import { filter2d, gaussianKernel } from './filters.js';
import { generatorFor } from './shuffle.js';

/** A transform of a tensor (an augmentation or a preprocessing step). */
export type Transform = (x: Tensor) => Tensor;

/**
 * Applies transforms left to right.
 *
 * @example const augment = compose(randomHorizontalFlip(), gaussianNoise(0.05));
 */
export function compose(...transforms: Transform[]): Transform {
  return (x) => {
    let out = x;
    for (const t of transforms) {
      const next = t(out);
      if (out !== x && next !== out) out.dispose();
      out = next;
    }
    return out;
  };
}

/**
 * Adds Gaussian noise of standard deviation `sigma` (a regulariser and an augmentation).
 *
 * @example gaussianNoise(0.1)(x)
 */
export function gaussianNoise(sigma: number, options: { seed?: number } = {}): Transform {
  if (!(sigma >= 0)) throw new RangeError(`gaussianNoise: sigma must be >= 0, got ${sigma}`);
  const generator = generatorFor(options.seed);
  return (x) =>
    noGrad(() => {
      const noise = randn(x.shape, { generator });
      const scaled = noise.mul(sigma);
      const out = x.add(scaled);
      noise.dispose();
      scaled.dispose();
      return out;
    });
}

/** Number of images in `x` ([C, H, W] is one image) and the size of one. */
function imageLayout(op: string, x: Tensor): { count: number; size: number } {
  if (x.ndim !== 3 && x.ndim !== 4)
    throw new RangeError(
      `${op}: expected [C, H, W] or [N, C, H, W] images, got shape [${x.shape.join(',')}]`,
    );
  const count = x.ndim === 4 ? x.shape[0]! : 1;
  return { count, size: x.size / Math.max(count, 1) };
}

/**
 * Mirrors each image left–right with probability p.
 *
 * @example randomHorizontalFlip(0.5)(images)
 */
export function randomHorizontalFlip(p = 0.5, options: { seed?: number } = {}): Transform {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`randomHorizontalFlip: p must be in [0, 1], got ${p}`);
  const generator = generatorFor(options.seed);
  return (x) => {
    const { count, size } = imageLayout('randomHorizontalFlip', x);
    const width = x.shape[x.ndim - 1]!;
    const values = x.data();
    const out = Float32Array.from(values);
    for (let n = 0; n < count; n++) {
      if (generator.nextFloat() >= p) continue;
      for (let row = n * size; row < (n + 1) * size; row += width) {
        for (let c = 0; c < width; c++) out[row + c] = values[row + width - 1 - c]!;
      }
    }
    return tensor(out, { shape: [...x.shape] });
  };
}

/**
 * Pads each image with `padding` zeros on every side and crops a random [height, width] window
 * (the classic translation augmentation).
 *
 * @example randomCrop([28, 28], { padding: 4 })(images)
 */
export function randomCrop(
  size: [number, number],
  options: { padding?: number; seed?: number } = {},
): Transform {
  const { padding = 0 } = options;
  const generator: Generator = generatorFor(options.seed);
  return (x) => {
    const { count } = imageLayout('randomCrop', x);
    const [channels, height, width] = x.shape.slice(-3) as [number, number, number];
    const [outH, outW] = size;
    const [padH, padW] = [height + 2 * padding, width + 2 * padding];
    if (outH > padH || outW > padW)
      throw new RangeError(
        `randomCrop: crop ${outH}×${outW} is larger than the padded image ${padH}×${padW}`,
      );
    const values = x.data();
    const out = new Float32Array(count * channels * outH * outW);
    for (let n = 0; n < count; n++) {
      const top = generator.nextInt(0, padH - outH + 1) - padding;
      const left = generator.nextInt(0, padW - outW + 1) - padding;
      for (let c = 0; c < channels; c++) {
        for (let y = 0; y < outH; y++) {
          const sy = top + y;
          if (sy < 0 || sy >= height) continue;
          for (let xx = 0; xx < outW; xx++) {
            const sx = left + xx;
            if (sx < 0 || sx >= width) continue;
            out[((n * channels + c) * outH + y) * outW + xx] =
              values[((n * channels + c) * height + sy) * width + sx]!;
          }
        }
      }
    }
    return tensor(out, { shape: x.ndim === 4 ? [count, channels, outH, outW] : [channels, outH, outW] });
  };
}

/**
 * Gaussian blur with a `size`×`size` kernel of standard deviation `sigma`.
 *
 * @example gaussianBlur(5, 1)(images)
 */
export function gaussianBlur(size = 5, sigma = 1): Transform {
  const kernel = gaussianKernel(size, sigma);
  return (x) => filter2d(x, kernel);
}
