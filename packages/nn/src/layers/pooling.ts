// Pooling layers with PyTorch's constructors and defaults (MaxPool1d/2d, AvgPool1d/2d,
// AdaptiveAvgPool2d, AdaptiveMaxPool2d), over the pooling ops of @myelin/tensor. They have no
// parameters; the ops check their arguments, so a bad configuration is rejected here by running the
// same checks at construction.
import {
  adaptiveAvgPool2d,
  adaptiveMaxPool2d,
  avgPool1d,
  avgPool2d,
  maxPool1d,
  maxPool2d,
  type Tensor,
} from '@myelin/tensor';
import { Module } from '../module.js';
import { checkOptions, describeValue, requireBoolean, requireInteger, requireTensor } from '../validate.js';
import { type Pair, pair } from './conv.js';

/** Options of {@link MaxPool2d}. */
export interface MaxPool2dLayerOptions {
  /** Step between windows (default: the kernel size). */
  stride?: Pair | null;
  /** −∞ added on both sides (default 0), at most half the kernel size. */
  padding?: Pair;
  /** Spacing between window taps (default 1). */
  dilation?: Pair;
  /** Round the output size up (default false). */
  ceilMode?: boolean;
}

/** Options of {@link AvgPool2d}. */
export interface AvgPool2dLayerOptions {
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

/** PyTorch's rule for pooling: padding at most half the kernel size along each axis. */
function checkPadding(fn: string, kernel: readonly number[], padding: readonly number[]): void {
  for (let a = 0; a < kernel.length; a++) {
    if (padding[a]! > kernel[a]! / 2) {
      throw new RangeError(
        `${fn}: padding must be at most half the kernel size, got padding ${padding[a]} for kernel size ${kernel[a]}`,
      );
    }
  }
}

const show = (v: readonly number[]) => (v.length === 1 || v[0] === v[1] ? `${v[0]}` : `[${v.join(', ')}]`);

function input(fn: string, x: unknown, dims: string): asserts x is Tensor {
  requireTensor(fn, 'the input', x, 'float32');
  const ndims = dims === '2d' ? [3, 4] : [2, 3];
  if (!ndims.includes(x.ndim)) {
    const expected = dims === '2d' ? '[N, C, H, W] or [C, H, W]' : '[N, C, L] or [C, L]';
    throw new RangeError(`${fn}: expected input ${expected}, got [${x.shape.join(',')}]`);
  }
}

/**
 * 2-D max pooling layer (PyTorch's nn.MaxPool2d): the maximum of each kernelSize window, windows
 * `stride` apart (default: the kernel size, so windows do not overlap).
 *
 * @example new MaxPool2d(2).forward(randn([32, 6, 28, 28])).shape; // [32, 6, 14, 14]
 */
export class MaxPool2d extends Module {
  static override readonly layerName = 'MaxPool2d';
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];
  readonly ceilMode: boolean;

  constructor(kernelSize: Pair, options: MaxPool2dLayerOptions = {}) {
    super();
    const fn = 'MaxPool2d';
    checkOptions(fn, options, ['stride', 'padding', 'dilation', 'ceilMode']);
    this.kernelSize = pair(fn, 'kernelSize', kernelSize, 1);
    this.stride = pair(fn, 'stride', options.stride ?? this.kernelSize, 1);
    this.padding = pair(fn, 'padding', options.padding ?? 0, 0);
    this.dilation = pair(fn, 'dilation', options.dilation ?? 1, 1);
    this.ceilMode = options.ceilMode ?? false;
    requireBoolean(fn, 'ceilMode', this.ceilMode);
    checkPadding(fn, this.kernelSize, this.padding);
  }

  forward(x: Tensor): Tensor {
    input('MaxPool2d.forward', x, '2d');
    return maxPool2d(x, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      ceilMode: this.ceilMode,
    });
  }

  protected override describe(): string {
    return `kernelSize=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(this.padding)}${
      this.dilation.some((d) => d !== 1) ? `, dilation=${show(this.dilation)}` : ''
    }${this.ceilMode ? ', ceilMode=true' : ''}`;
  }
}

/**
 * 1-D max pooling layer (PyTorch's nn.MaxPool1d) over [N, C, L] (or [C, L]).
 *
 * @example new MaxPool1d(2).forward(randn([4, 8, 100])).shape; // [4, 8, 50]
 */
export class MaxPool1d extends Module {
  static override readonly layerName = 'MaxPool1d';
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
  readonly ceilMode: boolean;

  constructor(
    readonly kernelSize: number,
    options: { stride?: number | null; padding?: number; dilation?: number; ceilMode?: boolean } = {},
  ) {
    super();
    const fn = 'MaxPool1d';
    requireInteger(fn, 'kernelSize', kernelSize, 1);
    checkOptions(fn, options, ['stride', 'padding', 'dilation', 'ceilMode']);
    const { stride = kernelSize, padding = 0, dilation = 1, ceilMode = false } = options;
    this.stride = stride ?? kernelSize;
    requireInteger(fn, 'stride', this.stride, 1);
    requireInteger(fn, 'padding', padding, 0);
    requireInteger(fn, 'dilation', dilation, 1);
    requireBoolean(fn, 'ceilMode', ceilMode);
    checkPadding(fn, [kernelSize], [padding]);
    this.padding = padding;
    this.dilation = dilation;
    this.ceilMode = ceilMode;
  }

  forward(x: Tensor): Tensor {
    input('MaxPool1d.forward', x, '1d');
    return maxPool1d(x, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      ceilMode: this.ceilMode,
    });
  }

  protected override describe(): string {
    return `kernelSize=${this.kernelSize}, stride=${this.stride}, padding=${this.padding}${
      this.dilation !== 1 ? `, dilation=${this.dilation}` : ''
    }${this.ceilMode ? ', ceilMode=true' : ''}`;
  }
}

/**
 * 2-D average pooling layer (PyTorch's nn.AvgPool2d): the mean of each kernelSize window, windows
 * `stride` apart (default: the kernel size). LeNet-5's subsampling layers are average pools.
 *
 * @example new AvgPool2d(2).forward(randn([32, 6, 28, 28])).shape; // [32, 6, 14, 14]
 */
export class AvgPool2d extends Module {
  static override readonly layerName = 'AvgPool2d';
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(kernelSize: Pair, options: AvgPool2dLayerOptions = {}) {
    super();
    const fn = 'AvgPool2d';
    checkOptions(fn, options, ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride']);
    this.kernelSize = pair(fn, 'kernelSize', kernelSize, 1);
    this.stride = pair(fn, 'stride', options.stride ?? this.kernelSize, 1);
    this.padding = pair(fn, 'padding', options.padding ?? 0, 0);
    const { ceilMode = false, countIncludePad = true, divisorOverride = null } = options;
    requireBoolean(fn, 'ceilMode', ceilMode);
    requireBoolean(fn, 'countIncludePad', countIncludePad);
    if (divisorOverride !== null) requireInteger(fn, 'divisorOverride', divisorOverride, 1);
    checkPadding(fn, this.kernelSize, this.padding);
    this.ceilMode = ceilMode;
    this.countIncludePad = countIncludePad;
    this.divisorOverride = divisorOverride;
  }

  forward(x: Tensor): Tensor {
    input('AvgPool2d.forward', x, '2d');
    return avgPool2d(x, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
      divisorOverride: this.divisorOverride,
    });
  }

  protected override describe(): string {
    return `kernelSize=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(this.padding)}`;
  }
}

/**
 * 1-D average pooling layer (PyTorch's nn.AvgPool1d) over [N, C, L] (or [C, L]).
 *
 * @example new AvgPool1d(4).forward(randn([4, 8, 100])).shape; // [4, 8, 25]
 */
export class AvgPool1d extends Module {
  static override readonly layerName = 'AvgPool1d';
  readonly stride: number;
  readonly padding: number;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  constructor(
    readonly kernelSize: number,
    options: { stride?: number | null; padding?: number; ceilMode?: boolean; countIncludePad?: boolean } = {},
  ) {
    super();
    const fn = 'AvgPool1d';
    requireInteger(fn, 'kernelSize', kernelSize, 1);
    checkOptions(fn, options, ['stride', 'padding', 'ceilMode', 'countIncludePad']);
    const { stride = kernelSize, padding = 0, ceilMode = false, countIncludePad = true } = options;
    this.stride = stride ?? kernelSize;
    requireInteger(fn, 'stride', this.stride, 1);
    requireInteger(fn, 'padding', padding, 0);
    requireBoolean(fn, 'ceilMode', ceilMode);
    requireBoolean(fn, 'countIncludePad', countIncludePad);
    checkPadding(fn, [kernelSize], [padding]);
    this.padding = padding;
    this.ceilMode = ceilMode;
    this.countIncludePad = countIncludePad;
  }

  forward(x: Tensor): Tensor {
    input('AvgPool1d.forward', x, '1d');
    return avgPool1d(x, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
    });
  }

  protected override describe(): string {
    return `kernelSize=${this.kernelSize}, stride=${this.stride}, padding=${this.padding}`;
  }
}

/** An adaptive pool's output size: one number, or [h, w] where null keeps the input's size. */
export type AdaptiveSize = number | readonly [number | null, number | null];

function adaptiveSize(fn: string, value: unknown): AdaptiveSize {
  const items = typeof value === 'number' ? [value, value] : value;
  const ok =
    Array.isArray(items) &&
    items.length === 2 &&
    items.every((v) => v === null || (typeof v === 'number' && Number.isInteger(v) && v >= 1));
  if (!ok) {
    throw new RangeError(
      `${fn}: outputSize must be a positive integer or a pair of them (null keeps the input size), got ${describeValue(value)}`,
    );
  }
  return typeof value === 'number' ? value : ([...(value as [number | null, number | null])] as const);
}

const showSize = (s: AdaptiveSize) => (typeof s === 'number' ? `${s}` : `[${s.join(', ')}]`);

/**
 * Adaptive average pooling layer (PyTorch's nn.AdaptiveAvgPool2d): pools any [N, C, H, W] input to
 * [N, C, ...outputSize]; outputSize 1 is global average pooling (ResNet's head).
 *
 * @example new AdaptiveAvgPool2d(1).forward(randn([8, 64, 7, 7])).shape; // [8, 64, 1, 1]
 */
export class AdaptiveAvgPool2d extends Module {
  static override readonly layerName = 'AdaptiveAvgPool2d';
  readonly outputSize: AdaptiveSize;

  constructor(outputSize: AdaptiveSize) {
    super();
    this.outputSize = adaptiveSize('AdaptiveAvgPool2d', outputSize);
  }

  forward(x: Tensor): Tensor {
    input('AdaptiveAvgPool2d.forward', x, '2d');
    return adaptiveAvgPool2d(x, this.outputSize);
  }

  protected override describe(): string {
    return `outputSize=${showSize(this.outputSize)}`;
  }
}

/**
 * Adaptive max pooling layer (PyTorch's nn.AdaptiveMaxPool2d): pools any [N, C, H, W] input to
 * [N, C, ...outputSize] with the windows of {@link AdaptiveAvgPool2d}.
 *
 * @example new AdaptiveMaxPool2d([3, 4]).forward(randn([2, 3, 7, 6])).shape; // [2, 3, 3, 4]
 */
export class AdaptiveMaxPool2d extends Module {
  static override readonly layerName = 'AdaptiveMaxPool2d';
  readonly outputSize: AdaptiveSize;

  constructor(outputSize: AdaptiveSize) {
    super();
    this.outputSize = adaptiveSize('AdaptiveMaxPool2d', outputSize);
  }

  forward(x: Tensor): Tensor {
    input('AdaptiveMaxPool2d.forward', x, '2d');
    return adaptiveMaxPool2d(x, this.outputSize);
  }

  protected override describe(): string {
    return `outputSize=${showSize(this.outputSize)}`;
  }
}
