// Batch normalisation as torch.nn.functional.batch_norm, over inputs (N, C, …) seen as
// [batch, channels, plane]: one fused op on the batch-norm kernels whose backward gives the gradients
// of the input (through the batch statistics in training), the scale and the shift.
import { checkOptions, describeValue } from '../errors.js';
import { kernels } from '../runtime.js';
import { noGrad } from '../scope.js';
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { contiguousRaw, release, requireFloat } from './common.js';
import { defineOp } from './define.js';

/** Options of {@link batchNorm}. */
export interface BatchNormOptions {
  /** Normalise with the batch's statistics and update the running ones (default false). */
  training?: boolean;
  /** Weight of the batch statistics in the running update (default 0.1). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

type BatchNormAttrs = {
  readonly training: boolean;
  readonly eps: number;
  readonly hasWeight: boolean;
  readonly hasBias: boolean;
};

/** x [N, C, …] as [batch, channels, plane]. */
function layout(shape: readonly number[]): { batch: number; channels: number; plane: number } {
  const [batch, channels] = shape as [number, number];
  let plane = 1;
  for (let d = 2; d < shape.length; d++) plane *= shape[d]!;
  return { batch, channels, plane };
}

/**
 * Inputs: x, mean, variance (the batch's in training, else the running ones), then weight and bias
 * when present. Output: the normalised x.
 */
const batchNormOp = defineOp<BatchNormAttrs>({
  name: 'batchNorm',
  forward(inputs, attrs) {
    const [x, mean, variance] = inputs as [Tensor, Tensor, Tensor];
    const weight = attrs.hasWeight ? inputs[3]! : null;
    const bias = attrs.hasBias ? inputs[attrs.hasWeight ? 4 : 3]! : null;
    const y = Tensor._empty(x.shape);
    if (y.size === 0) return y;
    const dense = [x, mean, variance, weight, bias].map((t) => (t === null ? null : contiguousRaw(t)));
    const [xd, md, vd, wd, bd] = dense;
    kernels.batchNorm2dForward(
      {
        x: xd!._ptr,
        mean: md!._ptr,
        variance: vd!._ptr,
        gamma: wd?._ptr ?? 0,
        beta: bd?._ptr ?? 0,
        eps: attrs.eps,
        ...layout(x.shape),
      },
      y._ptr,
    );
    dense.forEach((d, i) => {
      if (d !== null) release(d, [x, mean, variance, weight, bias][i]!);
    });
    return y;
  },
  save: (inputs, _, attrs) => inputs.slice(0, attrs.hasWeight ? 4 : 3),
  backward({ grads: [gy], saved, attrs, needs, inputs }) {
    const [x, mean, variance, weight] = saved as [Tensor, Tensor, Tensor, Tensor | undefined];
    const { channels } = layout(x.shape);
    const weightAt = 3;
    const biasAt = attrs.hasWeight ? 4 : 3;
    const gx = needs[0] ? Tensor._empty(x.shape) : null;
    const gWeight = attrs.hasWeight && needs[weightAt] ? Tensor._empty([channels]) : null;
    const gBias = attrs.hasBias && needs[biasAt] ? Tensor._empty([channels]) : null;
    const dense = [gy!, x, mean, variance, weight ?? null].map((t) => (t === null ? null : contiguousRaw(t)));
    const [gyd, xd, md, vd, wd] = dense;
    if (x.size > 0) {
      kernels.batchNorm2dBackward(
        {
          x: xd!._ptr,
          mean: md!._ptr,
          variance: vd!._ptr,
          gamma: wd?._ptr ?? 0,
          eps: attrs.eps,
          ...layout(x.shape),
        },
        gyd!._ptr,
        gx?._ptr ?? 0,
        gWeight?._ptr ?? 0,
        gBias?._ptr ?? 0,
        attrs.training,
      );
    } else {
      for (const g of [gWeight, gBias]) g?.zero_();
    }
    dense.forEach((d, i) => {
      if (d !== null) release(d, [gy!, x, mean, variance, weight ?? null][i]!);
    });
    const grads: (Tensor | null)[] = inputs.map(() => null);
    grads[0] = gx;
    if (attrs.hasWeight) grads[weightAt] = gWeight;
    if (attrs.hasBias) grads[biasAt] = gBias;
    return grads;
  },
});

/** Checks an optional per-channel vector argument. */
function channelVector(fn: string, name: string, t: unknown, channels: number): Tensor | null {
  if (t === null || t === undefined) return null;
  if (!(t instanceof Tensor))
    throw new TypeError(`${fn}: ${name} must be a tensor or null, got ${describeValue(t)}`);
  t._check(fn);
  requireFloat(fn, t);
  if (t.ndim !== 1 || t.shape[0] !== channels) {
    throw new RangeError(
      `${fn}: ${name} of shape ${formatShape(t.shape)} expects shape [${channels}] (one entry per channel)`,
    );
  }
  return t;
}

/**
 * Batch normalisation of `input` [N, C, …] as torch.nn.functional.batch_norm: each channel c becomes
 * (x − mean[c]) / √(var[c] + eps) · weight[c] + bias[c]. In training, mean and var are the batch's
 * (biased variance) and the running statistics, when given, are updated in place without recording
 * gradients: running = (1 − momentum)·running + momentum·batch, with the unbiased variance n/(n − 1)·var.
 * In evaluation the running statistics normalise.
 *
 * @example
 * const mean = zeros([16]); const variance = ones([16]);
 * const y = batchNorm(x, mean, variance, gamma, beta, { training: true }); // updates mean and variance
 */
export function batchNorm(
  input: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight?: Tensor | null,
  bias?: Tensor | null,
  options: BatchNormOptions = {},
): Tensor {
  const fn = 'batchNorm';
  checkOptions(fn, options, ['training', 'momentum', 'eps']);
  if (!(input instanceof Tensor))
    throw new TypeError(`${fn}: input must be a tensor, got ${describeValue(input)}`);
  input._check(fn);
  requireFloat(fn, input);
  if (input.ndim < 2) {
    throw new RangeError(
      `${fn}: input must have at least 2 dimensions (N, C, …), got shape ${formatShape(input.shape)}`,
    );
  }
  const { training = false, momentum = 0.1, eps = 1e-5 } = options;
  if (typeof training !== 'boolean')
    throw new TypeError(`${fn}: training must be a boolean, got ${describeValue(training)}`);
  if (typeof momentum !== 'number' || !Number.isFinite(momentum))
    throw new RangeError(`${fn}: momentum must be a finite number, got ${describeValue(momentum)}`);
  if (typeof eps !== 'number' || !(eps >= 0) || !Number.isFinite(eps))
    throw new RangeError(`${fn}: eps must be a non-negative number, got ${describeValue(eps)}`);
  const { batch, channels, plane } = layout(input.shape);
  const mean = channelVector(fn, 'runningMean', runningMean, channels);
  const variance = channelVector(fn, 'runningVar', runningVar, channels);
  const w = channelVector(fn, 'weight', weight, channels);
  const b = channelVector(fn, 'bias', bias, channels);
  const optional = [...(w ? [w] : []), ...(b ? [b] : [])];
  const attrs = { training, eps, hasWeight: w !== null, hasBias: b !== null };
  if (!training) {
    if (mean === null || variance === null)
      throw new RangeError(`${fn}: evaluation (training false) needs runningMean and runningVar`);
    return batchNormOp([input, mean, variance, ...optional], attrs)[0]!;
  }
  const n = batch * plane;
  if (n <= 1) {
    throw new RangeError(
      `${fn}: training needs more than 1 value per channel, got input of shape ${formatShape(input.shape)}`,
    );
  }
  const batchMean = Tensor._empty([channels]);
  const batchVar = Tensor._empty([channels]);
  const x = contiguousRaw(input);
  kernels.channelMeanVar(x._ptr, batchMean._ptr, batchVar._ptr, batch, channels, plane);
  release(x, input);
  const y = batchNormOp([input, batchMean, batchVar, ...optional], attrs)[0]!;
  noGrad(() => {
    if (mean !== null) mean.mul_(1 - momentum).add_(batchMean.mul(momentum));
    if (variance !== null) variance.mul_(1 - momentum).add_(batchVar.mul((momentum * n) / (n - 1)));
  });
  batchMean.dispose();
  batchVar.dispose();
  return y;
}
