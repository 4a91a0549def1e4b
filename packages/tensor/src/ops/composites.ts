// Composites of existing primitives with PyTorch's names: maskedFill, lerp, clampTensor, outer,
// any, all and the Tensor.norm shorthand. No backward code: autograd differentiates the primitives.
import { describeValue } from '../errors.js';
import { vectorNorm } from '../linalg/index.js';
import { broadcastShapes, formatShape, normalizeDims, sameShape } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { keepDimOption, requireFloat } from './common.js';
import { where } from './elementwise.js';
import { requireTensor } from './shape-extra.js';

/** A float32 0/1 view of a mask given as float32 (nonzero = true) or int32. */
function maskOf(fn: string, mask: Tensor): Tensor {
  requireTensor(fn, 'mask', mask);
  return mask.dtype === 'int32' ? mask.float() : mask;
}

/**
 * A copy of `x` with `value` where `mask` is nonzero, as torch.Tensor.masked_fill. `mask` is a float32
 * 0/1 tensor (e.g. from a comparison) or an int32 tensor that broadcasts to `x`'s shape; `value` a
 * number or a 0-d tensor (which then receives the gradient of the filled places).
 *
 * @example scores.maskedFill(causal.eq(0), -Infinity) // mask out future positions before softmax
 */
export function maskedFill(x: Tensor, mask: Tensor, value: TensorLike): Tensor {
  x._check('maskedFill');
  requireFloat('maskedFill', x);
  const m = maskOf('maskedFill', mask);
  const shape = broadcastShapes('maskedFill', x.shape, m.shape);
  if (!sameShape(shape, x.shape))
    throw new RangeError(
      `maskedFill: the mask of shape ${formatShape(m.shape)} does not broadcast to the tensor's shape ${formatShape(x.shape)}`,
    );
  if (value instanceof Tensor) {
    value._check('maskedFill');
    requireFloat('maskedFill', value);
    if (value.ndim !== 0)
      throw new RangeError(
        `maskedFill: value must be a number or a 0-d tensor, got a tensor of shape ${formatShape(value.shape)}`,
      );
  } else if (typeof value !== 'number') {
    throw new TypeError(`maskedFill: value must be a number or a 0-d tensor, got ${describeValue(value)}`);
  }
  return where(m, value, x);
}

/**
 * Linear interpolation `x + weight·(end − x)`, as torch.lerp; `end` and `weight` broadcast and
 * `weight` may be a number.
 *
 * @example tensor([0, 10]).lerp(tensor([10, 20]), 0.5).toArray(); // [5, 15]
 */
export function lerp(x: Tensor, end: Tensor, weight: TensorLike): Tensor {
  x._check('lerp');
  requireTensor('lerp', 'end', end);
  if (!(weight instanceof Tensor) && typeof weight !== 'number')
    throw new TypeError(`lerp: weight must be a number or a tensor, got ${describeValue(weight)}`);
  requireFloat('lerp', x);
  requireFloat('lerp', end);
  const shape = broadcastShapes('lerp', x.shape, end.shape);
  if (weight instanceof Tensor) {
    weight._check('lerp');
    requireFloat('lerp', weight);
    broadcastShapes('lerp', shape, weight.shape);
  }
  return x.add(end.sub(x).mul(weight));
}

/**
 * Clamps elementwise between `min` and `max`, each a tensor (broadcasting), a number or null (no
 * bound), as torch.clamp with tensor bounds: max(x, min) then min(·, max). Where a bound is
 * active the gradient goes to that bound. NOTE: where x equals a bound exactly, x and the bound
 * share the gradient equally (maximum/minimum's rule); PyTorch gives it all to x there.
 *
 * @example x.clampTensor(lower, upper)
 */
export function clampTensor(x: Tensor, min?: TensorLike | null, max?: TensorLike | null): Tensor {
  x._check('clampTensor');
  for (const [name, bound] of [
    ['min', min],
    ['max', max],
  ] as const) {
    if (bound !== undefined && bound !== null && !(bound instanceof Tensor) && typeof bound !== 'number')
      throw new TypeError(
        `clampTensor: ${name} must be a tensor, a number or null, got ${describeValue(bound)}`,
      );
  }
  if ((min ?? null) === null && (max ?? null) === null)
    throw new TypeError('clampTensor: give at least one of min and max');
  requireFloat('clampTensor', x);
  for (const bound of [min, max]) {
    if (bound instanceof Tensor) {
      bound._check('clampTensor');
      requireFloat('clampTensor', bound);
      broadcastShapes('clampTensor', x.shape, bound.shape);
    }
  }
  let out = x;
  if (min !== undefined && min !== null) out = out.maximum(min);
  if (max !== undefined && max !== null) out = out.minimum(max);
  return out;
}

/**
 * The outer product of two vectors: out[i][j] = x[i]·v[j], as torch.outer.
 *
 * @example tensor([1, 2]).outer(tensor([1, 10])).toArray(); // [[1, 10], [2, 20]]
 */
export function outer(x: Tensor, v: Tensor): Tensor {
  x._check('outer');
  requireTensor('outer', 'v', v);
  if (x.ndim !== 1 || v.ndim !== 1)
    throw new RangeError(
      `outer: expected two 1-D tensors, got shapes ${formatShape(x.shape)} and ${formatShape(v.shape)}`,
    );
  requireFloat('outer', x);
  requireFloat('outer', v);
  return x.reshape([x.size, 1]).mul(v.reshape([1, v.size]));
}

/** Options of {@link any} and {@link all}. */
export interface LogicalReduceOptions {
  keepDim?: boolean;
}

function logical(
  fn: string,
  x: Tensor,
  dim: number | readonly number[] | undefined,
  options: LogicalReduceOptions | boolean | undefined,
): Tensor {
  x._check(fn);
  const keepDim = keepDimOption(fn, options);
  const dims = normalizeDims(fn, dim, x.ndim);
  const xf = x.dtype === 'float32' ? x.detach() : x.float();
  // any: some element is nonzero; all: no element is zero (NaN counts as nonzero, as in PyTorch).
  const hits = fn === 'any' ? xf.ne(0) : xf.eq(0);
  const count = hits.sum(dims, keepDim);
  return fn === 'any' ? count.gt(0) : count.eq(0);
}

/**
 * Whether any element along `dim` (all dimensions if omitted) is nonzero: float32 1/0 like the
 * comparisons, no gradient, as torch.any. Of an empty tensor: 0.
 *
 * @example tensor([[0, 1], [0, 0]]).any(1).toArray(); // [1, 0]
 */
export function any(
  x: Tensor,
  dim?: number | readonly number[],
  options?: LogicalReduceOptions | boolean,
): Tensor {
  return logical('any', x, dim, options);
}

/**
 * Whether every element along `dim` (all dimensions if omitted) is nonzero: float32 1/0, no
 * gradient, as torch.all. Of an empty tensor: 1.
 *
 * @example tensor([[1, 1], [0, 1]]).all(1).toArray(); // [1, 0]
 */
export function all(
  x: Tensor,
  dim?: number | readonly number[],
  options?: LogicalReduceOptions | boolean,
): Tensor {
  return logical('all', x, dim, options);
}

/**
 * The vector p-norm over `dim` (all elements if omitted), as torch.Tensor.norm: `p` is 2 (default,
 * also 'fro'), 1, Infinity, −Infinity, 0 or any p > 0; see linalg.vectorNorm.
 *
 * @example tensor([3, 4]).norm().item(); // 5
 */
export function norm(
  x: Tensor,
  p: number | 'fro' = 2,
  dim?: number | readonly number[],
  options?: LogicalReduceOptions | boolean,
): Tensor {
  x._check('norm');
  if (p !== 'fro' && typeof p !== 'number')
    throw new TypeError(`norm: p must be a number or 'fro', got ${describeValue(p)}`);
  return vectorNorm(x, p === 'fro' ? 2 : p, dim, keepDimOption('norm', options));
}
