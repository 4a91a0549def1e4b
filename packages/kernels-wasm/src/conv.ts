// Geometry of 2-D convolutions and pooling over NCHW tensors (PyTorch's output-size rules and
// argument checks), and the argument objects of the batch-norm kernels. The kernels take the
// resolved geometry; resolve it here once, from the user's options.

/** One value for both spatial axes, or `[height, width]`. */
export type Pair = number | readonly [number, number];

/** Shape and hyper-parameters of a 2-D convolution over `batch` NCHW images. */
export interface Conv2dOptions {
  /** Images (default 1). */
  batch?: number;
  channels: number;
  height: number;
  width: number;
  kernel: Pair;
  /** Default 1 (pooling: the kernel size, as in PyTorch). */
  stride?: Pair;
  /** Implicit zero padding on both sides (pooling: −∞ for max, excluded or zero for average). */
  padding?: Pair;
  dilation?: Pair;
}

/** {@link Conv2dOptions} for pooling, plus PyTorch's `ceilMode`. */
export interface Pool2dOptions extends Conv2dOptions {
  /** Round the output size up instead of down (a last window must still start inside the input or its left padding). */
  ceilMode?: boolean;
}

/** Fully resolved geometry: every hyper-parameter per axis, and the output size. */
export interface Conv2dGeometry {
  readonly batch: number;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly kernelH: number;
  readonly kernelW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padH: number;
  readonly padW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly outH: number;
  readonly outW: number;
}

function pair(caller: string, name: string, value: Pair, min: number): [number, number] {
  const [h, w] = typeof value === 'number' ? [value, value] : value;
  for (const v of [h, w]) {
    if (!Number.isInteger(v) || v < min) {
      throw new RangeError(
        `${caller}: ${name} must be ${min === 0 ? 'non-negative' : 'positive'} integers, got ${String(value)}`,
      );
    }
  }
  return [h, w];
}

function sizes(caller: string, options: Conv2dOptions): [number, number, number, number] {
  const { batch = 1, channels, height, width } = options;
  for (const [name, v] of [
    ['batch', batch],
    ['channels', channels],
    ['height', height],
    ['width', width],
  ] as const) {
    if (!Number.isInteger(v) || v < 0)
      throw new RangeError(`${caller}: ${name} must be a non-negative integer, got ${v}`);
  }
  return [batch, channels, height, width];
}

/**
 * Resolves a convolution's geometry: out = ⌊(in + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1
 * per axis, which must be at least 1.
 *
 * @example
 * conv2dGeometry({ channels: 3, height: 32, width: 32, kernel: 3, padding: 1 }); // outH 32, outW 32
 */
export function conv2dGeometry(options: Conv2dOptions, caller = 'conv2d'): Conv2dGeometry {
  const [batch, channels, height, width] = sizes(caller, options);
  const [kernelH, kernelW] = pair(caller, 'kernel sizes', options.kernel, 1);
  const [strideH, strideW] = pair(caller, 'strides', options.stride ?? 1, 1);
  const [padH, padW] = pair(caller, 'paddings', options.padding ?? 0, 0);
  const [dilationH, dilationW] = pair(caller, 'dilations', options.dilation ?? 1, 1);
  const outH = Math.floor((height + 2 * padH - dilationH * (kernelH - 1) - 1) / strideH) + 1;
  const outW = Math.floor((width + 2 * padW - dilationW * (kernelW - 1) - 1) / strideW) + 1;
  if (outH < 1 || outW < 1) {
    throw new RangeError(
      `${caller}: input ${height}×${width} (padded by ${padH}×${padW}) is smaller than the dilated kernel ` +
        `${dilationH * (kernelH - 1) + 1}×${dilationW * (kernelW - 1) + 1}`,
    );
  }
  return {
    batch,
    channels,
    height,
    width,
    kernelH,
    kernelW,
    strideH,
    strideW,
    padH,
    padW,
    dilationH,
    dilationW,
    outH,
    outW,
  };
}

function poolSize(
  size: number,
  kernel: number,
  stride: number,
  pad: number,
  dilation: number,
  ceil: boolean,
): number {
  const span = size + 2 * pad - dilation * (kernel - 1) - 1 + (ceil ? stride - 1 : 0);
  let out = Math.floor(span / stride) + 1;
  // PyTorch: with ceilMode, the last window must start inside the input or its left padding.
  if (ceil && (out - 1) * stride >= size + pad) out--;
  return out;
}

/**
 * Resolves a pooling geometry with PyTorch's rules: stride defaults to the kernel size, padding
 * may be at most half the kernel size, and `ceilMode` rounds the output size up unless the last
 * window would start in the right padding.
 *
 * @example
 * pool2dGeometry({ channels: 1, height: 5, width: 5, kernel: 2, ceilMode: true }); // outH 3, outW 3
 */
export function pool2dGeometry(options: Pool2dOptions, caller = 'maxPool2d'): Conv2dGeometry {
  const [batch, channels, height, width] = sizes(caller, options);
  const [kernelH, kernelW] = pair(caller, 'kernel sizes', options.kernel, 1);
  const [strideH, strideW] = pair(caller, 'strides', options.stride ?? options.kernel, 1);
  const [padH, padW] = pair(caller, 'paddings', options.padding ?? 0, 0);
  const [dilationH, dilationW] = pair(caller, 'dilations', options.dilation ?? 1, 1);
  if (2 * padH > kernelH || 2 * padW > kernelW) {
    throw new RangeError(
      `${caller}: padding ${padH}×${padW} exceeds half the kernel size ${kernelH}×${kernelW}`,
    );
  }
  const ceil = options.ceilMode ?? false;
  const outH = poolSize(height, kernelH, strideH, padH, dilationH, ceil);
  const outW = poolSize(width, kernelW, strideW, padW, dilationW, ceil);
  if (outH < 1 || outW < 1) {
    throw new RangeError(`${caller}: input ${height}×${width} is too small: output would be ${outH}×${outW}`);
  }
  return {
    batch,
    channels,
    height,
    width,
    kernelH,
    kernelW,
    strideH,
    strideW,
    padH,
    padW,
    dilationH,
    dilationW,
    outH,
    outW,
  };
}

/** Floats that {@link Kernels.im2col} writes: batch · channels·kh·kw · outH·outW. */
export function colsLength(g: Conv2dGeometry): number {
  return g.batch * g.channels * g.kernelH * g.kernelW * g.outH * g.outW;
}

/** Arguments of the batch-norm kernels over x[batch, channels, plane] (plane = H·W). */
export interface BatchNormArgs {
  x: number;
  /** Per-channel mean and biased variance: batch statistics (training) or running ones. */
  mean: number;
  variance: number;
  /** Per-channel scale and shift; omitted: 1 and 0. */
  gamma?: number;
  beta?: number;
  /** Added to the variance before the square root (PyTorch's default 1e-5). */
  eps?: number;
  batch: number;
  channels: number;
  plane: number;
}

/**
 * Geometry of the direct convolution kernels ({@link Kernels.convDirectForward}): stride 1,
 * dilation 1, over padded planes [planeH, planeW] that hold the padding and room for whole vectors of
 * outputs (see {@link directPlane}).
 */
export interface DirectConvGeometry {
  readonly batch: number;
  readonly groups: number;
  /** Input channels per group (default 1; groups·inPerGroup input planes in all). */
  readonly inPerGroup?: number;
  /** Output channels per group (groups·perGroup in all). */
  readonly perGroup: number;
  readonly planeH: number;
  readonly planeW: number;
  readonly kernelH: number;
  readonly kernelW: number;
  readonly outH: number;
  readonly outW: number;
}

/**
 * The padded plane that the direct kernels read for `outH`×`outW` outputs of a `kernelH`×`kernelW`
 * kernel: outH + kh − 1 rows of 4·⌈outW/4⌉ + kw − 1 floats (whole vectors of outputs read past a
 * row's last output; those columns must be zero).
 *
 * @example directPlane(28, 28, 5, 5); // { planeH: 32, planeW: 32 }
 */
export function directPlane(
  outH: number,
  outW: number,
  kernelH: number,
  kernelW: number,
): { planeH: number; planeW: number } {
  return { planeH: outH + kernelH - 1, planeW: 4 * Math.ceil(outW / 4) + kernelW - 1 };
}
