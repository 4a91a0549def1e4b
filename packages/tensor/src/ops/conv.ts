// Convolutions over NCHW float32 tensors, with PyTorch's names, arguments and output sizes:
// conv2d, conv1d and convTranspose2d. One image of conv2d is `weight [Cout, C·kh·kw] × cols`, where
// `cols` is im2col of the image; each group uses its own block of rows of cols and of weight. Its
// input gradient is col2im(weightᵀ · gy) and its weight gradient gy · colsᵀ summed over the batch
// (one sgemmNTSum call). im2col and col2im run a chunk of images at a time, next to their products,
// so the columns are read while still in cache.
// With one input channel per group (a grey image's first layer, depthwise layers), stride 1 and
// dilation 1, conv2d runs direct kernels on zero-padded input planes instead (no columns; 1.3–4×
// faster than im2col + SGEMM at LeNet-5's first layer and a depthwise 3×3, see bench/README.md).
// With several input channels per group, stride 1, the forward runs direct when no weight gradient
// is wanted and the input gradient runs direct for 'same'-padded convolutions, where measured
// faster (see directWins); the weight gradient stays on the columns.
// A transposed convolution is the input gradient of a convolution (and its gradients are that
// convolution's forward and weight gradient), so the three helpers below serve both ops.
import {
  type Conv2dGeometry,
  colsLength,
  conv2dGeometry,
  type DirectConvGeometry,
  directPlane,
} from '@myelin/kernels-wasm';
import { checkOptions, describeValue } from '../errors.js';
import { kernels } from '../runtime.js';
import { tidy } from '../scope.js';
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { contiguousRaw, release, requireFloat } from './common.js';
import { defineOp } from './define.js';
import { pad } from './pad.js';

/** One value for both spatial axes, or `[height, width]`. */
export type Pair = number | readonly [number, number];

/** Options of {@link conv2d}. */
export interface Conv2dOptions {
  /** Step between windows (default 1). */
  stride?: Pair;
  /** Zeros added on both sides (default 0); 'same' keeps the input size (stride 1 only), 'valid' is 0. */
  padding?: Pair | 'same' | 'valid';
  /** Spacing between kernel taps (default 1). */
  dilation?: Pair;
  /** Input and output channels split into this many independent groups (default 1). */
  groups?: number;
}

/** Options of {@link conv1d}. */
export interface Conv1dOptions {
  stride?: number;
  padding?: number | 'same' | 'valid';
  dilation?: number;
  groups?: number;
}

/** Options of {@link convTranspose2d}. */
export interface ConvTranspose2dOptions {
  stride?: Pair;
  /** Removed from both sides of the output (default 0): the padding of the convolution it inverts. */
  padding?: Pair;
  /** Added to one side of the output (default 0), to pick among the sizes that stride rounds together. */
  outputPadding?: Pair;
  groups?: number;
  dilation?: Pair;
}

type ConvAttrs = {
  readonly stride: readonly number[];
  readonly padding: readonly number[];
  readonly dilation: readonly number[];
  readonly groups: number;
};

type ConvTransposeAttrs = ConvAttrs & { readonly outputPadding: readonly number[] };

/** `value` as [h, w] of integers ≥ `min`, or an error naming `fn` and the option. */
export function pairOption(fn: string, name: string, value: unknown, min: number): [number, number] {
  const items = typeof value === 'number' ? [value, value] : value;
  if (
    !Array.isArray(items) ||
    items.length !== 2 ||
    !items.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= min)
  ) {
    throw new RangeError(
      `${fn}: ${name} must be ${min === 0 ? 'a non-negative' : 'a positive'} integer or a pair of them, got ${describeValue(value)}`,
    );
  }
  return [items[0] as number, items[1] as number];
}

function groupsOption(fn: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw new RangeError(`${fn}: groups must be a positive integer, got ${describeValue(value)}`);
  return value;
}

function requireTensor(fn: string, name: string, t: unknown, ndims: readonly number[]): Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${fn}: ${name} must be a tensor, got ${describeValue(t)}`);
  t._check(fn);
  requireFloat(fn, t);
  if (!ndims.includes(t.ndim)) {
    throw new RangeError(
      `${fn}: ${name} must have ${ndims.join(' or ')} dimensions, got shape ${formatShape(t.shape)}`,
    );
  }
  return t;
}

/** Whether im2col would copy the input unchanged (1×1 kernel, stride 1, no padding). */
function isPointwise(g: Conv2dGeometry): boolean {
  return (
    g.kernelH === 1 && g.kernelW === 1 && g.strideH === 1 && g.strideW === 1 && g.padH === 0 && g.padW === 0
  );
}

/** Sizes of the per-group products: K = (channels/groups)·kh·kw, L = outH·outW, M = cout/groups. */
function blockSizes(g: Conv2dGeometry, groups: number, cout: number) {
  return { K: (g.channels / groups) * g.kernelH * g.kernelW, L: g.outH * g.outW, M: cout / groups };
}

/** Floats of im2col columns that one batch chunk may hold (~256 KiB: they stay in cache). */
const CHUNK_FLOATS = 65536;

/**
 * How many images make a chunk of about CHUNK_FLOATS column floats per thread (at least one per
 * thread): on several threads the chunk's im2col, products and col2im split by images, so each
 * thread's share of the columns stays in its own core's cache.
 */
function chunkImages(batch: number, floatsPerImage: number): number {
  const perThread = Math.max(1, Math.floor(CHUNK_FLOATS / Math.max(1, floatsPerImage)));
  return Math.min(batch, perThread * kernels.threads);
}

/**
 * Runs `fn(first, count)` over the batch in chunks of {@link chunkImages} images, so that a chunk's
 * columns are still in cache when the next kernel reads them.
 */
function forChunks(batch: number, floatsPerImage: number, fn: (first: number, count: number) => void): void {
  const chunk = chunkImages(batch, floatsPerImage);
  for (let first = 0; first < batch; first += chunk) fn(first, Math.min(chunk, batch - first));
}

/**
 * y [batch, cout, outH, outW] = the convolution of dense `x` by dense `w` [cout, channels/groups, kh, kw]
 * (plus `bias`), a chunk of images at a time: im2col of the chunk, then its products. With `keepCols`
 * the columns of the whole batch are kept (for the weight gradient) and returned.
 */
function convForward(
  x: Tensor,
  w: Tensor,
  g: Conv2dGeometry,
  groups: number,
  cout: number,
  keepCols = false,
  bias: Tensor | null = null,
): { y: Tensor; cols: Tensor | null } {
  const { K, L, M } = blockSizes(g, groups, cout);
  const y = Tensor._empty([g.batch, cout, g.outH, g.outW]);
  if (y.size === 0) return { y, cols: null };
  // With a bias, y starts as the bias and the products add into it (bias + W·cols, the same sum).
  if (bias !== null) addChannelBias(y, bias, true);
  if (K === 0) {
    if (bias === null) kernels.fill(y._ptr, y.size, 0);
    return { y, cols: null };
  }
  const pointwise = isPointwise(g);
  const perImage = groups * K * L;
  const keep = keepCols && !pointwise;
  const cols = pointwise
    ? x
    : Tensor._empty([keep ? colsLength(g) : chunkImages(g.batch, perImage) * perImage]);
  const imageBytes = g.channels * g.height * g.width * 4;
  forChunks(g.batch, perImage, (first, count) => {
    const chunkCols = pointwise || keep ? cols._ptr + first * perImage * 4 : cols._ptr;
    if (!pointwise) kernels.im2col(x._ptr + first * imageBytes, chunkCols, { ...g, batch: count });
    for (let group = 0; group < groups; group++) {
      kernels.sgemm({
        m: M,
        n: L,
        k: K,
        a: w._ptr + group * M * K * 4,
        lda: K,
        b: chunkCols + group * K * L * 4,
        ldb: L,
        c: y._ptr + (first * cout * L + group * M * L) * 4,
        ldc: L,
        beta: bias === null ? 0 : 1,
        batch: count,
        strideA: 0,
        strideB: perImage,
        strideC: cout * L,
      });
    }
  });
  if (keep) return { y, cols };
  release(cols, x);
  return { y, cols: null };
}

/**
 * gx [batch, channels, height, width] = col2im(wᵀ · gy) for dense gy [batch, cout, outH, outW], a
 * chunk of images at a time (the chunk's column gradient is still in cache when col2im reads it).
 */
function convInputGrad(gy: Tensor, w: Tensor, g: Conv2dGeometry, groups: number, cout: number): Tensor {
  const { K, L, M } = blockSizes(g, groups, cout);
  const gx = Tensor._empty([g.batch, g.channels, g.height, g.width]);
  if (gx.size === 0) return gx;
  if (M === 0 || L === 0) {
    kernels.fill(gx._ptr, gx.size, 0);
    return gx;
  }
  const pointwise = isPointwise(g);
  const perImage = groups * K * L;
  const gcols = pointwise ? gx : Tensor._empty([chunkImages(g.batch, perImage) * perImage]);
  const imageBytes = g.channels * g.height * g.width * 4;
  forChunks(g.batch, perImage, (first, count) => {
    const chunkCols = pointwise ? gx._ptr + first * imageBytes : gcols._ptr;
    for (let group = 0; group < groups; group++) {
      kernels.sgemm({
        transA: true,
        m: K,
        n: L,
        k: M,
        a: w._ptr + group * M * K * 4,
        lda: K,
        b: gy._ptr + (first * cout * L + group * M * L) * 4,
        ldb: L,
        c: chunkCols + group * K * L * 4,
        ldc: L,
        batch: count,
        strideA: 0,
        strideB: cout * L,
        strideC: perImage,
      });
    }
    if (!pointwise) kernels.col2im(chunkCols, gx._ptr + first * imageBytes, { ...g, batch: count });
  });
  if (!pointwise) gcols.dispose();
  return gx;
}

/** gw [cout, channels/groups, kh, kw] = Σ over the batch of gy · colsᵀ (dot products of rows), for dense x and gy. */
function convWeightGrad(
  x: Tensor | null,
  gy: Tensor,
  g: Conv2dGeometry,
  groups: number,
  cout: number,
  savedCols: Tensor | null = null,
): Tensor {
  const { K, L, M } = blockSizes(g, groups, cout);
  const gw = Tensor._empty([cout, g.channels / groups, g.kernelH, g.kernelW]);
  if (gw.size === 0) return gw;
  if (g.batch === 0 || L === 0) {
    kernels.fill(gw._ptr, gw.size, 0);
    return gw;
  }
  const perImage = groups * K * L;
  const imageBytes = g.channels * g.height * g.width * 4;
  const pointwise = isPointwise(g);
  // Without kept columns, im2col runs a chunk at a time into one chunk's buffer.
  const buffer =
    savedCols !== null || pointwise ? null : Tensor._empty([chunkImages(g.batch, perImage) * perImage]);
  const product = (first: number, count: number) => {
    let cols: number;
    if (savedCols !== null) cols = savedCols._ptr + first * perImage * 4;
    else if (buffer === null) cols = x!._ptr + first * imageBytes;
    else {
      cols = buffer._ptr;
      kernels.im2col(x!._ptr + first * imageBytes, cols, { ...g, batch: count });
    }
    for (let group = 0; group < groups; group++) {
      kernels.sgemmNTSum({
        m: M,
        n: K,
        k: L,
        a: gy._ptr + (first * cout * L + group * M * L) * 4,
        lda: L,
        b: cols + group * K * L * 4,
        ldb: L,
        c: gw._ptr + group * M * K * 4,
        ldc: K,
        beta: first === 0 ? 0 : 1,
        batch: count,
        strideA: cout * L,
        strideB: perImage,
      });
    }
  };
  if (buffer === null) product(0, g.batch);
  else {
    forChunks(g.batch, perImage, product);
    buffer.dispose();
  }
  return gw;
}

/**
 * Adds bias[c] to every element of channel c of dense y [batch, channels, …plane] (a rank-1 SGEMM),
 * or with `overwrite` sets every element to it.
 */
function addChannelBias(y: Tensor, bias: Tensor, overwrite = false): void {
  const [batch, channels] = y.shape as [number, number];
  const plane = channels === 0 || batch === 0 ? 0 : y.size / (batch * channels);
  if (plane === 0) return;
  const b = contiguousRaw(bias);
  const ones = Tensor._empty([plane]);
  kernels.fill(ones._ptr, plane, 1);
  kernels.sgemm({
    m: channels,
    n: plane,
    k: 1,
    a: b._ptr,
    lda: 1,
    b: ones._ptr,
    ldb: plane,
    c: y._ptr,
    ldc: plane,
    beta: overwrite ? 0 : 1,
    batch,
    strideA: 0,
    strideB: 0,
    strideC: channels * plane,
  });
  ones.dispose();
  release(b, bias);
}

/** The geometry of conv2d of x [N, C, H, W] by w [Cout, C/groups, kh, kw]. */
function convGeometry(x: { readonly shape: readonly number[] }, w: Tensor, attrs: ConvAttrs): Conv2dGeometry {
  const [batch, channels, height, width] = x.shape as [number, number, number, number];
  return conv2dGeometry(
    {
      batch,
      channels,
      height,
      width,
      kernel: [w.shape[2]!, w.shape[3]!],
      stride: attrs.stride as [number, number],
      padding: attrs.padding as [number, number],
      dilation: attrs.dilation as [number, number],
    },
    'conv2d',
  );
}

/** Runs `fn` on dense versions of `tensors`, releasing the copies after. */
function withDense<T>(tensors: readonly Tensor[], fn: (...dense: Tensor[]) => T): T {
  const dense = tensors.map(contiguousRaw);
  try {
    return fn(...dense);
  } finally {
    dense.forEach((d, i) => {
      release(d, tensors[i]!);
    });
  }
}

/** Stride 1 and dilation 1: what the direct kernels compute. */
function isUnitStride(g: Conv2dGeometry): boolean {
  return g.strideH === 1 && g.strideW === 1 && g.dilationH === 1 && g.dilationW === 1;
}

/**
 * Whether conv2d runs all its passes on the direct kernels: one input channel per group, stride 1,
 * dilation 1, a kernel larger than 1×1 (a 1×1 convolution reads its input as the columns already).
 */
function isDirect(g: Conv2dGeometry, groups: number): boolean {
  return g.channels === groups && isUnitStride(g) && g.kernelH * g.kernelW > 1;
}

/**
 * Whether a direct convolution with `inPerGroup` input channels per group beats im2col + SGEMM for
 * `outW`-wide outputs: rows of at least 10 outputs (the tiles' vectors mostly full) and filters of at
 * most 256 taps (measured, one thread: LeNet-5's second layer 1.25×, a 16-channel 3×3 1.33×, a
 * 3-channel 5×5 over 32×32 2.3×; 8×8 planes 0.6×, 64 channels 3×3 even; see bench/README.md).
 */
function directWins(outW: number, inPerGroup: number, g: Conv2dGeometry): boolean {
  return (
    isUnitStride(g) && g.kernelH * g.kernelW > 1 && outW >= 10 && inPerGroup * g.kernelH * g.kernelW <= 256
  );
}

/**
 * Whether a several-channel conv2d's input gradient runs direct: the forward of gy padded by
 * k − 1 − padding, which also multiplies that padding's zeros: only with padding of at least
 * (k − 1)/2 (a 'same' convolution; LeNet-5's unpadded second layer lost, 640 → 767 µs).
 */
function directInputGradWins(g: Conv2dGeometry, groups: number, cout: number): boolean {
  return (
    directWins(g.width, cout / groups, g) &&
    2 * g.padH >= g.kernelH - 1 &&
    2 * g.padW >= g.kernelW - 1 &&
    g.padH < g.kernelH &&
    g.padW < g.kernelW
  );
}

function directGeometry(g: Conv2dGeometry, groups: number, cout: number): DirectConvGeometry {
  return {
    batch: g.batch,
    groups,
    inPerGroup: g.channels / groups,
    perGroup: cout / groups,
    ...directPlane(g.outH, g.outW, g.kernelH, g.kernelW),
    kernelH: g.kernelH,
    kernelW: g.kernelW,
    outH: g.outH,
    outW: g.outW,
  };
}

/** Dense x [N, C, H, W] zero-padded by (padH, padW) into the planes of `d`. */
function padForDirect(x: Tensor, d: DirectConvGeometry, padH: number, padW: number): Tensor {
  const [batch, channels, height, width] = x.shape as [number, number, number, number];
  const xpad = Tensor._empty([batch, channels, d.planeH, d.planeW]);
  if (xpad.size > 0)
    kernels.padPlanes(x._ptr, xpad._ptr, batch * channels, height, width, padH, padW, d.planeH, d.planeW);
  return xpad;
}

/** y = the direct convolution of dense xpad by dense w (plus bias) with geometry `d`. */
function directForward(xpad: Tensor, w: Tensor, bias: Tensor | null, d: DirectConvGeometry): Tensor {
  const y = Tensor._empty([d.batch, d.groups * d.perGroup, d.outH, d.outW]);
  if (y.size === 0) return y;
  const b = bias === null ? null : contiguousRaw(bias);
  kernels.convDirectForward(xpad._ptr, w._ptr, b === null ? 0 : b._ptr, y._ptr, d);
  if (b !== null) release(b, bias!);
  return y;
}

/**
 * The input gradient of conv2d (padding < kernel) as a direct forward: gy padded by k − 1 − padding,
 * convolved with the kernel flipped and its channel axes swapped within each group
 * (w'[g·Cg + c, o, i, j] = w[g·M + o, c, kh − 1 − i, kw − 1 − j]).
 */
function directInputGrad(gy: Tensor, w: Tensor, g: Conv2dGeometry, groups: number): Tensor {
  const [cout, inPerGroup, kh, kw] = w.shape as [number, number, number, number];
  const back: DirectConvGeometry = {
    batch: g.batch,
    groups,
    inPerGroup: cout / groups,
    perGroup: inPerGroup,
    ...directPlane(g.height, g.width, kh, kw),
    kernelH: kh,
    kernelW: kw,
    outH: g.height,
    outW: g.width,
  };
  if (g.batch === 0 || cout === 0) {
    const gx = Tensor._empty([g.batch, g.channels, g.height, g.width]);
    if (gx.size > 0) kernels.fill(gx._ptr, gx.size, 0);
    return gx;
  }
  const gyPadded = padForDirect(gy, back, kh - 1 - g.padH, kw - 1 - g.padW);
  const steps: Tensor[] = [w.reshape([groups, cout / groups, inPerGroup, kh, kw])];
  steps.push(steps.at(-1)!.transpose(1, 2));
  steps.push(steps.at(-1)!.flip([3, 4]));
  steps.push(steps.at(-1)!.reshape([g.channels, cout / groups, kh, kw]));
  const flipped = contiguousRaw(steps.at(-1)!);
  const gx = directForward(gyPadded, flipped, null, back);
  release(flipped, steps.at(-1)!);
  for (const t of steps) t.dispose();
  gyPadded.dispose();
  return gx;
}

/**
 * The gradients of a direct conv2d (one input channel per group) given dense gy: the input's (as a
 * direct forward when the padding is below the kernel size; else through the columns), the weight's
 * and the bias's (one kernel call). `xOrPadded` is what forward saved: x, or its padded planes.
 */
function directBackward(
  gy: Tensor,
  w: Tensor,
  xOrPadded: Tensor,
  g: Conv2dGeometry,
  groups: number,
  needs: readonly boolean[],
): (Tensor | null)[] {
  const cout = w.shape[0]!;
  const d = directGeometry(g, groups, cout);
  let gx: Tensor | null = null;
  if (needs[0]) {
    const flippable = g.padH < g.kernelH && g.padW < g.kernelW;
    gx = flippable ? directInputGrad(gy, w, g, groups) : convInputGrad(gy, w, g, groups, cout);
  }
  let gw: Tensor | null = null;
  let gb: Tensor | null = null;
  if (needs[1]) {
    // Forward kept the padded planes when the weight wanted a gradient, else x. Telling them apart
    // by shape is sound: x has the padded planes' shape only with no padding and a width that
    // fills whole vectors, and then x *is* its padded planes.
    const padded = xOrPadded.shape[2] === d.planeH && xOrPadded.shape[3] === d.planeW;
    const xpad = padded ? xOrPadded : padForDirect(xOrPadded, d, g.padH, g.padW);
    gw = Tensor._empty([cout, 1, g.kernelH, g.kernelW]);
    gb = needs[2] ? Tensor._empty([cout]) : null;
    kernels.convDirectWeightGrad(xpad._ptr, gy._ptr, gw._ptr, gb === null ? 0 : gb._ptr, d);
    if (!padded) xpad.dispose();
  } else if (needs[2]) {
    gb = gy.sum([0, 2, 3]);
  }
  return [gx, gw, gb];
}

/** conv2d of x [N, C, H, W] by w [Cout, C/groups, kh, kw], plus an optional bias [Cout]. */
const conv2dOp = defineOp<ConvAttrs>({
  name: 'conv2d',
  forward([x, w, bias], attrs, { recording }) {
    const g = convGeometry(x!, w!, attrs);
    const inPerGroup = g.channels / attrs.groups;
    const training = recording && w!.requiresGrad;
    if (isDirect(g, attrs.groups) || (!training && directWins(g.outW, inPerGroup, g))) {
      // The padded planes serve the weight gradient too: keep them (smaller than x's columns).
      // With several input channels the weight gradient runs on columns (sgemmNTSum over them beat
      // the direct kernel 330 against 2112 µs at LeNet-5's second layer): then the forward too.
      const d = directGeometry(g, attrs.groups, w!.shape[0]!);
      const xpad = withDense([x!], (xd) => padForDirect(xd!, d, g.padH, g.padW));
      const y = withDense([w!], (wd) => directForward(xpad, wd!, bias ?? null, d));
      if (training) return { outputs: [y], intermediates: [xpad] };
      xpad.dispose();
      return y;
    }
    // When the weight will want a gradient, its product reuses these columns: keep them rather
    // than run im2col again in backward (and then x itself need not be kept). Except with one
    // input channel per group (here only strided, dilated or 1×1 ones: the rest ran direct above):
    // the columns are then kh·kw shifted copies of a small input, cheaper to rebuild a chunk at a
    // time in cache than to read back from memory (measured at LeNet-5's first layer before it ran
    // direct: the step +3% on one thread, 9 of 9 alternating rounds; 2.5 MB less kept).
    const keepCols = recording && w!.requiresGrad && g.channels / attrs.groups > 1;
    const { y, cols } = withDense([x!, w!], (xd, wd) =>
      convForward(xd!, wd!, g, attrs.groups, w!.shape[0]!, keepCols, bias ?? null),
    );
    return cols === null ? y : { outputs: [y], intermediates: [cols] };
  },
  // x is needed only to rebuild the columns (or padded planes), when they were not kept.
  save: ([x, w], _, __, [kept]) => (kept === undefined ? [w!, x!] : [w!, kept]),
  backward({ grads: [gy], saved: [w, xOrCols], attrs, needs, inputs: [input] }) {
    const cout = w!.shape[0]!;
    const g = convGeometry(input!, w!, attrs);
    if (isDirect(g, attrs.groups))
      return withDense([gy!, w!, xOrCols!], (gyd, wd, xd) =>
        directBackward(gyd!, wd!, xd!, g, attrs.groups, needs),
      );
    const cols = xOrCols!.ndim === 1 ? xOrCols! : null; // the kept columns (x is 4-D)
    const directGx = directInputGradWins(g, attrs.groups, cout);
    return withDense([gy!, w!], (gyd, wd) => [
      needs[0]
        ? directGx
          ? directInputGrad(gyd!, wd!, g, attrs.groups)
          : convInputGrad(gyd!, wd!, g, attrs.groups, cout)
        : null,
      needs[1]
        ? cols !== null
          ? convWeightGrad(null, gyd!, g, attrs.groups, cout, cols)
          : withDense([xOrCols!], (xd) => convWeightGrad(xd!, gyd!, g, attrs.groups, cout))
        : null,
      needs[2] ? gyd!.sum([0, 2, 3]) : null,
    ]);
  },
});

/**
 * The convolution geometry that a transposed convolution of x [N, Cin, H, W] by
 * w [Cin, Cout/groups, kh, kw] inverts: the convolution from its output [N, Cout, Hout, Wout] back to
 * x's size, with Hout = (H − 1)·stride − 2·padding + dilation·(kh − 1) + outputPadding + 1.
 */
function transposeGeometry(fn: string, x: Tensor, w: Tensor, attrs: ConvTransposeAttrs): Conv2dGeometry {
  const [batch, , height, width] = x.shape as [number, number, number, number];
  const kernel = [w.shape[2]!, w.shape[3]!];
  const out = [height, width].map(
    (size, a) =>
      (size - 1) * attrs.stride[a]! -
      2 * attrs.padding[a]! +
      attrs.dilation[a]! * (kernel[a]! - 1) +
      attrs.outputPadding[a]! +
      1,
  );
  if (out[0]! < 1 || out[1]! < 1) {
    throw new RangeError(
      `${fn}: input of shape ${formatShape(x.shape)} with these options gives an output of size ${out[0]}×${out[1]}, which is empty`,
    );
  }
  const g = conv2dGeometry(
    {
      batch,
      channels: w.shape[1]! * attrs.groups,
      height: out[0]!,
      width: out[1]!,
      kernel: kernel as [number, number],
      stride: attrs.stride as [number, number],
      padding: attrs.padding as [number, number],
      dilation: attrs.dilation as [number, number],
    },
    fn,
  );
  // With outputPadding ≥ stride (allowed below the dilation), the formula counts one window more:
  // the extra windows fall outside x and col2im skips nothing real; pin the size to x's.
  return { ...g, outH: height, outW: width };
}

/** convTranspose2d of x [N, Cin, H, W] by w [Cin, Cout/groups, kh, kw], plus an optional bias [Cout]. */
const convTranspose2dOp = defineOp<ConvTransposeAttrs>({
  name: 'convTranspose2d',
  forward([x, w, bias], attrs) {
    const g = transposeGeometry('convTranspose2d', x!, w!, attrs);
    const y = withDense([x!, w!], (xd, wd) => convInputGrad(xd!, wd!, g, attrs.groups, x!.shape[1]!));
    if (bias !== undefined) addChannelBias(y, bias);
    return y;
  },
  save: ([x, w]) => [x!, w!],
  backward({ grads: [gy], saved: [x, w], attrs, needs }) {
    const g = transposeGeometry('convTranspose2d', x!, w!, attrs);
    const cin = x!.shape[1]!;
    return withDense([gy!, x!, w!], (gyd, xd, wd) => [
      needs[0] ? convForward(gyd!, wd!, g, attrs.groups, cin).y : null,
      needs[1] ? convWeightGrad(gyd!, xd!, g, attrs.groups, cin) : null,
      needs[2] ? gyd!.sum([0, 2, 3]) : null,
    ]);
  },
});

/** Checks a bias argument: null/undefined, or a 1-D float32 tensor of `channels` entries. */
function checkBias(fn: string, bias: unknown, channels: number): Tensor | null {
  if (bias === null || bias === undefined) return null;
  const b = requireTensor(fn, 'bias', bias, [1]);
  if (b.shape[0] !== channels) {
    throw new RangeError(
      `${fn}: bias of shape ${formatShape(b.shape)} expects ${channels} entries (one per output channel)`,
    );
  }
  return b;
}

/**
 * 2-D convolution (cross-correlation, as in PyTorch) of `input` [N, C, H, W] (or unbatched
 * [C, H, W]) by `weight` [Cout, C/groups, kh, kw], plus an optional `bias` [Cout]. The output is
 * [N, Cout, Hout, Wout] with Hout = ⌊(H + 2·padding − dilation·(kh − 1) − 1) / stride⌋ + 1.
 * `groups` splits the channels into independent groups (groups = C is a depthwise convolution).
 *
 * NOTE: padding 'same' needs stride 1; when the total padding dilation·(k − 1) is odd, the extra row
 * or column goes at the bottom or right, as in PyTorch.
 *
 * @example
 * const x = randn([32, 1, 28, 28]);
 * const w = randn([6, 1, 5, 5], { requiresGrad: true });
 * conv2d(x, w, null, { padding: 2 }).shape; // [32, 6, 28, 28]
 */
export function conv2d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: Conv2dOptions = {},
): Tensor {
  // Intermediate views (unsqueeze, padding) are freed here; the graph keeps what it needs.
  return tidy(() => {
    const fn = 'conv2d';
    checkOptions(fn, options, ['stride', 'padding', 'dilation', 'groups']);
    const x = requireTensor(fn, 'input', input, [3, 4]);
    const w = requireTensor(fn, 'weight', weight, [4]);
    const groups = groupsOption(fn, options.groups ?? 1);
    const stride = pairOption(fn, 'stride', options.stride ?? 1, 1);
    const dilation = pairOption(fn, 'dilation', options.dilation ?? 1, 1);
    const [cout, cin] = w.shape as [number, number];
    const channels = x.shape[x.ndim - 3]!;
    if (cout % groups !== 0) {
      throw new RangeError(
        `${fn}: weight of shape ${formatShape(w.shape)} has ${cout} output channels, which groups ${groups} does not divide`,
      );
    }
    if (cin * groups !== channels) {
      throw new RangeError(
        `${fn}: weight of shape ${formatShape(w.shape)} with groups ${groups} expects input with ${cin * groups} channels, ` +
          `got input of shape ${formatShape(x.shape)} (${channels} channels)`,
      );
    }
    const b = checkBias(fn, bias, cout);
    const batched = x.ndim === 4 ? x : x.unsqueeze(0);
    let padded = batched;
    let padding: [number, number];
    if (options.padding === 'same' || options.padding === 'valid') {
      padding = [0, 0];
      if (options.padding === 'same') {
        if (stride[0] !== 1 || stride[1] !== 1)
          throw new RangeError(
            `${fn}: padding 'same' needs stride 1, got stride ${describeValue(options.stride)}`,
          );
        const total = [0, 1].map((a) => dilation[a]! * (w.shape[2 + a]! - 1));
        padding = [Math.floor(total[0]! / 2), Math.floor(total[1]! / 2)];
        // An odd total: the extra zero row/column goes at the end (PyTorch pads the input by it).
        if (total[0]! % 2 === 1 || total[1]! % 2 === 1)
          padded = pad(batched, [0, total[1]! % 2, 0, total[0]! % 2]);
      }
    } else if (typeof options.padding === 'string') {
      throw new RangeError(
        `${fn}: padding must be a number, a pair, 'same' or 'valid', got ${describeValue(options.padding)}`,
      );
    } else {
      padding = pairOption(fn, 'padding', options.padding ?? 0, 0);
    }
    const [, , height, width] = padded.shape as [number, number, number, number];
    for (const a of [0, 1]) {
      const span = dilation[a]! * (w.shape[2 + a]! - 1) + 1;
      const size = (a === 0 ? height : width) + 2 * padding[a]!;
      if (size < span) {
        throw new RangeError(
          `${fn}: input of shape ${formatShape(x.shape)} (padded ${a === 0 ? 'height' : 'width'} ${size}) is smaller than ` +
            `the ${dilation[a]! > 1 ? 'dilated ' : ''}kernel (${span}) of weight ${formatShape(w.shape)}`,
        );
      }
    }
    const inputs = b === null ? [padded, w] : [padded, w, b];
    const y = conv2dOp(inputs, { stride, padding, dilation, groups })[0]!;
    return x.ndim === 4 ? y : y.squeeze(0);
  });
}

/**
 * 1-D convolution of `input` [N, C, L] (or unbatched [C, L]) by `weight` [Cout, C/groups, k], plus an
 * optional `bias` [Cout]: {@link conv2d} over a height of 1.
 *
 * @example conv1d(randn([4, 2, 10]), randn([3, 2, 3]), null, { padding: 'same' }).shape; // [4, 3, 10]
 */
export function conv1d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: Conv1dOptions = {},
): Tensor {
  // Intermediate views (unsqueeze, padding) are freed here; the graph keeps what it needs.
  return tidy(() => {
    const fn = 'conv1d';
    checkOptions(fn, options, ['stride', 'padding', 'dilation', 'groups']);
    const x = requireTensor(fn, 'input', input, [2, 3]);
    const w = requireTensor(fn, 'weight', weight, [3]);
    const single = (name: string, v: unknown, min: number) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
        throw new RangeError(
          `${fn}: ${name} must be ${min === 0 ? 'a non-negative' : 'a positive'} integer, got ${describeValue(v)}`,
        );
      }
      return v;
    };
    const stride = single('stride', options.stride ?? 1, 1);
    const dilation = single('dilation', options.dilation ?? 1, 1);
    const p = options.padding ?? 0;
    const padding: Conv2dOptions['padding'] =
      p === 'same' || p === 'valid' ? p : [0, single('padding', p, 0)];
    try {
      const y = conv2d(x.unsqueeze(-2), w.unsqueeze(2), bias, {
        stride: [1, stride],
        padding,
        dilation: [1, dilation],
        groups: options.groups ?? 1,
      });
      return y.squeeze(-2);
    } catch (error) {
      // Report in this function's name and shapes, not those of the 2-D call.
      if (error instanceof Error && error.message.startsWith('conv2d: ')) {
        const message = `${fn}: ${error.message.slice(8)}`
          .replace(formatShape(x.unsqueeze(-2).shape), formatShape(x.shape))
          .replace(formatShape(w.unsqueeze(2).shape), formatShape(w.shape));
        throw new (error.constructor as ErrorConstructor)(message);
      }
      throw error;
    }
  });
}

/**
 * 2-D transposed convolution ("deconvolution", the gradient of {@link conv2d} with respect to its
 * input) of `input` [N, Cin, H, W] (or unbatched [Cin, H, W]) by `weight` [Cin, Cout/groups, kh, kw],
 * plus an optional `bias` [Cout]. Output size: (H − 1)·stride − 2·padding + dilation·(kh − 1) +
 * outputPadding + 1.
 *
 * @example convTranspose2d(randn([1, 8, 7, 7]), randn([8, 4, 2, 2]), null, { stride: 2 }).shape; // [1, 4, 14, 14]
 */
export function convTranspose2d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: ConvTranspose2dOptions = {},
): Tensor {
  // Intermediate views (unsqueeze, padding) are freed here; the graph keeps what it needs.
  return tidy(() => {
    const fn = 'convTranspose2d';
    checkOptions(fn, options, ['stride', 'padding', 'outputPadding', 'groups', 'dilation']);
    const x = requireTensor(fn, 'input', input, [3, 4]);
    const w = requireTensor(fn, 'weight', weight, [4]);
    const groups = groupsOption(fn, options.groups ?? 1);
    const stride = pairOption(fn, 'stride', options.stride ?? 1, 1);
    const padding = pairOption(fn, 'padding', options.padding ?? 0, 0);
    const dilation = pairOption(fn, 'dilation', options.dilation ?? 1, 1);
    const outputPadding = pairOption(fn, 'outputPadding', options.outputPadding ?? 0, 0);
    for (const a of [0, 1]) {
      if (outputPadding[a]! >= Math.max(stride[a]!, dilation[a]!)) {
        throw new RangeError(
          `${fn}: outputPadding ${describeValue(options.outputPadding)} must be smaller than the stride or the dilation`,
        );
      }
    }
    const channels = x.shape[x.ndim - 3]!;
    if (w.shape[0] !== channels || channels % groups !== 0) {
      throw new RangeError(
        `${fn}: weight of shape ${formatShape(w.shape)} with groups ${groups} expects input with ${w.shape[0]} channels ` +
          `(divisible by groups), got input of shape ${formatShape(x.shape)} (${channels} channels)`,
      );
    }
    const b = checkBias(fn, bias, w.shape[1]! * groups);
    const batched = x.ndim === 4 ? x : x.unsqueeze(0);
    const inputs = b === null ? [batched, w] : [batched, w, b];
    const y = convTranspose2dOp(inputs, { stride, padding, dilation, groups, outputPadding })[0]!;
    return x.ndim === 4 ? y : y.squeeze(0);
  });
}
