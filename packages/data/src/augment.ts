// Data augmentation for images ([C, H, W] or batches [N, C, H, W]) and features: each is a
// function Tensor → Tensor, composable with `compose`.
import { describeValue, type Generator, noGrad, randn, Tensor } from '@myelin/tensor';
import { filter2d, gaussianKernel } from './filters.js';
import {
  cropBatch,
  flipBatch,
  normalizeBatch,
  type RandomCropOptions,
  type RandomHorizontalFlipOptions,
} from './image-batch.js';
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

/**
 * Mirrors each image left–right with probability p, one draw per image. Called with a batch
 * ([N, C, H, W] or [C, H, W] float32) it returns the flipped copy (one SIMD kernel pass), drawing
 * from `generator` (default the global one); called with p it returns a transform for `compose`
 * (seeded with `seed`, else the global generator).
 *
 * @example const flipped = randomHorizontalFlip(batch, { p: 0.5, generator: new Generator(0) });
 * @example const augment = compose(randomHorizontalFlip(0.5), randomCrop(28, { padding: 4 }));
 */
export function randomHorizontalFlip(batch: Tensor, options?: RandomHorizontalFlipOptions): Tensor;
export function randomHorizontalFlip(p?: number, options?: { seed?: number }): Transform;
export function randomHorizontalFlip(
  first: Tensor | number = 0.5,
  options: RandomHorizontalFlipOptions | { seed?: number } = {},
): Tensor | Transform {
  if (first instanceof Tensor) return flipBatch(first, options as RandomHorizontalFlipOptions);
  const p = first;
  if (!(typeof p === 'number' && p >= 0 && p <= 1))
    throw new RangeError(`randomHorizontalFlip: p must be in [0, 1], got ${describeValue(p)}`);
  const generator = generatorFor((options as { seed?: number }).seed);
  return (x) => flipBatch(x, { p, generator });
}

/**
 * Pads each image with `padding` zeros on every side and crops a random window of `size` (a number
 * for a square, or [height, width]) at an offset drawn per image: the classic translation
 * augmentation. Called with a batch ([N, C, H, W] or [C, H, W] float32) it returns the crops (one
 * SIMD kernel pass), drawing from `generator` (default the global one); called with a size it
 * returns a transform for `compose` (seeded with `seed`).
 *
 * @example const crops = randomCrop(batch, 28, { padding: 4, generator: new Generator(0) });
 * @example randomCrop([28, 28], { padding: 4, seed: 0 })(images)
 */
export function randomCrop(
  batch: Tensor,
  size: number | readonly [number, number],
  options?: RandomCropOptions,
): Tensor;
export function randomCrop(
  size: number | readonly [number, number],
  options?: { padding?: number; seed?: number },
): Transform;
export function randomCrop(
  first: Tensor | number | readonly [number, number],
  second?: number | readonly [number, number] | { padding?: number; seed?: number },
  third: RandomCropOptions = {},
): Tensor | Transform {
  if (first instanceof Tensor) return cropBatch(first, second as number | [number, number], third);
  const size = first;
  const { padding = 0, seed } = (second ?? {}) as { padding?: number; seed?: number };
  const generator: Generator = generatorFor(seed);
  return (x) => cropBatch(x, size, { padding, generator });
}

/**
 * Normalises each channel: (x − mean[c]) / std[c] (torchvision's `Normalize`; one value broadcasts
 * over every channel). Called with a batch ([N, C, H, W] or [C, H, W] float32) it returns the result
 * (one SIMD kernel pass, computed as x · (1/std) − mean/std, within a few float32 roundings of the
 * division); called with mean and std it returns a transform for `compose`.
 *
 * @example const x = normalize(images, [0.2860], [0.3530]); // Fashion-MNIST's mean and std
 * @example compose(randomCrop(32, { padding: 4 }), normalize([0.49, 0.48, 0.45], [0.25, 0.24, 0.26]))
 */
export function normalize(batch: Tensor, mean: readonly number[], std: readonly number[]): Tensor;
export function normalize(mean: readonly number[], std: readonly number[]): Transform;
export function normalize(
  first: Tensor | readonly number[],
  second: readonly number[],
  third?: readonly number[],
): Tensor | Transform {
  if (first instanceof Tensor) return normalizeBatch(first, second, third as readonly number[]);
  const [mean, std] = [[...first], [...second]];
  return (x) => normalizeBatch(x, mean, std);
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
