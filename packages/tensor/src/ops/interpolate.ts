// Resizing of NCHW images as torch.nn.functional.interpolate, modes 'nearest' and 'bilinear'. Both are
// separable: each output row and column reads at most two input rows and columns with fixed weights,
// so one op computes a per-axis plan (indices and weights) and the gradient scatters with the same plan.
import { checkOptions, describeValue } from '../errors.js';
import { kernels } from '../runtime.js';
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { contiguousRaw, release, requireFloat } from './common.js';
import { defineOp } from './define.js';

/** Options of {@link interpolate}: give exactly one of `size` and `scaleFactor`. */
export interface InterpolateOptions {
  /** The output's height and width (one number for both). */
  size?: number | readonly [number, number];
  /** Output size = ⌊input size · factor⌋; the factor (not the rounded ratio) maps coordinates, as in PyTorch. */
  scaleFactor?: number | readonly [number, number];
  /** 'nearest' (default) or 'bilinear'. */
  mode?: 'nearest' | 'bilinear';
  /** Bilinear only: align the corner pixels' centres of input and output (default false). */
  alignCorners?: boolean;
}

type InterpolateAttrs = {
  readonly size: readonly number[];
  /** The scale factors when given (they map coordinates), else empty. */
  readonly scaleFactor: readonly number[];
  readonly mode: string;
  readonly alignCorners: boolean;
};

/** For one axis: the two input indices and weights each output index reads. */
interface AxisPlan {
  i0: Int32Array;
  i1: Int32Array;
  w0: Float64Array;
  w1: Float64Array;
}

function axisPlan(
  input: number,
  output: number,
  scale: number | undefined,
  attrs: InterpolateAttrs,
): AxisPlan {
  const plan = {
    i0: new Int32Array(output),
    i1: new Int32Array(output),
    w0: new Float64Array(output),
    w1: new Float64Array(output),
  };
  if (attrs.mode === 'nearest') {
    // PyTorch computes the nearest index in float32: ⌊dst · scale⌋ with scale = 1/factor or in/out,
    // except for an output of the input's size (a copy) or twice it (dst / 2).
    const ratio = Math.fround(scale !== undefined ? 1 / scale : input / output);
    for (let o = 0; o < output; o++) {
      let index = Math.min(Math.floor(Math.fround(o * ratio)), input - 1);
      if (output === input) index = o;
      else if (output === 2 * input) index = o >> 1;
      plan.i0[o] = plan.i1[o] = index;
      plan.w0[o] = 1;
    }
    return plan;
  }
  let ratio: number;
  if (attrs.alignCorners) ratio = output > 1 ? (input - 1) / (output - 1) : 0;
  else ratio = scale !== undefined ? 1 / scale : input / output;
  for (let o = 0; o < output; o++) {
    const src = attrs.alignCorners ? ratio * o : Math.max(ratio * (o + 0.5) - 0.5, 0);
    const i0 = Math.min(Math.floor(src), input - 1);
    const lambda = src - i0;
    plan.i0[o] = i0;
    plan.i1[o] = i0 < input - 1 ? i0 + 1 : i0;
    plan.w0[o] = 1 - lambda;
    plan.w1[o] = lambda;
  }
  return plan;
}

function plans(shape: readonly number[], attrs: InterpolateAttrs): [AxisPlan, AxisPlan] {
  const [sh, sw] = attrs.scaleFactor.length === 2 ? attrs.scaleFactor : [undefined, undefined];
  return [axisPlan(shape[2]!, attrs.size[0]!, sh, attrs), axisPlan(shape[3]!, attrs.size[1]!, sw, attrs)];
}

const interpolateOp = defineOp<InterpolateAttrs>({
  name: 'interpolate',
  forward([x], attrs) {
    const [batch, channels, height, width] = x!.shape as [number, number, number, number];
    const [outH, outW] = attrs.size as [number, number];
    const out = Tensor._empty([batch, channels, outH, outW]);
    const [py, px] = plans(x!.shape, attrs);
    const xc = contiguousRaw(x!);
    const f32 = kernels.f32;
    let dst = out._ptr >>> 2;
    for (let p = 0; p < batch * channels; p++) {
      const src = (xc._ptr >>> 2) + p * height * width;
      for (let oy = 0; oy < outH; oy++) {
        const r0 = src + py.i0[oy]! * width;
        const r1 = src + py.i1[oy]! * width;
        const a0 = py.w0[oy]!;
        const a1 = py.w1[oy]!;
        for (let ox = 0; ox < outW; ox++, dst++) {
          const c0 = px.i0[ox]!;
          const c1 = px.i1[ox]!;
          const top = px.w0[ox]! * f32[r0 + c0]! + px.w1[ox]! * f32[r0 + c1]!;
          const bottom = a1 === 0 ? 0 : px.w0[ox]! * f32[r1 + c0]! + px.w1[ox]! * f32[r1 + c1]!;
          f32[dst] = a0 * top + a1 * bottom;
        }
      }
    }
    release(xc, x!);
    return out;
  },
  backward({ grads: [gy], attrs, inputs: [x] }) {
    const [batch, channels, height, width] = x!.shape as [number, number, number, number];
    const [outH, outW] = attrs.size as [number, number];
    const gx = Tensor._empty(x!.shape);
    kernels.fill(gx._ptr, gx.size, 0);
    const [py, px] = plans(x!.shape, attrs);
    const g = contiguousRaw(gy!);
    const f32 = kernels.f32;
    let from = g._ptr >>> 2;
    for (let p = 0; p < batch * channels; p++) {
      const to = (gx._ptr >>> 2) + p * height * width;
      for (let oy = 0; oy < outH; oy++) {
        const r0 = to + py.i0[oy]! * width;
        const r1 = to + py.i1[oy]! * width;
        const a0 = py.w0[oy]!;
        const a1 = py.w1[oy]!;
        for (let ox = 0; ox < outW; ox++, from++) {
          const v = f32[from]!;
          const c0 = px.i0[ox]!;
          const c1 = px.i1[ox]!;
          const b0 = px.w0[ox]!;
          const b1 = px.w1[ox]!;
          f32[r0 + c0] = f32[r0 + c0]! + a0 * b0 * v;
          f32[r0 + c1] = f32[r0 + c1]! + a0 * b1 * v;
          f32[r1 + c0] = f32[r1 + c0]! + a1 * b0 * v;
          f32[r1 + c1] = f32[r1 + c1]! + a1 * b1 * v;
        }
      }
    }
    release(g, gy!);
    return [gx];
  },
});

function positivePair(fn: string, name: string, value: unknown, integer: boolean): [number, number] {
  const items = typeof value === 'number' ? [value, value] : value;
  const ok =
    Array.isArray(items) &&
    items.length === 2 &&
    items.every(
      (v) => typeof v === 'number' && Number.isFinite(v) && v > 0 && (!integer || Number.isInteger(v)),
    );
  if (!ok) {
    throw new RangeError(
      `${fn}: ${name} must be a positive ${integer ? 'integer' : 'number'} or a pair of them, got ${describeValue(value)}`,
    );
  }
  return [items[0] as number, items[1] as number];
}

/**
 * Resizes `input` [N, C, H, W] to `size`, or by `scaleFactor`, as torch.nn.functional.interpolate:
 * 'nearest' copies the pixel at ⌊dst · in/out⌋; 'bilinear' blends the four nearest pixels, mapping
 * pixel centres (alignCorners false) or corner pixels onto each other (alignCorners true).
 *
 * @example interpolate(randn([1, 3, 14, 14]), { scaleFactor: 2, mode: 'bilinear' }).shape; // [1, 3, 28, 28]
 */
export function interpolate(input: Tensor, options: InterpolateOptions): Tensor {
  const fn = 'interpolate';
  checkOptions(fn, options, ['size', 'scaleFactor', 'mode', 'alignCorners']);
  if (!(input instanceof Tensor))
    throw new TypeError(`${fn}: input must be a tensor, got ${describeValue(input)}`);
  input._check(fn);
  requireFloat(fn, input);
  if (input.ndim !== 4)
    throw new RangeError(`${fn}: input must be 4-D [N, C, H, W], got shape ${formatShape(input.shape)}`);
  const { size, scaleFactor, mode = 'nearest', alignCorners } = options ?? {};
  if (mode !== 'nearest' && mode !== 'bilinear')
    throw new RangeError(`${fn}: mode must be 'nearest' or 'bilinear', got ${describeValue(mode)}`);
  if (alignCorners !== undefined && mode !== 'bilinear')
    throw new RangeError(`${fn}: alignCorners can only be set with mode 'bilinear'`);
  if (alignCorners !== undefined && typeof alignCorners !== 'boolean')
    throw new TypeError(`${fn}: alignCorners must be a boolean, got ${describeValue(alignCorners)}`);
  if ((size === undefined) === (scaleFactor === undefined))
    throw new RangeError(`${fn}: give exactly one of size and scaleFactor`);
  const [height, width] = [input.shape[2]!, input.shape[3]!];
  let out: [number, number];
  let factors: number[] = [];
  if (size !== undefined) {
    out = positivePair(fn, 'size', size, true);
  } else {
    factors = positivePair(fn, 'scaleFactor', scaleFactor, false);
    out = [Math.floor(height * factors[0]!), Math.floor(width * factors[1]!)];
    if (out[0] < 1 || out[1] < 1) {
      throw new RangeError(
        `${fn}: scaleFactor ${describeValue(scaleFactor)} shrinks input of shape ${formatShape(input.shape)} to nothing`,
      );
    }
  }
  if (height === 0 || width === 0)
    throw new RangeError(`${fn}: input of shape ${formatShape(input.shape)} has an empty plane`);
  return interpolateOp([input], {
    size: out,
    scaleFactor: factors,
    mode,
    alignCorners: alignCorners ?? false,
  })[0]!;
}
