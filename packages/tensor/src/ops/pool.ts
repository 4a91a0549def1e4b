// Pooling over NCHW float32 tensors with PyTorch's names, options and output sizes: max and average
// pooling (2-D, and 1-D as 2-D over a height of 1), adaptive average and adaptive max pooling. Max
// pooling is one op with two outputs, the maxima and their int32 indices (PyTorch's flat index within
// each input plane), and its gradient scatters through those indices.
import { type Conv2dGeometry, pool2dGeometry } from '@myelin/kernels-wasm';
import { checkOptions, describeValue } from '../errors.js';
import { kernels } from '../runtime.js';
import { tidy } from '../scope.js';
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { contiguousRaw, release, requireFloat } from './common.js';
import { type Pair, pairOption } from './conv.js';
import { defineOp } from './define.js';

/** Options of {@link maxPool2d}. */
export interface MaxPool2dOptions {
  /** Step between windows (default: the kernel size). */
  stride?: Pair | null;
  /** −∞ added on both sides (default 0), at most half the kernel size. */
  padding?: Pair;
  /** Spacing between window taps (default 1). */
  dilation?: Pair;
  /** Round the output size up (default false). */
  ceilMode?: boolean;
  /** Also return the int32 index of each maximum within its input plane (default false). */
  returnIndices?: boolean;
}

/** Options of {@link maxPool1d}. */
export interface MaxPool1dOptions {
  stride?: number | null;
  padding?: number;
  dilation?: number;
  ceilMode?: boolean;
  returnIndices?: boolean;
}

/** Options of {@link avgPool2d}. */
export interface AvgPool2dOptions {
  /** Step between windows (default: the kernel size). */
  stride?: Pair | null;
  /** Zeros added on both sides (default 0), at most half the kernel size. */
  padding?: Pair;
  /** Round the output size up (default false). */
  ceilMode?: boolean;
  /** Count the padding in each window's divisor (default true). */
  countIncludePad?: boolean;
  /** Divide every window's sum by this instead. */
  divisorOverride?: number | null;
}

/** Options of {@link avgPool1d}. */
export interface AvgPool1dOptions {
  stride?: number | null;
  padding?: number;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}

type PoolAttrs = {
  readonly kernel: readonly number[];
  readonly stride: readonly number[];
  readonly padding: readonly number[];
  readonly dilation: readonly number[];
  readonly ceilMode: boolean;
};

type AvgPoolAttrs = PoolAttrs & {
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;
};

type AdaptiveAttrs = { readonly outputSize: readonly number[] };

function geometry(x: { shape: readonly number[] }, attrs: PoolAttrs, fn: string): Conv2dGeometry {
  const [batch, channels, height, width] = x.shape as [number, number, number, number];
  return pool2dGeometry(
    {
      batch,
      channels,
      height,
      width,
      kernel: attrs.kernel as [number, number],
      stride: attrs.stride as [number, number],
      padding: attrs.padding as [number, number],
      dilation: attrs.dilation as [number, number],
      ceilMode: attrs.ceilMode,
    },
    fn,
  );
}

/** A zero gradient of `shape` (an output that received none). */
function zerosOf(shape: readonly number[]): Tensor {
  const z = Tensor._empty(shape);
  kernels.fill(z._ptr, z.size, 0);
  return z;
}

/** Gradient of max pooling: gx[plane, indices[o]] += gy[o], for dense gy and indices. */
function scatterMax(gy: Tensor | null, indices: Tensor, shape: readonly number[]): Tensor {
  if (gy === null) return zerosOf(shape);
  const [batch, channels, height, width] = shape as [number, number, number, number];
  const [, , outH, outW] = indices.shape as [number, number, number, number];
  const gx = Tensor._empty(shape);
  const g = contiguousRaw(gy);
  // The kernel reads only the plane count and the input and output sizes of the geometry.
  const plan: Conv2dGeometry = {
    batch,
    channels,
    height,
    width,
    kernelH: 1,
    kernelW: 1,
    strideH: 1,
    strideW: 1,
    padH: 0,
    padW: 0,
    dilationH: 1,
    dilationW: 1,
    outH,
    outW,
  };
  kernels.maxPool2dBackward(g._ptr, indices._ptr, gx._ptr, plan);
  release(g, gy);
  return gx;
}

const maxPool2dOp = defineOp<PoolAttrs>({
  name: 'maxPool2d',
  forward([x], attrs) {
    const g = geometry(x!, attrs, 'maxPool2d');
    const shape = [g.batch, g.channels, g.outH, g.outW];
    const out = Tensor._empty(shape);
    const indices = Tensor._empty(shape, 'int32');
    if (out.size > 0) {
      const xc = contiguousRaw(x!);
      kernels.maxPool2d(xc._ptr, out._ptr, indices._ptr, g);
      release(xc, x!);
    }
    return [out, indices];
  },
  save: (_, [, indices]) => [indices!],
  backward: ({ grads: [gy], saved: [indices], inputs: [x] }) => [scatterMax(gy ?? null, indices!, x!.shape)],
});

const avgPool2dOp = defineOp<AvgPoolAttrs>({
  name: 'avgPool2d',
  forward([x], attrs) {
    const g = geometry(x!, attrs, 'avgPool2d');
    const out = Tensor._empty([g.batch, g.channels, g.outH, g.outW]);
    if (out.size === 0) return out;
    const xc = contiguousRaw(x!);
    kernels.avgPool2d(xc._ptr, out._ptr, g, avgOptions(attrs));
    release(xc, x!);
    return out;
  },
  backward({ grads: [gy], attrs, inputs: [x] }) {
    const g = geometry(x!, attrs, 'avgPool2d');
    const gx = Tensor._empty(x!.shape);
    if (gx.size === 0) return [gx];
    const gyc = contiguousRaw(gy!);
    kernels.avgPool2dBackward(gyc._ptr, gx._ptr, g, avgOptions(attrs));
    release(gyc, gy!);
    return [gx];
  },
});

function avgOptions(attrs: AvgPoolAttrs): { countIncludePad: boolean; divisorOverride?: number } {
  return attrs.divisorOverride === null
    ? { countIncludePad: attrs.countIncludePad }
    : { countIncludePad: attrs.countIncludePad, divisorOverride: attrs.divisorOverride };
}

const adaptiveAvgPool2dOp = defineOp<AdaptiveAttrs>({
  name: 'adaptiveAvgPool2d',
  forward([x], { outputSize: [outH, outW] }) {
    const [batch, channels, height, width] = x!.shape as [number, number, number, number];
    const out = Tensor._empty([batch, channels, outH!, outW!]);
    if (out.size === 0) return out;
    const xc = contiguousRaw(x!);
    kernels.adaptiveAvgPool2d(xc._ptr, out._ptr, batch * channels, height, width, outH!, outW!);
    release(xc, x!);
    return out;
  },
  backward({
    grads: [gy],
    attrs: {
      outputSize: [outH, outW],
    },
    inputs: [x],
  }) {
    const [batch, channels, height, width] = x!.shape as [number, number, number, number];
    const gx = Tensor._empty(x!.shape);
    if (gx.size === 0) return [gx];
    const gyc = contiguousRaw(gy!);
    kernels.adaptiveAvgPool2dBackward(gyc._ptr, gx._ptr, batch * channels, height, width, outH!, outW!);
    release(gyc, gy!);
    return [gx];
  },
});

/** PyTorch's adaptive windows along one axis: [⌊i·in/out⌋, ⌈(i+1)·in/out⌉). */
function adaptiveWindows(size: number, out: number): [Int32Array, Int32Array] {
  const starts = new Int32Array(out);
  const ends = new Int32Array(out);
  for (let i = 0; i < out; i++) {
    starts[i] = Math.floor((i * size) / out);
    ends[i] = Math.ceil(((i + 1) * size) / out);
  }
  return [starts, ends];
}

const adaptiveMaxPool2dOp = defineOp<AdaptiveAttrs>({
  name: 'adaptiveMaxPool2d',
  forward([x], { outputSize: [outH, outW] }) {
    const [batch, channels, height, width] = x!.shape as [number, number, number, number];
    const shape = [batch, channels, outH!, outW!];
    const out = Tensor._empty(shape);
    const indices = Tensor._empty(shape, 'int32');
    const [y0, y1] = adaptiveWindows(height, outH!);
    const [x0, x1] = adaptiveWindows(width, outW!);
    const xc = contiguousRaw(x!);
    const f32 = kernels.f32;
    const i32 = kernels.i32;
    const src = xc._ptr >>> 2;
    let o = 0;
    const outAt = out._ptr >>> 2;
    const indexAt = indices._ptr >>> 2;
    for (let plane = 0; plane < batch * channels; plane++) {
      const base = src + plane * height * width;
      for (let oy = 0; oy < outH!; oy++) {
        for (let ox = 0; ox < outW!; ox++, o++) {
          let best = -1;
          let max = Number.NEGATIVE_INFINITY;
          for (let iy = y0[oy]!; iy < y1[oy]!; iy++) {
            for (let ix = x0[ox]!; ix < x1[ox]!; ix++) {
              const v = f32[base + iy * width + ix]!;
              // NaN propagates, as in PyTorch: the first NaN wins.
              if (best < 0 || v > max || (Number.isNaN(v) && !Number.isNaN(max))) {
                max = v;
                best = iy * width + ix;
              }
            }
          }
          f32[outAt + o] = max;
          i32[indexAt + o] = best;
        }
      }
    }
    release(xc, x!);
    return [out, indices];
  },
  save: (_, [, indices]) => [indices!],
  backward: ({ grads: [gy], saved: [indices], inputs: [x] }) => [scatterMax(gy ?? null, indices!, x!.shape)],
});

/** Checks a pooling input: a float32 tensor with `batched` or `batched − 1` dimensions. */
function poolInput(fn: string, input: unknown, batched: number): Tensor {
  if (!(input instanceof Tensor))
    throw new TypeError(`${fn}: input must be a tensor, got ${describeValue(input)}`);
  input._check(fn);
  requireFloat(fn, input);
  if (input.ndim !== batched && input.ndim !== batched - 1) {
    throw new RangeError(
      `${fn}: input must have ${batched - 1} or ${batched} dimensions, got shape ${formatShape(input.shape)}`,
    );
  }
  return input;
}

function flag(fn: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean')
    throw new TypeError(`${fn}: ${name} must be a boolean, got ${describeValue(value)}`);
  return value;
}

/** `x` as NCHW (unbatched [C, H, W] gets a batch of 1) and the function that undoes it on a result. */
function batched(x: Tensor): [Tensor, (t: Tensor) => Tensor] {
  return x.ndim === 4 ? [x, (t) => t] : [x.unsqueeze(0), (t) => t.squeeze(0)];
}

/** Resolves and checks pooling attributes in `fn`'s name (the geometry check throws there too). */
function poolAttrs(
  fn: string,
  x: Tensor,
  kernelSize: unknown,
  options: { stride?: unknown; padding?: unknown; dilation?: unknown; ceilMode?: unknown },
): PoolAttrs {
  const kernel = pairOption(fn, 'kernelSize', kernelSize, 1);
  const attrs: PoolAttrs = {
    kernel,
    stride:
      options.stride === undefined || options.stride === null
        ? kernel
        : pairOption(fn, 'stride', options.stride, 1),
    padding: pairOption(fn, 'padding', options.padding ?? 0, 0),
    dilation: pairOption(fn, 'dilation', options.dilation ?? 1, 1),
    ceilMode: flag(fn, 'ceilMode', options.ceilMode, false),
  };
  geometry(x, attrs, fn);
  return attrs;
}

/**
 * 2-D max pooling of `input` [N, C, H, W] (or unbatched [C, H, W]) as torch.nn.functional.max_pool2d.
 * With `returnIndices`, also returns each maximum's int32 index within its input plane
 * (row·W + column), as PyTorch does.
 *
 * @example
 * maxPool2d(randn([32, 6, 28, 28]), 2).shape; // [32, 6, 14, 14]
 * const [values, indices] = maxPool2d(x, 3, { stride: 2, padding: 1, returnIndices: true });
 */
export function maxPool2d(
  input: Tensor,
  kernelSize: Pair,
  options: MaxPool2dOptions & { returnIndices: true },
): [Tensor, Tensor];
export function maxPool2d(input: Tensor, kernelSize: Pair, options?: MaxPool2dOptions): Tensor;
export function maxPool2d(
  input: Tensor,
  kernelSize: Pair,
  options: MaxPool2dOptions = {},
): Tensor | [Tensor, Tensor] {
  // Intermediate views (unsqueeze, padding) are freed here; the graph keeps what it needs.
  return tidy(() => {
    const fn = 'maxPool2d';
    checkOptions(fn, options, ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices']);
    const [x, unbatch] = batched(poolInput(fn, input, 4));
    const attrs = poolAttrs(fn, x, kernelSize, options);
    const [values, indices] = maxPool2dOp([x], attrs) as [Tensor, Tensor];
    return flag(fn, 'returnIndices', options.returnIndices, false)
      ? [unbatch(values), unbatch(indices)]
      : unbatch(values);
  });
}

/**
 * 1-D max pooling of `input` [N, C, L] (or unbatched [C, L]): {@link maxPool2d} over a height of 1
 * (indices are positions along L).
 *
 * @example maxPool1d(tensor([[[1, 3, 2, 5, 4]]]), 2).toArray(); // [[[3, 5]]]
 */
export function maxPool1d(
  input: Tensor,
  kernelSize: number,
  options: MaxPool1dOptions & { returnIndices: true },
): [Tensor, Tensor];
export function maxPool1d(input: Tensor, kernelSize: number, options?: MaxPool1dOptions): Tensor;
export function maxPool1d(
  input: Tensor,
  kernelSize: number,
  options: MaxPool1dOptions = {},
): Tensor | [Tensor, Tensor] {
  // Intermediate views (unsqueeze, padding) are freed here; the graph keeps what it needs.
  return tidy(() => {
    const fn = 'maxPool1d';
    checkOptions(fn, options, ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices']);
    const x = poolInput(fn, input, 3).unsqueeze(-2);
    const [x4, unbatch] = batched(x);
    const attrs = poolAttrs(fn, x4, [1, single(fn, 'kernelSize', kernelSize, 1)], {
      stride:
        options.stride === undefined || options.stride === null
          ? null
          : [1, single(fn, 'stride', options.stride, 1)],
      padding: [0, single(fn, 'padding', options.padding ?? 0, 0)],
      dilation: [1, single(fn, 'dilation', options.dilation ?? 1, 1)],
      ceilMode: options.ceilMode,
    });
    const [values, indices] = maxPool2dOp([x4], attrs) as [Tensor, Tensor];
    const back = (t: Tensor) => unbatch(t).squeeze(-2);
    return flag(fn, 'returnIndices', options.returnIndices, false)
      ? [back(values), back(indices)]
      : back(values);
  });
}

function single(fn: string, name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(
      `${fn}: ${name} must be ${min === 0 ? 'a non-negative' : 'a positive'} integer, got ${describeValue(value)}`,
    );
  }
  return value;
}

function avgAttrs(fn: string, x: Tensor, kernelSize: unknown, options: AvgPool2dOptions): AvgPoolAttrs {
  const divisor = options.divisorOverride ?? null;
  if (divisor !== null && (typeof divisor !== 'number' || !Number.isInteger(divisor) || divisor < 1))
    throw new RangeError(`${fn}: divisorOverride must be a positive integer, got ${describeValue(divisor)}`);
  return {
    ...poolAttrs(fn, x, kernelSize, { ...options, dilation: 1 }),
    countIncludePad: flag(fn, 'countIncludePad', options.countIncludePad, true),
    divisorOverride: divisor,
  };
}

/**
 * 2-D average pooling of `input` [N, C, H, W] (or unbatched [C, H, W]) as
 * torch.nn.functional.avg_pool2d: with `countIncludePad` false the padding is left out of each
 * window's divisor; `divisorOverride` replaces the divisor.
 *
 * @example avgPool2d(randn([8, 16, 7, 7]), 3, { stride: 2, padding: 1, countIncludePad: false }).shape; // [8, 16, 4, 4]
 */
export function avgPool2d(input: Tensor, kernelSize: Pair, options: AvgPool2dOptions = {}): Tensor {
  // Intermediate views (unsqueeze, padding) are freed here; the graph keeps what it needs.
  return tidy(() => {
    const fn = 'avgPool2d';
    checkOptions(fn, options, ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride']);
    const [x, unbatch] = batched(poolInput(fn, input, 4));
    return unbatch(avgPool2dOp([x], avgAttrs(fn, x, kernelSize, options))[0]!);
  });
}

/**
 * 1-D average pooling of `input` [N, C, L] (or unbatched [C, L]): {@link avgPool2d} over a height of 1.
 *
 * @example avgPool1d(tensor([[[1, 3, 2, 6]]]), 2).toArray(); // [[[2, 4]]]
 */
export function avgPool1d(input: Tensor, kernelSize: number, options: AvgPool1dOptions = {}): Tensor {
  // Intermediate views (unsqueeze, padding) are freed here; the graph keeps what it needs.
  return tidy(() => {
    const fn = 'avgPool1d';
    checkOptions(fn, options, ['stride', 'padding', 'ceilMode', 'countIncludePad']);
    const [x4, unbatch] = batched(poolInput(fn, input, 3).unsqueeze(-2));
    const attrs = avgAttrs(fn, x4, [1, single(fn, 'kernelSize', kernelSize, 1)], {
      stride:
        options.stride === undefined || options.stride === null
          ? null
          : [1, single(fn, 'stride', options.stride, 1)],
      padding: [0, single(fn, 'padding', options.padding ?? 0, 0)],
      ceilMode: options.ceilMode ?? false,
      countIncludePad: options.countIncludePad ?? true,
    });
    return unbatch(avgPool2dOp([x4], attrs)[0]!).squeeze(-2);
  });
}

/** An adaptive pool's output size: a number, or [h, w] where null keeps the input's size. */
function outputSizeOf(fn: string, x: Tensor, outputSize: unknown): [number, number] {
  const items = typeof outputSize === 'number' ? [outputSize, outputSize] : outputSize;
  const ok =
    Array.isArray(items) &&
    items.length === 2 &&
    items.every((v) => v === null || (typeof v === 'number' && Number.isInteger(v) && v >= 1));
  if (!ok) {
    throw new RangeError(
      `${fn}: outputSize must be a positive integer or a pair of them (null keeps the input size), got ${describeValue(outputSize)}`,
    );
  }
  const [h, w] = items as (number | null)[];
  const size: [number, number] = [h ?? x.shape[2]!, w ?? x.shape[3]!];
  if (x.shape[2] === 0 || x.shape[3] === 0)
    throw new RangeError(`${fn}: input of shape ${formatShape(x.shape)} has an empty plane`);
  return size;
}

/**
 * Adaptive average pooling of `input` [N, C, H, W] (or unbatched [C, H, W]) to `outputSize`, as
 * torch.nn.functional.adaptive_avg_pool2d: window i along an axis covers [⌊i·in/out⌋, ⌈(i+1)·in/out⌉).
 *
 * @example adaptiveAvgPool2d(randn([8, 512, 7, 7]), 1).shape; // [8, 512, 1, 1]: global average pooling
 */
export function adaptiveAvgPool2d(
  input: Tensor,
  outputSize: number | readonly [number | null, number | null],
): Tensor {
  // Intermediate views (unsqueeze, padding) are freed here; the graph keeps what it needs.
  return tidy(() => {
    const fn = 'adaptiveAvgPool2d';
    const [x, unbatch] = batched(poolInput(fn, input, 4));
    return unbatch(adaptiveAvgPool2dOp([x], { outputSize: outputSizeOf(fn, x, outputSize) })[0]!);
  });
}

/**
 * Adaptive max pooling of `input` [N, C, H, W] (or unbatched [C, H, W]) to `outputSize`, with
 * {@link adaptiveAvgPool2d}'s windows; `returnIndices` also returns each maximum's int32 index within
 * its input plane.
 *
 * @example adaptiveMaxPool2d(randn([2, 3, 7, 6]), [3, 4]).shape; // [2, 3, 3, 4]
 */
export function adaptiveMaxPool2d(
  input: Tensor,
  outputSize: number | readonly [number | null, number | null],
  options: { returnIndices: true },
): [Tensor, Tensor];
export function adaptiveMaxPool2d(
  input: Tensor,
  outputSize: number | readonly [number | null, number | null],
  options?: { returnIndices?: boolean },
): Tensor;
export function adaptiveMaxPool2d(
  input: Tensor,
  outputSize: number | readonly [number | null, number | null],
  options: { returnIndices?: boolean } = {},
): Tensor | [Tensor, Tensor] {
  // Intermediate views (unsqueeze, padding) are freed here; the graph keeps what it needs.
  return tidy(() => {
    const fn = 'adaptiveMaxPool2d';
    checkOptions(fn, options, ['returnIndices']);
    const [x, unbatch] = batched(poolInput(fn, input, 4));
    const [values, indices] = adaptiveMaxPool2dOp([x], { outputSize: outputSizeOf(fn, x, outputSize) }) as [
      Tensor,
      Tensor,
    ];
    return flag(fn, 'returnIndices', options.returnIndices, false)
      ? [unbatch(values), unbatch(indices)]
      : unbatch(values);
  });
}
