// Classic image filters (the course notes' convolution examples) and 2-D filtering of images.
import { type Tensor, tensor } from '@myelin/tensor';

/** A filter kernel: rows of weights (odd sizes). */
export type FilterKernel = readonly (readonly number[])[];

/** Normalised Gaussian kernel of odd `size` with standard deviation `sigma`. */
export function gaussianKernel(size = 5, sigma = 1): FilterKernel {
  if (!Number.isInteger(size) || size < 1 || size % 2 === 0)
    throw new RangeError(`gaussianKernel: size must be a positive odd integer, got ${size}`);
  if (!(sigma > 0)) throw new RangeError(`gaussianKernel: sigma must be > 0, got ${sigma}`);
  const h = (size - 1) / 2;
  const w = Array.from({ length: size }, (_, i) => Math.exp(-((i - h) ** 2) / (2 * sigma * sigma)));
  const total = w.reduce((a, b) => a + b, 0) ** 2;
  return w.map((a) => w.map((b) => (a * b) / total));
}

/** Ready kernels: box (mean) blur 3×3, the binomial Gaussian 5×5, Sobel x and y. */
export const filters = {
  meanBlur: Array.from({ length: 3 }, () => [1 / 9, 1 / 9, 1 / 9]) as FilterKernel,
  gaussian5x5: ((): FilterKernel => {
    const b = [1, 4, 6, 4, 1];
    return b.map((a) => b.map((c) => (a * c) / 256));
  })(),
  sobelX: [
    [-1, 0, 1],
    [-2, 0, 2],
    [-1, 0, 1],
  ] as FilterKernel,
  sobelY: [
    [-1, -2, -1],
    [0, 0, 0],
    [1, 2, 1],
  ] as FilterKernel,
};

/**
 * Filters images with `kernel` by 2-D cross-correlation (the "convolution" of CNNs and of the course
 * notes): out[y][x] = Σ k[i][j]·img[y + i − h][x + j − w]. Images are [H, W], [C, H, W] or
 * [N, C, H, W]; every channel is filtered alike. The output has the input's shape; pixels beyond
 * the border repeat the nearest edge pixel (`border: 'replicate'`, default) or are 0 ('zero').
 *
 * @example const edges = filter2d(image, filters.sobelX);
 */
export function filter2d(
  images: Tensor,
  kernel: FilterKernel,
  options: { border?: 'replicate' | 'zero' } = {},
): Tensor {
  const { border = 'replicate' } = options;
  if (images.ndim < 2 || images.ndim > 4)
    throw new RangeError(
      `filter2d: expected [H, W], [C, H, W] or [N, C, H, W] images, got shape [${images.shape.join(',')}]`,
    );
  const kh = kernel.length;
  const kw = kernel[0]?.length ?? 0;
  if (kh % 2 === 0 || kw % 2 === 0 || kernel.some((row) => row.length !== kw)) {
    throw new RangeError(`filter2d: the kernel must be a rectangle of odd size, got ${kh}×${kw}`);
  }
  const height = images.shape[images.ndim - 2]!;
  const width = images.shape[images.ndim - 1]!;
  const planes = images.size / (height * width);
  const input = images.data();
  const out = new Float32Array(input.length);
  const [hh, hw] = [(kh - 1) / 2, (kw - 1) / 2];
  for (let p = 0; p < planes; p++) {
    const base = p * height * width;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let sum = 0;
        for (let i = 0; i < kh; i++) {
          let sy = y + i - hh;
          if (sy < 0 || sy >= height) {
            if (border === 'zero') continue;
            sy = Math.min(Math.max(sy, 0), height - 1);
          }
          for (let j = 0; j < kw; j++) {
            let sx = x + j - hw;
            if (sx < 0 || sx >= width) {
              if (border === 'zero') continue;
              sx = Math.min(Math.max(sx, 0), width - 1);
            }
            sum += kernel[i]![j]! * input[base + sy * width + sx]!;
          }
        }
        out[base + y * width + x] = sum;
      }
    }
  }
  return tensor(out, { shape: [...images.shape] });
}
