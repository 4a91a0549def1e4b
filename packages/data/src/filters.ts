// Classic image filters (the course notes' convolution examples) and 2-D filtering of images, as a
// one-filter conv2d of @myelin/tensor.
import { checkOptions, conv2d, describeValue, pad, type Tensor, tensor, tidy, zeros } from '@myelin/tensor';

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
 * the border repeat the nearest edge pixel (`border: 'replicate'`, default) or are 0 ('zero'). It is
 * `conv2d` with one filter over every plane (after `pad` in 'replicate' mode), so it runs on the
 * convolution kernels and is differentiable with respect to the images.
 *
 * @example const edges = filter2d(image, filters.sobelX);
 */
export function filter2d(
  images: Tensor,
  kernel: FilterKernel,
  options: { border?: 'replicate' | 'zero' } = {},
): Tensor {
  checkOptions('filter2d', options, ['border']);
  const { border = 'replicate' } = options;
  if (border !== 'replicate' && border !== 'zero')
    throw new RangeError(`filter2d: border must be 'replicate' or 'zero', got ${describeValue(border)}`);
  if (images.ndim < 2 || images.ndim > 4)
    throw new RangeError(
      `filter2d: expected [H, W], [C, H, W] or [N, C, H, W] images, got shape [${images.shape.join(',')}]`,
    );
  const kh = kernel.length;
  const kw = kernel[0]?.length ?? 0;
  if (kh % 2 === 0 || kw % 2 === 0 || kernel.some((row) => row.length !== kw)) {
    throw new RangeError(`filter2d: the kernel must be a rectangle of odd size, got ${kh}×${kw}`);
  }
  const [height, width] = images.shape.slice(-2) as [number, number];
  if (images.size === 0) return zeros(images.shape);
  const [hh, hw] = [(kh - 1) / 2, (kw - 1) / 2];
  return tidy(() => {
    // Every plane is a one-channel image of a batch, filtered by a one-filter convolution.
    const floats = images.dtype === 'float32' ? images : images.float();
    const planes = floats.reshape([-1, 1, height, width]);
    const weight = tensor(kernel.flat(), { shape: [1, 1, kh, kw] });
    const filtered =
      border === 'zero'
        ? conv2d(planes, weight, null, { padding: [hh, hw] })
        : conv2d(pad(planes, [hw, hw, hh, hh], { mode: 'replicate' }), weight);
    return filtered.reshape(images.shape);
  });
}
