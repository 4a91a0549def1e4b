// Convolution layers with PyTorch's constructors, defaults, initialisation and parameter names
// (Conv1d, Conv2d, ConvTranspose2d), over the conv ops of @myelin/tensor; and the output-size
// arithmetic of the course notes (convOutputSize).
import { conv1d, conv2d, convTranspose2d, pad, type Tensor, zeros } from '@myelin/tensor';
import * as init from '../init.js';
import { Module } from '../module.js';
import {
  checkOptions,
  describeValue,
  requireBoolean,
  requireChoice,
  requireInteger,
  requireTensor,
} from '../validate.js';

/** One value for both spatial axes, or `[height, width]`. */
export type Pair = number | readonly [number, number];

/** How a convolution layer fills its padding: zeros, the mirrored image, or the repeated edge. */
export type PaddingMode = 'zeros' | 'reflect' | 'replicate';

/** Options of {@link Conv2d} (and, with single numbers, {@link Conv1d}). */
export interface Conv2dLayerOptions {
  /** Step between windows (default 1). */
  stride?: Pair;
  /** Added on both sides (default 0); 'same' keeps the input size (stride 1 only), 'valid' is 0. */
  padding?: Pair | 'same' | 'valid';
  /** Spacing between kernel taps (default 1). */
  dilation?: Pair;
  /** Split input and output channels into this many independent groups (default 1). */
  groups?: number;
  /** Learn an additive bias per output channel (default true). */
  bias?: boolean;
  /** What the padding holds (default 'zeros'). */
  paddingMode?: PaddingMode;
}

/** Options of {@link Conv1d}. */
export interface Conv1dLayerOptions {
  stride?: number;
  padding?: number | 'same' | 'valid';
  dilation?: number;
  groups?: number;
  bias?: boolean;
  paddingMode?: PaddingMode;
}

/** Options of {@link ConvTranspose2d}. */
export interface ConvTranspose2dLayerOptions {
  stride?: Pair;
  /** Removed from both sides of the output (default 0): the padding of the convolution it inverts. */
  padding?: Pair;
  /** Added to one side of the output (default 0), to pick among the sizes that stride rounds together. */
  outputPadding?: Pair;
  groups?: number;
  bias?: boolean;
  dilation?: Pair;
}

const CONV_OPTIONS = ['stride', 'padding', 'dilation', 'groups', 'bias', 'paddingMode'] as const;

/** `value` as [h, w] of integers ≥ `min`, or an error naming `fn` and the option. */
export function pair(fn: string, name: string, value: unknown, min: number): [number, number] {
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

/**
 * The output size of a convolution or pooling along one axis, as the course notes give it
 * (The Deep Learning Guide, §4.2: dim_out = ⌊(N + 2P − F)/S⌋ + 1) with PyTorch's dilation:
 * ⌊(inputSize + 2·padding − dilation·(kernelSize − 1) − 1) / stride⌋ + 1.
 *
 * NOTE: the number of parameters of a layer is `layer.numParameters()`; `summary(model, input)`
 * lists every layer's output shape and parameter count.
 *
 * @example convOutputSize(7, 3) // 5
 * @example convOutputSize(32, 5, { padding: 2 }) // 32
 */
export function convOutputSize(
  inputSize: number,
  kernelSize: number,
  options: { stride?: number; padding?: number; dilation?: number } = {},
): number {
  const fn = 'convOutputSize';
  requireInteger(fn, 'inputSize', inputSize, 1);
  requireInteger(fn, 'kernelSize', kernelSize, 1);
  checkOptions(fn, options, ['stride', 'padding', 'dilation']);
  const { stride = 1, padding = 0, dilation = 1 } = options;
  requireInteger(fn, 'stride', stride, 1);
  requireInteger(fn, 'padding', padding, 0);
  requireInteger(fn, 'dilation', dilation, 1);
  const span = dilation * (kernelSize - 1) + 1;
  if (inputSize + 2 * padding < span) {
    throw new RangeError(
      `${fn}: the padded input (${inputSize + 2 * padding}) is smaller than the ${dilation > 1 ? 'dilated ' : ''}kernel (${span})`,
    );
  }
  return Math.floor((inputSize + 2 * padding - span) / stride) + 1;
}

/** Checks the channel counts against `groups` (PyTorch's rule: both divisible). */
function checkGroups(fn: string, inChannels: number, outChannels: number, groups: number): void {
  requireInteger(fn, 'groups', groups, 1);
  if (inChannels % groups !== 0 || outChannels % groups !== 0) {
    throw new RangeError(
      `${fn}: groups ${groups} must divide inChannels ${inChannels} and outChannels ${outChannels}`,
    );
  }
}

/**
 * The weight and bias of a convolution layer, initialised as PyTorch's reset_parameters: weight
 * Kaiming-uniform with a = √5 (U(−1/√fanIn, 1/√fanIn)), bias U(−1/√fanIn, 1/√fanIn).
 */
abstract class ConvBase extends Module {
  abstract readonly weight: Tensor;
  abstract readonly bias: Tensor | null;

  protected initParameters(shape: number[], outChannels: number, bias: boolean): [Tensor, Tensor | null] {
    const weight = init.kaimingUniform(zeros(shape), { a: Math.sqrt(5) });
    const bound = 1 / Math.sqrt(init.fans(weight).fanIn);
    return [
      this.addParameter('weight', weight),
      bias ? this.addParameter('bias', init.uniform(zeros([outChannels]), -bound, bound)) : null,
    ];
  }
}

/**
 * 2-D convolution layer (LeCun et al. 1998; PyTorch's nn.Conv2d) over [N, C, H, W] (or [C, H, W])
 * images: `weight` [outChannels, inChannels/groups, kh, kw] and `bias` [outChannels], initialised as
 * PyTorch does (Kaiming uniform with a = √5, bias U(−1/√fanIn, 1/√fanIn)). Each output channel is
 * one filter slid over the image; the output size along each axis is {@link convOutputSize}.
 * `paddingMode` 'reflect' or 'replicate' pads the image with `pad` before a convolution without
 * padding.
 *
 * @example
 * const conv = new Conv2d(3, 10, 5, { padding: 2 }); // the course notes' ten 5×5 filters
 * conv.forward(randn([1, 3, 32, 32])).shape; // [1, 10, 32, 32]
 * conv.numParameters(); // 760
 */
export class Conv2d extends ConvBase {
  static override readonly layerName = 'Conv2d';
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number] | 'same' | 'valid';
  readonly dilation: [number, number];
  readonly groups: number;
  readonly paddingMode: PaddingMode;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    options: Conv2dLayerOptions = {},
  ) {
    super();
    const fn = 'Conv2d';
    requireInteger(fn, 'inChannels', inChannels, 1);
    requireInteger(fn, 'outChannels', outChannels, 1);
    checkOptions(fn, options, CONV_OPTIONS);
    const { groups = 1, bias = true, paddingMode = 'zeros' } = options;
    this.kernelSize = pair(fn, 'kernelSize', kernelSize, 1);
    this.stride = pair(fn, 'stride', options.stride ?? 1, 1);
    this.dilation = pair(fn, 'dilation', options.dilation ?? 1, 1);
    const padding = options.padding ?? 0;
    if (padding === 'same' || padding === 'valid') {
      if (padding === 'same' && (this.stride[0] !== 1 || this.stride[1] !== 1))
        throw new RangeError(`${fn}: padding 'same' needs stride 1, got ${describeValue(options.stride)}`);
      this.padding = padding;
    } else {
      this.padding = pair(fn, 'padding', padding, 0);
    }
    checkGroups(fn, inChannels, outChannels, groups);
    requireBoolean(fn, 'bias', bias);
    requireChoice(fn, 'paddingMode', paddingMode, ['zeros', 'reflect', 'replicate']);
    this.groups = groups;
    this.paddingMode = paddingMode;
    const shape = [outChannels, inChannels / groups, ...this.kernelSize];
    [this.weight, this.bias] = this.initParameters(shape, outChannels, bias);
  }

  forward(x: Tensor): Tensor {
    const fn = 'Conv2d.forward';
    requireTensor(fn, 'the input', x, 'float32');
    if ((x.ndim !== 3 && x.ndim !== 4) || x.shape[x.ndim - 3] !== this.inChannels) {
      throw new RangeError(
        `${fn}: expected input [N, ${this.inChannels}, H, W] or [${this.inChannels}, H, W], got [${x.shape.join(',')}]`,
      );
    }
    const options = { stride: this.stride, dilation: this.dilation, groups: this.groups };
    if (this.paddingMode === 'zeros')
      return conv2d(x, this.weight, this.bias, { ...options, padding: this.padding });
    const padded = pad(x, this.paddingAmounts(), { mode: this.paddingMode });
    const y = conv2d(padded, this.weight, this.bias, options);
    padded.dispose();
    return y;
  }

  /** [left, right, top, bottom] for `pad`: 'same' puts an odd extra row or column at the end. */
  private paddingAmounts(): number[] {
    if (this.padding === 'valid') return [0, 0, 0, 0];
    if (this.padding === 'same') {
      const total = [0, 1].map((a) => this.dilation[a]! * (this.kernelSize[a]! - 1));
      const [th, tw] = total as [number, number];
      return [Math.floor(tw / 2), tw - Math.floor(tw / 2), Math.floor(th / 2), th - Math.floor(th / 2)];
    }
    const [ph, pw] = this.padding;
    return [pw, pw, ph, ph];
  }

  protected override describe(): string {
    return describeConv(this.inChannels, this.outChannels, this.kernelSize, this.stride, {
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
      bias: this.bias !== null,
      paddingMode: this.paddingMode,
    });
  }
}

function describeConv(
  inChannels: number,
  outChannels: number,
  kernelSize: readonly number[],
  stride: readonly number[],
  extra: {
    padding?: readonly number[] | string;
    outputPadding?: readonly number[];
    dilation: readonly number[];
    groups: number;
    bias: boolean;
    paddingMode?: string;
  },
): string {
  const show = (v: readonly number[] | string) =>
    typeof v === 'string' ? `'${v}'` : v.length === 1 || v[0] === v[1] ? `${v[0]}` : `[${v.join(', ')}]`;
  const parts = [`${inChannels}, ${outChannels}`, `kernelSize=${show(kernelSize)}`];
  if (stride.some((s) => s !== 1)) parts.push(`stride=${show(stride)}`);
  if (
    extra.padding !== undefined &&
    (typeof extra.padding === 'string' || extra.padding.some((p) => p !== 0))
  )
    parts.push(`padding=${show(extra.padding)}`);
  if (extra.outputPadding?.some((p) => p !== 0)) parts.push(`outputPadding=${show(extra.outputPadding)}`);
  if (extra.dilation.some((d) => d !== 1)) parts.push(`dilation=${show(extra.dilation)}`);
  if (extra.groups !== 1) parts.push(`groups=${extra.groups}`);
  if (!extra.bias) parts.push('bias=false');
  if (extra.paddingMode !== undefined && extra.paddingMode !== 'zeros')
    parts.push(`paddingMode='${extra.paddingMode}'`);
  return parts.join(', ');
}

/**
 * 1-D convolution layer (PyTorch's nn.Conv1d) over [N, C, L] (or [C, L]) sequences: `weight`
 * [outChannels, inChannels/groups, kernelSize] and `bias` [outChannels], initialised as {@link Conv2d}.
 *
 * @example new Conv1d(2, 8, 3, { padding: 'same' }).forward(randn([4, 2, 100])).shape; // [4, 8, 100]
 */
export class Conv1d extends ConvBase {
  static override readonly layerName = 'Conv1d';
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly stride: number;
  readonly padding: number | 'same' | 'valid';
  readonly dilation: number;
  readonly groups: number;
  readonly paddingMode: PaddingMode;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number,
    options: Conv1dLayerOptions = {},
  ) {
    super();
    const fn = 'Conv1d';
    requireInteger(fn, 'inChannels', inChannels, 1);
    requireInteger(fn, 'outChannels', outChannels, 1);
    requireInteger(fn, 'kernelSize', kernelSize, 1);
    checkOptions(fn, options, CONV_OPTIONS);
    const { stride = 1, padding = 0, dilation = 1, groups = 1, bias = true, paddingMode = 'zeros' } = options;
    requireInteger(fn, 'stride', stride, 1);
    requireInteger(fn, 'dilation', dilation, 1);
    if (padding === 'same') {
      if (stride !== 1)
        throw new RangeError(`${fn}: padding 'same' needs stride 1, got ${describeValue(stride)}`);
    } else if (padding !== 'valid') {
      requireInteger(fn, 'padding', padding, 0);
    }
    checkGroups(fn, inChannels, outChannels, groups);
    requireBoolean(fn, 'bias', bias);
    requireChoice(fn, 'paddingMode', paddingMode, ['zeros', 'reflect', 'replicate']);
    this.stride = stride;
    this.padding = padding;
    this.dilation = dilation;
    this.groups = groups;
    this.paddingMode = paddingMode;
    const shape = [outChannels, inChannels / groups, kernelSize];
    [this.weight, this.bias] = this.initParameters(shape, outChannels, bias);
  }

  forward(x: Tensor): Tensor {
    const fn = 'Conv1d.forward';
    requireTensor(fn, 'the input', x, 'float32');
    if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[x.ndim - 2] !== this.inChannels) {
      throw new RangeError(
        `${fn}: expected input [N, ${this.inChannels}, L] or [${this.inChannels}, L], got [${x.shape.join(',')}]`,
      );
    }
    const options = { stride: this.stride, dilation: this.dilation, groups: this.groups };
    if (this.paddingMode === 'zeros')
      return conv1d(x, this.weight, this.bias, { ...options, padding: this.padding });
    let amounts: number[];
    if (this.padding === 'valid') amounts = [0, 0];
    else if (this.padding === 'same') {
      const total = this.dilation * (this.kernelSize - 1);
      amounts = [Math.floor(total / 2), total - Math.floor(total / 2)];
    } else amounts = [this.padding, this.padding];
    // 'reflect' and 'replicate' pad a batch of sequences: an unbatched one gets a batch of 1.
    const batched = x.ndim === 3 ? x : x.unsqueeze(0);
    const padded = pad(batched, amounts, { mode: this.paddingMode });
    const y = conv1d(padded, this.weight, this.bias, options);
    padded.dispose();
    return x.ndim === 3 ? y : y.squeeze(0);
  }

  protected override describe(): string {
    return describeConv(this.inChannels, this.outChannels, [this.kernelSize], [this.stride], {
      padding: typeof this.padding === 'string' ? this.padding : [this.padding],
      dilation: [this.dilation],
      groups: this.groups,
      bias: this.bias !== null,
      paddingMode: this.paddingMode,
    });
  }
}

/**
 * 2-D transposed convolution layer (PyTorch's nn.ConvTranspose2d; the gradient of a convolution
 * with respect to its input, used to upsample in decoders): `weight` [inChannels,
 * outChannels/groups, kh, kw] and `bias` [outChannels], initialised as PyTorch does. Output size
 * (H − 1)·stride − 2·padding + dilation·(kh − 1) + outputPadding + 1.
 *
 * @example new ConvTranspose2d(8, 4, 2, { stride: 2 }).forward(randn([1, 8, 7, 7])).shape; // [1, 4, 14, 14]
 */
export class ConvTranspose2d extends ConvBase {
  static override readonly layerName = 'ConvTranspose2d';
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly outputPadding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    options: ConvTranspose2dLayerOptions = {},
  ) {
    super();
    const fn = 'ConvTranspose2d';
    requireInteger(fn, 'inChannels', inChannels, 1);
    requireInteger(fn, 'outChannels', outChannels, 1);
    checkOptions(fn, options, ['stride', 'padding', 'outputPadding', 'groups', 'bias', 'dilation']);
    const { groups = 1, bias = true } = options;
    this.kernelSize = pair(fn, 'kernelSize', kernelSize, 1);
    this.stride = pair(fn, 'stride', options.stride ?? 1, 1);
    this.padding = pair(fn, 'padding', options.padding ?? 0, 0);
    this.outputPadding = pair(fn, 'outputPadding', options.outputPadding ?? 0, 0);
    this.dilation = pair(fn, 'dilation', options.dilation ?? 1, 1);
    for (const a of [0, 1]) {
      if (this.outputPadding[a]! >= Math.max(this.stride[a]!, this.dilation[a]!)) {
        throw new RangeError(
          `${fn}: outputPadding ${describeValue(options.outputPadding)} must be smaller than the stride or the dilation`,
        );
      }
    }
    checkGroups(fn, inChannels, outChannels, groups);
    requireBoolean(fn, 'bias', bias);
    this.groups = groups;
    const shape = [inChannels, outChannels / groups, ...this.kernelSize];
    [this.weight, this.bias] = this.initParameters(shape, outChannels, bias);
  }

  forward(x: Tensor): Tensor {
    const fn = 'ConvTranspose2d.forward';
    requireTensor(fn, 'the input', x, 'float32');
    if ((x.ndim !== 3 && x.ndim !== 4) || x.shape[x.ndim - 3] !== this.inChannels) {
      throw new RangeError(
        `${fn}: expected input [N, ${this.inChannels}, H, W] or [${this.inChannels}, H, W], got [${x.shape.join(',')}]`,
      );
    }
    return convTranspose2d(x, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding,
      outputPadding: this.outputPadding,
      dilation: this.dilation,
      groups: this.groups,
    });
  }

  protected override describe(): string {
    return describeConv(this.inChannels, this.outChannels, this.kernelSize, this.stride, {
      padding: this.padding,
      outputPadding: this.outputPadding,
      dilation: this.dilation,
      groups: this.groups,
      bias: this.bias !== null,
    });
  }
}
