// Reductions: sum, mean, max, min, argmax, argmin, var, std, logSumExp over any dimensions.
import { ReduceOp } from '@myelin/kernels-wasm';
import { checkOptions } from '../errors.js';
import { kernels } from '../runtime.js';
import { noGrad } from '../scope.js';
import { contiguousStrides, formatShape, normalizeDim, normalizeDims, type Shape, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { contiguousRaw, release, requireFloat } from './common.js';
import { defineOp } from './define.js';
import { where } from './elementwise.js';
import { integerSum } from './integer.js';

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

/** The shape `shape` reduces to with keepDim over `dims`. */
function keptShape(shape: Shape, dims: readonly number[]): number[] {
  return shape.map((d, i) => (dims.includes(i) ? 1 : d));
}

/** gy (reduced shape) broadcast back to `shape`, contiguous. */
function expandBack(gy: Tensor, shape: Shape, dims: readonly number[]): Tensor {
  return gy
    .reshape(keptShape(shape, dims))
    .expand([...shape])
    .contiguous();
}

const sumOp = defineOp<{ readonly dims: readonly number[]; readonly keepDim: boolean }>({
  name: 'sum',
  check: ([x]) => requireFloat('sum', x!),
  forward: ([x], { dims, keepDim }) => reduceDims(ReduceOp.Sum, x!, dims, keepDim),
  backward: ({ grads, attrs: { dims }, inputs: [x] }) => [expandBack(grads[0]!, x!.shape, dims)],
});

/**
 * Sum over `dim` (a dimension or a list; all if omitted), dropping the reduced dimensions unless
 * `keepDim`.
 *
 * @example tensor([[1, 2], [3, 4]]).sum(0).toArray(); // [4, 6]
 */
export function sum(x: Tensor, dim?: number | readonly number[], keepDim = false): Tensor {
  x._check('sum');
  if (x.dtype === 'int32') return integerSum(x, dim, keepDim);
  return sumOp([x], { dims: normalizeDims('sum', dim, x.ndim), keepDim })[0]!;
}

/** Mean over `dim` (all if omitted). */
export function mean(x: Tensor, dim?: number | readonly number[], keepDim = false): Tensor {
  x._check('mean');
  const dims = normalizeDims('mean', dim, x.ndim);
  const count = dims.reduce((n, d) => n * x.shape[d]!, 1);
  return sum(x, dims, keepDim).div(count);
}

/** max and min: the gradient goes to the extreme elements; ties share it equally (amax/amin semantics). */
function defineExtreme(op: ReduceOp.Max | ReduceOp.Min, name: string) {
  return defineOp<{ readonly dims: readonly number[]; readonly keepDim: boolean }>({
    name,
    check([x], { dims }) {
      requireFloat(name, x!);
      for (const d of dims) {
        if (x!.shape[d] === 0)
          throw new RangeError(
            `${name}: cannot reduce over dimension ${d} of size 0 (shape ${formatShape(x!.shape)})`,
          );
      }
      if (x!.size === 0)
        throw new RangeError(`${name}: cannot reduce an empty tensor (shape ${formatShape(x!.shape)})`);
    },
    forward: ([x], { dims, keepDim }) => reduceDims(op, x!, dims, keepDim),
    save: ([x], [out]) => [x!, out!],
    backward({ grads, saved: [xs, os], attrs: { dims } }) {
      const mask = xs!.eq(expandBack(os!, xs!.shape, dims));
      const count = mask.sum(dims, true);
      return [mask.mul(expandBack(grads[0]!, xs!.shape, dims).div(count.expand([...xs!.shape])))];
    },
  });
}

const maxOp = defineExtreme(ReduceOp.Max, 'max');
const minOp = defineExtreme(ReduceOp.Min, 'min');

function extreme(
  run: typeof maxOp,
  name: string,
  x: Tensor,
  dim: number | readonly number[] | undefined,
  keepDim: boolean,
): Tensor {
  x._check(name);
  return run([x], { dims: normalizeDims(name, dim, x.ndim), keepDim })[0]!;
}

/** Maximum over `dim` (all if omitted); ties share the gradient equally. NaN propagates. */
export function max(x: Tensor, dim?: number | readonly number[], keepDim = false): Tensor {
  return extreme(maxOp, 'max', x, dim, keepDim);
}

/** Minimum over `dim` (all if omitted); ties share the gradient equally. NaN propagates. */
export function min(x: Tensor, dim?: number | readonly number[], keepDim = false): Tensor {
  return extreme(minOp, 'min', x, dim, keepDim);
}

function zeroIndex(): Tensor {
  const out = Tensor._empty([], 'int32');
  kernels.fillI32(out._ptr, 1, 0);
  return out;
}

/** argmax and argmin (int32 indices, not differentiable). */
function defineArgExtreme(op: ReduceOp.ArgMax | ReduceOp.ArgMin, name: string) {
  return defineOp<{ readonly dim: number | null; readonly keepDim: boolean }>({
    name,
    check([x]) {
      requireFloat(name, x!);
      if (x!.size === 0)
        throw new RangeError(
          `${name}: cannot take the ${name} of an empty tensor (shape ${formatShape(x!.shape)})`,
        );
    },
    forward([x], { dim, keepDim }) {
      if (dim === null) {
        const flat = contiguousRaw(x!);
        const out = Tensor._empty(keepDim ? x!.shape.map(() => 1) : [], 'int32');
        kernels.reduce(op, flat._ptr, out._ptr, 1, x!.size, 1);
        release(flat, x!);
        return out;
      }
      if (x!.ndim === 0) return zeroIndex();
      return reduceDims(op, x!, [dim], keepDim);
    },
  });
}

const argmaxOp = defineArgExtreme(ReduceOp.ArgMax, 'argmax');
const argminOp = defineArgExtreme(ReduceOp.ArgMin, 'argmin');

function argExtreme(
  run: typeof argmaxOp,
  name: string,
  x: Tensor,
  dim: number | undefined,
  keepDim: boolean,
): Tensor {
  x._check(name);
  const d = dim === undefined ? null : normalizeDim(name, dim, x.ndim);
  return run([x], { dim: d, keepDim })[0]!;
}

/** Index (int32) of the first maximum along `dim`, or of the flattened tensor. NaN counts as maximum. */
export function argmax(x: Tensor, dim?: number, keepDim = false): Tensor {
  return argExtreme(argmaxOp, 'argmax', x, dim, keepDim);
}

/** Index (int32) of the first minimum along `dim`, or of the flattened tensor. */
export function argmin(x: Tensor, dim?: number, keepDim = false): Tensor {
  return argExtreme(argminOp, 'argmin', x, dim, keepDim);
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
  name = 'var',
): Tensor {
  x._check(name);
  checkOptions(name, options, ['correction', 'keepDim']);
  const { correction = 1, keepDim = false } = options;
  const dims = normalizeDims(name, dim, x.ndim);
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
  return variance(x, dim, options, 'std').sqrt();
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
