// Augmentation and normalisation of float32 image batches [N, C, H, W] (or one image [C, H, W]),
// each one pass of a SIMD kernel writing a new tensor. augment.ts exposes them both as these direct
// calls and as composable transforms.
import { defaultGenerator, describeValue, Generator, kernels, type Tensor, zeros } from '@myelin/tensor';

interface BatchLayout {
  batch: number;
  channels: number;
  height: number;
  width: number;
}

/** Shape of `x` as a batch (one image counts as a batch of one); throws unless it is a live float32 image tensor. */
function batchLayout(op: string, x: unknown): BatchLayout {
  if (typeof x !== 'object' || x === null || !('ndim' in x)) {
    throw new TypeError(`${op}: expected a tensor of images, got ${describeValue(x)}`);
  }
  const t = x as Tensor;
  if (t.ndim !== 3 && t.ndim !== 4) {
    throw new RangeError(
      `${op}: expected [N, C, H, W] or [C, H, W] images, got shape [${t.shape.join(',')}]`,
    );
  }
  if (t.dtype !== 'float32') throw new TypeError(`${op}: expected float32 images, got ${t.dtype}`);
  const [channels, height, width] = t.shape.slice(-3) as [number, number, number];
  return { batch: t.ndim === 4 ? t.shape[0]! : 1, channels, height, width };
}

/** Runs `fn` with a pointer to `x`'s elements in contiguous order (a temporary copy for a strided view). */
function withContiguous<T>(x: Tensor, fn: (pointer: number) => T): T {
  if (x.isContiguous) return fn(x.dataPointer);
  const copy = x.contiguous();
  try {
    return fn(copy.dataPointer);
  } finally {
    copy.dispose();
  }
}

function checkGenerator(op: string, generator: unknown): Generator {
  if (generator === undefined) return defaultGenerator;
  if (!(generator instanceof Generator)) {
    throw new TypeError(`${op}: generator must be a Generator, got ${describeValue(generator)}`);
  }
  return generator;
}

function isNonNegativeInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 2 ** 31 - 1;
}

/** Options of {@link randomCrop}. */
export interface RandomCropOptions {
  /** Zeros added on every side before cropping; default 0. */
  padding?: number;
  /** Where the offsets are drawn from; default the global generator (see `manualSeed`). */
  generator?: Generator;
}

/**
 * Pads every image with `padding` zeros on each side and crops a [height, width] window at a random
 * offset per image (drawn top then left, uniformly over the windows that fit). One kernel pass.
 */
export function cropBatch(
  x: Tensor,
  size: number | readonly [number, number],
  options: RandomCropOptions,
): Tensor {
  const op = 'randomCrop';
  const layout = batchLayout(op, x);
  const { padding = 0 } = options;
  if (!isNonNegativeInteger(padding)) {
    throw new RangeError(`${op}: padding must be an integer >= 0, got ${describeValue(padding)}`);
  }
  const [outH, outW] = typeof size === 'number' ? [size, size] : (size ?? []);
  if (!isNonNegativeInteger(outH) || !isNonNegativeInteger(outW) || outH < 1 || outW < 1) {
    throw new RangeError(`${op}: size must be an integer >= 1 or a pair of them, got ${describeValue(size)}`);
  }
  const [padH, padW] = [layout.height + 2 * padding, layout.width + 2 * padding];
  if (outH > padH || outW > padW) {
    throw new RangeError(`${op}: crop ${outH}×${outW} is larger than the padded image ${padH}×${padW}`);
  }
  const generator = checkGenerator(op, options.generator);
  const offsets: number[] = [];
  for (let n = 0; n < layout.batch; n++) {
    offsets.push(
      generator.nextInt(0, padH - outH + 1) - padding,
      generator.nextInt(0, padW - outW + 1) - padding,
    );
  }
  const shape = x.ndim === 4 ? [layout.batch, layout.channels, outH, outW] : [layout.channels, outH, outW];
  const out = zeros(shape);
  withContiguous(x, (src) => kernels.cropPadded2d(src, out.dataPointer, { ...layout, outH, outW }, offsets));
  return out;
}

/** Options of {@link randomHorizontalFlip}. */
export interface RandomHorizontalFlipOptions {
  /** Probability that an image is flipped; default 0.5. */
  p?: number;
  /** Where the coin flips are drawn from; default the global generator (see `manualSeed`). */
  generator?: Generator;
}

/** Mirrors each image left–right with probability p (one draw per image). One kernel pass. */
export function flipBatch(x: Tensor, options: RandomHorizontalFlipOptions): Tensor {
  const op = 'randomHorizontalFlip';
  const layout = batchLayout(op, x);
  const { p = 0.5 } = options;
  if (!(typeof p === 'number' && p >= 0 && p <= 1)) {
    throw new RangeError(`${op}: p must be in [0, 1], got ${describeValue(p)}`);
  }
  const generator = checkGenerator(op, options.generator);
  const flip = Array.from({ length: layout.batch }, () => generator.nextFloat() < p);
  const out = zeros(x.shape);
  withContiguous(x, (src) =>
    kernels.flipHorizontal(
      src,
      out.dataPointer,
      layout.batch,
      layout.channels * layout.height,
      layout.width,
      flip,
    ),
  );
  return out;
}

/** (x − mean[c]) / std[c] per channel, as x · (1/std) + (−mean/std). One kernel pass. */
export function normalizeBatch(x: Tensor, mean: readonly number[], std: readonly number[]): Tensor {
  const op = 'normalize';
  const layout = batchLayout(op, x);
  const perChannel = (name: string, values: unknown): number[] => {
    if (
      !Array.isArray(values) ||
      (values.length !== layout.channels && values.length !== 1) ||
      !values.every((v) => typeof v === 'number' && Number.isFinite(v))
    ) {
      throw new RangeError(
        `${op}: ${name} must be ${layout.channels === 1 ? '1 finite number' : `1 or ${layout.channels} finite numbers`} (one per channel of [${x.shape.join(',')}]), got ${describeValue(values)}`,
      );
    }
    return values.length === 1 ? new Array<number>(layout.channels).fill(values[0]) : [...values];
  };
  const m = perChannel('mean', mean);
  const s = perChannel('std', std);
  const zero = s.indexOf(0);
  if (zero >= 0) throw new RangeError(`${op}: std[${zero}] is 0, which would divide by zero`);
  const out = zeros(x.shape);
  withContiguous(x, (src) =>
    kernels.channelAffine(
      src,
      out.dataPointer,
      layout.batch,
      layout.channels,
      layout.height * layout.width,
      s.map((v) => 1 / v),
      m.map((v, c) => -v / s[c]!),
    ),
  );
  return out;
}
