// nn.functional, completed (issue 16 item 7): GELU, softplus, Mish, hardtanh, log-sigmoid and SiLU;
// linear and bilinear maps; layer and group normalisation; embedding lookups; one-hot encoding;
// cosine similarity and pairwise distances. PyTorch's names and argument order, camelCase options.
// All are composites of tensor ops; the layers in ./layers share the linear, norm and embedding code.
import { arange, customOp, noGrad, type Tensor, tidy, where } from '@myelin/tensor';
import { lookup } from './layers/embedding.js';
import { affine } from './layers/linear.js';
import { groupNormOf, layerNormOf } from './layers/norms.js';
import {
  checkOptions,
  describeValue,
  positive,
  requireBoolean,
  requireChoice,
  requireInteger,
  requireNumber,
  requireTensor,
} from './validate.js';

/** Coefficients of Numerical Recipes' erfc (Chebyshev fit, fractional error < 1.2e-7 everywhere). */
const ERFC = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587,
  -0.82215223, 0.17087277,
];

/**
 * erfc(x) = 1 − erf(x), elementwise, with relative error below 1.2e-7 for every x (plus float32
 * rounding): t·exp(−x² + P(t)) with t = 1/(1 + |x|/2), reflected as 2 − erfc(−x) for x < 0.
 * Not differentiable by itself (the functions using it supply their own gradients).
 */
function erfc(x: Tensor): Tensor {
  return tidy(() => {
    const z = x.abs();
    const t = z.mul(0.5).add(1).reciprocal();
    let poly = t.mul(ERFC[9]!);
    for (let i = 8; i >= 1; i--) poly = poly.add(ERFC[i]!).mul(t);
    const tail = t.mul(poly.add(ERFC[0]!).sub(z.square()).exp());
    return where(x.ge(0), tail, tail.neg().add(2));
  });
}

/** Φ(x) = ½·erfc(−x/√2), the standard normal CDF, accurate in the lower tail too. */
const normalCdf = (x: Tensor): Tensor => tidy(() => erfc(x.mul(-Math.SQRT1_2)).mul(0.5));

/** Exact GELU x·Φ(x); gradient Φ(x) + x·φ(x). */
const geluExact = customOp('gelu', {
  forward: (x) => x.mul(normalCdf(x)),
  backward: (gy, [x]) => {
    const density = x!
      .square()
      .mul(-0.5)
      .exp()
      .mul(1 / Math.sqrt(2 * Math.PI));
    return [gy.mul(normalCdf(x!).add(x!.mul(density)))];
  },
});

/** log σ(x) = min(x, 0) − log(1 + e^{−|x|}); gradient σ(−x). */
const logSigmoidOp = customOp('logsigmoid', {
  forward: (x) => x.clamp(null, 0).sub(x.abs().neg().exp().log1p()),
  backward: (gy, [x]) => [gy.mul(x!.neg().sigmoid())],
});

/** `x`, checked to be a live float32 tensor in `fn`'s name. */
function floatInput(fn: string, x: unknown, name = 'input'): Tensor {
  requireTensor(fn, name, x, 'float32');
  return x;
}

/**
 * Gaussian error linear unit (Hendrycks & Gimpel 2016): x·Φ(x), with Φ the standard normal CDF
 * (erf computed to < 1.2e-7 relative error), or with `approximate: 'tanh'` the tanh form
 * ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
 *
 * @example gelu(x); gelu(x, { approximate: 'tanh' })
 */
export function gelu(x: Tensor, options: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  floatInput('gelu', x);
  checkOptions('gelu', options, ['approximate']);
  const { approximate = 'none' } = options;
  requireChoice('gelu', 'approximate', approximate, ['none', 'tanh']);
  if (approximate === 'none') return geluExact(x);
  const inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
  return x.mul(0.5).mul(inner.tanh().add(1));
}

/**
 * Softplus (1/β)·log(1 + e^{βx}), a smooth ReLU; where βx > threshold it is x itself (PyTorch's
 * linear region, which also keeps e^{βx} from overflowing). Defaults β = 1, threshold = 20.
 *
 * @example softplus(x); softplus(x, { beta: 2, threshold: 10 })
 */
export function softplus(x: Tensor, options: { beta?: number; threshold?: number } = {}): Tensor {
  floatInput('softplus', x);
  checkOptions('softplus', options, ['beta', 'threshold']);
  const { beta = 1, threshold = 20 } = options;
  requireNumber('softplus', 'beta', beta, positive);
  requireNumber('softplus', 'threshold', threshold);
  return softplusOf(x, beta, threshold);
}

function softplusOf(x: Tensor, beta: number, threshold: number): Tensor {
  const scaled = x.mul(beta);
  const linear = noGrad(() => scaled.gt(threshold));
  // The masked elements take x; e^{βx} is evaluated only where it cannot overflow.
  const smooth = scaled.maskedFill(linear, 0).exp().log1p().div(beta);
  return where(linear, x, smooth);
}

/**
 * Mish (Misra 2019): x·tanh(softplus(x)).
 *
 * @example mish(x)
 */
export function mish(x: Tensor): Tensor {
  floatInput('mish', x);
  return x.mul(softplusOf(x, 1, 20).tanh());
}

/**
 * x clamped to [minVal, maxVal] (defaults −1, 1); the gradient is 1 strictly inside and 0 outside
 * and at the bounds, as PyTorch's.
 *
 * @example hardtanh(x, { minVal: 0, maxVal: 6 }) // ReLU6
 */
export function hardtanh(x: Tensor, options: { minVal?: number; maxVal?: number } = {}): Tensor {
  floatInput('hardtanh', x);
  checkOptions('hardtanh', options, ['minVal', 'maxVal']);
  const { minVal = -1, maxVal = 1 } = options;
  requireNumber('hardtanh', 'minVal', minVal);
  requireNumber('hardtanh', 'maxVal', maxVal);
  if (minVal > maxVal) {
    throw new RangeError(`hardtanh: minVal (${minVal}) must not be greater than maxVal (${maxVal})`);
  }
  const inside = noGrad(() => x.gt(minVal).mul(x.lt(maxVal)));
  return where(inside, x, x.clamp(minVal, maxVal).detach());
}

/**
 * log σ(x), computed stably for large |x| as min(x, 0) − log(1 + e^{−|x|}).
 *
 * @example logsigmoid(x) // log-probabilities of a binary classifier's logits
 */
export function logsigmoid(x: Tensor): Tensor {
  floatInput('logsigmoid', x);
  return logSigmoidOp(x);
}

/**
 * Sigmoid linear unit (swish): x·σ(x).
 *
 * @example silu(x)
 */
export function silu(x: Tensor): Tensor {
  floatInput('silu', x);
  return x.mul(x.sigmoid());
}

/** Throws unless `value` is a float32 tensor of exactly `shape` (or null/undefined when optional). */
function requireShaped(fn: string, name: string, value: unknown, shape: readonly number[]): Tensor | null {
  if (value === undefined || value === null) return null;
  requireTensor(fn, name, value, 'float32');
  if (value.ndim !== shape.length || value.shape.some((d, i) => d !== shape[i])) {
    throw new RangeError(
      `${fn}: ${name} must have shape [${shape.join(',')}], got [${value.shape.join(',')}]`,
    );
  }
  return value;
}

/**
 * input·weightᵀ + bias with weight [out, in] (PyTorch's layout): input [..., in] → [..., out].
 *
 * @example linear(x, w, b) // x: [N, 4], w: [3, 4], b: [3] → [N, 3]
 */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  floatInput('linear', input);
  requireTensor('linear', 'weight', weight, 'float32');
  if (weight.ndim !== 2) {
    throw new RangeError(`linear: weight must be 2-D [out, in], got [${weight.shape.join(',')}]`);
  }
  const [out, inFeatures] = weight.shape as [number, number];
  if (input.ndim === 0 || input.shape[input.ndim - 1] !== inFeatures) {
    throw new RangeError(
      `linear: input of shape [${input.shape.join(',')}] does not end in the weight's in-features ${inFeatures}`,
    );
  }
  return affine(input, weight, requireShaped('linear', 'bias', bias, [out]));
}

/**
 * yₒ = input1ᵀ·weightₒ·input2 + biasₒ with weight [out, in1, in2]: inputs [..., in1] and [..., in2]
 * with the same leading dimensions → [..., out].
 *
 * @example bilinear(a, b, w) // a: [N, 4], b: [N, 2], w: [3, 4, 2] → [N, 3]
 */
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  floatInput('bilinear', input1, 'input1');
  floatInput('bilinear', input2, 'input2');
  requireTensor('bilinear', 'weight', weight, 'float32');
  if (weight.ndim !== 3) {
    throw new RangeError(`bilinear: weight must be 3-D [out, in1, in2], got [${weight.shape.join(',')}]`);
  }
  const [out, in1, in2] = weight.shape as [number, number, number];
  const lead = input1.shape.slice(0, -1);
  if (
    input1.ndim === 0 ||
    input1.ndim !== input2.ndim ||
    input1.shape[input1.ndim - 1] !== in1 ||
    input2.shape[input2.ndim - 1] !== in2 ||
    lead.some((d, i) => d !== input2.shape[i])
  ) {
    throw new RangeError(
      `bilinear: expected inputs [..., ${in1}] and [..., ${in2}] with the same leading dimensions, got [${input1.shape.join(',')}] and [${input2.shape.join(',')}]`,
    );
  }
  const b = requireShaped('bilinear', 'bias', bias, [out]);
  // x1·W as one matrix product: [N, in1]·[in1, out·in2] → [N, out, in2], then contract with x2.
  const x1w = input1
    .reshape([-1, in1])
    .matmul(weight.permute([1, 0, 2]).reshape([in1, out * in2]))
    .reshape([-1, out, in2]);
  const y = x1w
    .mul(input2.reshape([-1, 1, in2]))
    .sum(2)
    .reshape([...lead, out]);
  return b === null ? y : y.add(b);
}

/**
 * Layer normalisation over the trailing `normalizedShape` dimensions (biased variance), then
 * elementwise ·weight + bias when given (each of `normalizedShape`). eps defaults to 1e-5.
 *
 * @example layerNorm(x, [128], gamma, beta) // x: [N, T, 128]
 */
export function layerNorm(
  input: Tensor,
  normalizedShape: number | readonly number[],
  weight?: Tensor | null,
  bias?: Tensor | null,
  options: { eps?: number } = {},
): Tensor {
  floatInput('layerNorm', input);
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new RangeError(
      `layerNorm: normalizedShape must be an integer >= 1 or a non-empty array of them, got ${describeValue(normalizedShape)}`,
    );
  }
  const k = shape.length;
  if (input.ndim < k || input.shape.slice(input.ndim - k).some((d, i) => d !== shape[i])) {
    throw new RangeError(
      `layerNorm: input [${input.shape.join(',')}] does not end in the normalized shape [${shape.join(',')}]`,
    );
  }
  checkOptions('layerNorm', options, ['eps']);
  const { eps = 1e-5 } = options;
  requireNumber('layerNorm', 'eps', eps, positive);
  const w = requireShaped('layerNorm', 'weight', weight, shape);
  const b = requireShaped('layerNorm', 'bias', bias, shape);
  return layerNormOf(input, k, w, b, eps);
}

/**
 * Group normalisation: the C channels of [N, C, *] input split into `numGroups` groups, each
 * normalised per sample, then per-channel ·weight + bias when given ([C] each). eps defaults to 1e-5.
 *
 * @example groupNorm(x, 4, gamma, beta) // x: [N, 32, L]
 */
export function groupNorm(
  input: Tensor,
  numGroups: number,
  weight?: Tensor | null,
  bias?: Tensor | null,
  options: { eps?: number } = {},
): Tensor {
  floatInput('groupNorm', input);
  requireInteger('groupNorm', 'numGroups', numGroups, 1);
  if (input.ndim < 2 || input.shape[1]! % numGroups !== 0) {
    throw new RangeError(
      `groupNorm: expected input [N, C, ...] with C divisible by numGroups ${numGroups}, got [${input.shape.join(',')}]`,
    );
  }
  checkOptions('groupNorm', options, ['eps']);
  const { eps = 1e-5 } = options;
  requireNumber('groupNorm', 'eps', eps, positive);
  const channels = [input.shape[1]!];
  const w = requireShaped('groupNorm', 'weight', weight, channels);
  const b = requireShaped('groupNorm', 'bias', bias, channels);
  return groupNormOf(input, numGroups, w, b, eps);
}

/**
 * The rows of `weight` [numEmbeddings, dim] at the int32 indices `input` (any shape):
 * [...input.shape, dim]. Lookups of `paddingIdx` (negative counts from the end) give no gradient.
 *
 * @example embedding(tokenIds, table, { paddingIdx: 0 }) // tokenIds: [B, T] → [B, T, dim]
 */
export function embedding(input: Tensor, weight: Tensor, options: { paddingIdx?: number } = {}): Tensor {
  requireTensor('embedding', 'input', input, 'int32');
  requireTensor('embedding', 'weight', weight, 'float32');
  if (weight.ndim !== 2) {
    throw new RangeError(
      `embedding: weight must be 2-D [numEmbeddings, embeddingDim], got [${weight.shape.join(',')}]`,
    );
  }
  checkOptions('embedding', options, ['paddingIdx']);
  const rows = weight.shape[0]!;
  const { paddingIdx } = options;
  if (
    paddingIdx !== undefined &&
    !(Number.isInteger(paddingIdx) && paddingIdx >= -rows && paddingIdx < rows)
  ) {
    throw new RangeError(
      `embedding: paddingIdx must be a row in -${rows}..${rows - 1}, got ${describeValue(paddingIdx)}`,
    );
  }
  const values = input.data();
  const bad = values.findIndex((i) => i < 0 || i >= rows);
  if (bad !== -1) {
    throw new RangeError(
      `embedding: index ${values[bad]} at flat position ${bad} is not a row in 0..${rows - 1}`,
    );
  }
  const padding = paddingIdx === undefined ? null : paddingIdx < 0 ? paddingIdx + rows : paddingIdx;
  return lookup(weight, input, padding);
}

/**
 * One-hot encoding of the int32 class indices `tensor` (any shape): int32 [...shape, numClasses]
 * (PyTorch returns int64, which Myelin does not have). numClasses = −1 (the default) uses max + 1.
 *
 * @example oneHot(tensor([0, 2], { dtype: 'int32' }), 3).toArray() // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHot(tensor: Tensor, numClasses = -1): Tensor {
  requireTensor('oneHot', 'tensor', tensor, 'int32');
  requireInteger('oneHot', 'numClasses', numClasses, -1);
  const values = tensor.data();
  let max = -1;
  for (const v of values) max = Math.max(max, v);
  const classes = numClasses === -1 ? max + 1 : numClasses;
  const bad = values.findIndex((v) => v < 0 || v >= classes);
  if (bad !== -1) {
    throw new RangeError(
      `oneHot: class index ${values[bad]} at flat position ${bad} is not in 0..${classes - 1}`,
    );
  }
  if (classes === 0) {
    throw new RangeError('oneHot: numClasses = -1 needs a non-empty tensor to infer the class count');
  }
  return noGrad(() =>
    tensor
      .unsqueeze(-1)
      .eq(arange(classes, undefined, 1, { dtype: 'int32' }))
      .int(),
  );
}

/** The broadcast shape of `a` and `b`, or an error in `fn`'s name. */
function broadcast(fn: string, a: Tensor, b: Tensor): number[] {
  const n = Math.max(a.ndim, b.ndim);
  return Array.from({ length: n }, (_, i) => {
    const da = a.shape[a.ndim - n + i] ?? 1;
    const db = b.shape[b.ndim - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(
        `${fn}: x1 [${a.shape.join(',')}] and x2 [${b.shape.join(',')}] do not broadcast together`,
      );
    }
    return Math.max(da, db);
  });
}

/**
 * Cosine similarity x1·x2 / (max(‖x1‖, eps)·max(‖x2‖, eps)) along `dim` (default 1) after
 * broadcasting, as PyTorch 1.13. eps defaults to 1e-8.
 *
 * @example cosineSimilarity(a, b) // a, b: [N, D] → [N]
 */
export function cosineSimilarity(
  x1: Tensor,
  x2: Tensor,
  options: { dim?: number; eps?: number } = {},
): Tensor {
  floatInput('cosineSimilarity', x1, 'x1');
  floatInput('cosineSimilarity', x2, 'x2');
  checkOptions('cosineSimilarity', options, ['dim', 'eps']);
  const { dim = 1, eps = 1e-8 } = options;
  requireNumber('cosineSimilarity', 'eps', eps, positive);
  const shape = broadcast('cosineSimilarity', x1, x2);
  requireInteger('cosineSimilarity', 'dim', dim);
  if (dim < -shape.length || dim >= shape.length) {
    throw new RangeError(
      `cosineSimilarity: dim ${dim} is out of range for inputs broadcast to [${shape.join(',')}]`,
    );
  }
  const a = x1.expand(shape);
  const b = x2.expand(shape);
  const norms = a.norm(2, dim).clamp(eps).mul(b.norm(2, dim).clamp(eps));
  return a.mul(b).sum(dim).div(norms);
}

/**
 * The p-norm of x1 − x2 + eps along the last dimension (PyTorch's pairwise_distance): p defaults to
 * 2, eps to 1e-6 (keeps the gradient finite when x1 = x2); `keepDim` keeps that dimension as size 1.
 *
 * @example pairwiseDistance(a, b) // a, b: [N, D] → [N]
 */
export function pairwiseDistance(
  x1: Tensor,
  x2: Tensor,
  options: { p?: number; eps?: number; keepDim?: boolean } = {},
): Tensor {
  floatInput('pairwiseDistance', x1, 'x1');
  floatInput('pairwiseDistance', x2, 'x2');
  checkOptions('pairwiseDistance', options, ['p', 'eps', 'keepDim']);
  const { p = 2, eps = 1e-6, keepDim = false } = options;
  requireNumber('pairwiseDistance', 'p', p, positive);
  requireNumber('pairwiseDistance', 'eps', eps);
  requireBoolean('pairwiseDistance', 'keepDim', keepDim);
  const shape = broadcast('pairwiseDistance', x1, x2);
  if (shape.length === 0) {
    throw new RangeError('pairwiseDistance: expected inputs with at least one dimension, got scalars');
  }
  return x1.sub(x2).add(eps).norm(p, -1, keepDim);
}
