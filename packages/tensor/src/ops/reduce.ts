// Reductions: sum, mean, max, min, argmax, argmin, var, std, logSumExp over any dimensions.
import { ReduceOp } from '@myelin/kernels-wasm';
import { record } from '../autograd.js';
import { kernels } from '../runtime.js';
import { noGrad } from '../scope.js';
import { contiguousStrides, formatShape, normalizeDim, normalizeDims, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { contiguousRaw, release, requireFloat } from './common.js';
import { where } from './elementwise.js';

/** Reduces one dimension with a kernel; the result keeps that dimension with size 1. */
function reduceDim(op: ReduceOp, x: Tensor, dim: number): Tensor {
  const xc = contiguousRaw(x);
  const shape = [...x.shape];
  const outer = sizeOf(shape.slice(0, dim));
  const len = shape[dim]!;
  const inner = sizeOf(shape.slice(dim + 1));
  shape[dim] = 1;
  const out = Tensor._empty(shape, op === ReduceOp.ArgMax || op === ReduceOp.ArgMin ? 'int32' : 'float32');
  kernels.reduce(op, xc._ptr, out._ptr, outer, len, inner);
  release(xc, x);
  return out;
}

/** Reduces `dims` (sorted) with keepDim semantics, then drops them unless `keepDim`. */
function reduceDims(op: ReduceOp, x: Tensor, dims: readonly number[], keepDim: boolean): Tensor {
  let current = x;
  if (dims.length === x.ndim && x.isContiguous && x.ndim > 0) {
    // Whole-tensor reduction in one kernel call.
    current = Tensor._empty(
      x.shape.map(() => 1),
      op === ReduceOp.ArgMax || op === ReduceOp.ArgMin ? 'int32' : 'float32',
    );
    kernels.reduce(op, x._ptr, current._ptr, 1, x.size, 1);
  } else {
    for (let i = dims.length - 1; i >= 0; i--) {
      const next = reduceDim(op, current, dims[i]!);
      if (current !== x) current.dispose();
      current = next;
    }
    if (current === x) current = x._copy();
  }
  if (keepDim) return current;
  const squeezed = x.shape.filter((_, d) => !dims.includes(d));
  const out = current._view(squeezed, contiguousStrides(squeezed));
  current.dispose();
  return out;
}

/** The shape `x` reduces to with keepDim over `dims`. */
function keptShape(x: Tensor, dims: readonly number[]): number[] {
  return x.shape.map((d, i) => (dims.includes(i) ? 1 : d));
}

/** gy (reduced shape) broadcast back to x's shape, contiguous. */
function expandBack(gy: Tensor, x: Tensor, dims: readonly number[]): Tensor {
  return gy
    .reshape(keptShape(x, dims))
    .expand([...x.shape])
    .contiguous();
}

/**
 * Sum over `dim` (a dimension or a list; all if omitted), dropping the reduced dimensions unless
 * `keepDim`.
 *
 * @example tensor([[1, 2], [3, 4]]).sum(0).toArray(); // [4, 6]
 */
export function sum(x: Tensor, dim?: number | readonly number[], keepDim = false): Tensor {
  x._check('sum');
  requireFloat('sum', x);
  const dims = normalizeDims('sum', dim, x.ndim);
  const out = reduceDims(ReduceOp.Sum, x, dims, keepDim);
  record(out, 'sum', [x], [], (gy) => [expandBack(gy, x, dims)]);
  return out;
}

/** Mean over `dim` (all if omitted). */
export function mean(x: Tensor, dim?: number | readonly number[], keepDim = false): Tensor {
  x._check('mean');
  const dims = normalizeDims('mean', dim, x.ndim);
  const count = dims.reduce((n, d) => n * x.shape[d]!, 1);
  return sum(x, dims, keepDim).div(count);
}

function extreme(
  op: ReduceOp.Max | ReduceOp.Min,
  name: string,
  x: Tensor,
  dim: number | readonly number[] | undefined,
  keepDim: boolean,
): Tensor {
  x._check(name);
  requireFloat(name, x);
  const dims = normalizeDims(name, dim, x.ndim);
  for (const d of dims) {
    if (x.shape[d] === 0)
      throw new RangeError(
        `${name}: cannot reduce over dimension ${d} of size 0 (shape ${formatShape(x.shape)})`,
      );
  }
  if (x.size === 0)
    throw new RangeError(`${name}: cannot reduce an empty tensor (shape ${formatShape(x.shape)})`);
  const out = reduceDims(op, x, dims, keepDim);
  record(out, name, [x], [x, out], (gy, [xs, os]) => {
    // Gradient goes to the extreme elements; ties share it equally (amax/amin semantics).
    const mask = xs!.eq(expandBack(os!, xs!, dims));
    const count = mask.sum(dims, true);
    return [mask.mul(expandBack(gy, xs!, dims).div(count.expand([...xs!.shape])))];
  });
  return out;
}

/** Maximum over `dim` (all if omitted); ties share the gradient equally. NaN propagates. */
export function max(x: Tensor, dim?: number | readonly number[], keepDim = false): Tensor {
  return extreme(ReduceOp.Max, 'max', x, dim, keepDim);
}

/** Minimum over `dim` (all if omitted); ties share the gradient equally. NaN propagates. */
export function min(x: Tensor, dim?: number | readonly number[], keepDim = false): Tensor {
  return extreme(ReduceOp.Min, 'min', x, dim, keepDim);
}

function argExtreme(
  op: ReduceOp.ArgMax | ReduceOp.ArgMin,
  name: string,
  x: Tensor,
  dim: number | undefined,
  keepDim: boolean,
): Tensor {
  x._check(name);
  requireFloat(name, x);
  if (x.size === 0)
    throw new RangeError(
      `${name}: cannot take the ${name} of an empty tensor (shape ${formatShape(x.shape)})`,
    );
  if (dim === undefined) {
    const flat = contiguousRaw(x);
    const out = Tensor._empty(keepDim ? x.shape.map(() => 1) : [], 'int32');
    kernels.reduce(op, flat._ptr, out._ptr, 1, x.size, 1);
    release(flat, x);
    return out;
  }
  const d = normalizeDim(name, dim, x.ndim);
  if (x.ndim === 0) return zeroIndex();
  return reduceDims(op, x, [d], keepDim);
}

function zeroIndex(): Tensor {
  const out = Tensor._empty([], 'int32');
  kernels.fillI32(out._ptr, 1, 0);
  return out;
}

/** Index (int32) of the first maximum along `dim`, or of the flattened tensor. NaN counts as maximum. */
export function argmax(x: Tensor, dim?: number, keepDim = false): Tensor {
  return argExtreme(ReduceOp.ArgMax, 'argmax', x, dim, keepDim);
}

/** Index (int32) of the first minimum along `dim`, or of the flattened tensor. */
export function argmin(x: Tensor, dim?: number, keepDim = false): Tensor {
  return argExtreme(ReduceOp.ArgMin, 'argmin', x, dim, keepDim);
}

/** Options of `var` and `std`. */
export interface VarianceOptions {
  /** Subtracted from the count in the denominator: 1 (default) is Bessel's correction, 0 the biased estimate. */
  correction?: number;
  keepDim?: boolean;
}

/** Variance over `dim`: Σ(x − mean)² / (N − correction). */
export function variance(
  x: Tensor,
  dim: number | readonly number[] | undefined,
  options: VarianceOptions,
): Tensor {
  x._check('var');
  const { correction = 1, keepDim = false } = options;
  const dims = normalizeDims('var', dim, x.ndim);
  const count = dims.reduce((n, d) => n * x.shape[d]!, 1);
  const centered = x.sub(x.mean(dims, true));
  return centered
    .square()
    .sum(dims, keepDim)
    .div(Math.max(count - correction, 0));
}

/** Standard deviation over `dim` (see {@link variance}). */
export function std(
  x: Tensor,
  dim: number | readonly number[] | undefined,
  options: VarianceOptions,
): Tensor {
  return variance(x, dim, options).sqrt();
}

/** log Σ exp(x) over `dim`, shifted by the (detached) maximum so that it never overflows. */
export function logSumExp(x: Tensor, dim?: number | readonly number[], keepDim = false): Tensor {
  x._check('logSumExp');
  const dims = normalizeDims('logSumExp', dim, x.ndim);
  // Shift by the max where it is finite (an all −inf slice stays −inf, +inf stays +inf).
  const shift = noGrad(() => {
    const m = x.max(dims, true);
    return where(m.abs().lt(Number.POSITIVE_INFINITY), m, 0);
  });
  const out = x.sub(shift).exp().sum(dims, true).log().add(shift);
  return keepDim ? out : out.reshape(x.shape.filter((_, d) => !dims.includes(d)));
}
