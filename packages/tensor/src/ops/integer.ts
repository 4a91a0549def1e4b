// int32 arithmetic with PyTorch's type promotion (issue 16 #3): int32 ⊕ int32 (or an integer number)
// stays int32 for add, sub, mul, maximum, minimum and pow (wrapping as 32-bit integers do);
// comparisons give float32 1/0 like the float ones; anything mixed with float32 is promoted to
// float32 first (in elementwise.ts), and division is always true division. The kernels are float32,
// so these run in JavaScript over dense int32 copies: fine for labels and indices, the tensors int32
// is for.
import { describeValue } from '../errors.js';
import { kernels } from '../runtime.js';
import {
  broadcastShapes,
  broadcastStrides,
  formatShape,
  normalizeDims,
  type Shape,
  sizeOf,
} from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { defineOp } from './define.js';

/** The binary ops that stay int32 for int32 operands; comparisons give float32 1/0. */
const integerOps: Record<string, (x: number, y: number) => number> = {
  add: (x, y) => (x + y) | 0,
  sub: (x, y) => (x - y) | 0,
  mul: (x, y) => Math.imul(x, y),
  maximum: (x, y) => Math.max(x, y),
  minimum: (x, y) => Math.min(x, y),
  pow: (x, y) => Number(BigInt.asIntN(32, BigInt(x) ** BigInt(y))),
  gt: (x, y) => (x > y ? 1 : 0),
  ge: (x, y) => (x >= y ? 1 : 0),
  lt: (x, y) => (x < y ? 1 : 0),
  le: (x, y) => (x <= y ? 1 : 0),
  eq: (x, y) => (x === y ? 1 : 0),
  ne: (x, y) => (x !== y ? 1 : 0),
};

const comparisons = new Set(['gt', 'ge', 'lt', 'le', 'eq', 'ne']);

/** Whether `name` applied to these operands stays in int32 (else the caller promotes to float32). */
export function staysInteger(name: string, a: Tensor, b: TensorLike): boolean {
  if (a.dtype !== 'int32' || !(name in integerOps)) return false;
  if (typeof b === 'number') {
    if (!Number.isInteger(b) || b < -(2 ** 31) || b >= 2 ** 31) return false;
    return name !== 'pow' || b >= 0;
  }
  return b.dtype === 'int32' && name !== 'pow';
}

/** The elements of int32 `t` broadcast to `shape`, as a dense Int32Array. */
export function denseInt32(t: Tensor, shape: Shape): Int32Array {
  const dense = Tensor._empty(shape, 'int32');
  if (dense.size > 0)
    kernels.copyStrided(t._ptr, broadcastStrides(t.shape, t.strides, shape), dense._ptr, shape);
  const values = kernels.i32.slice(dense._ptr >>> 2, (dense._ptr >>> 2) + dense.size);
  dense.dispose();
  return values;
}

/** A new tensor of `shape` holding `values` (int32 or float32). */
function fromArray(values: Int32Array | Float32Array, shape: Shape): Tensor {
  const out = Tensor._empty(shape, values instanceof Int32Array ? 'int32' : 'float32');
  (values instanceof Int32Array ? kernels.i32 : kernels.f32).set(values, out._ptr >>> 2);
  return out;
}

const integerBinaryOp = defineOp<{ readonly op: string; readonly scalar: number | null }>({
  name: 'integerBinary',
  forward([a, b], { op, scalar }) {
    const shape = b === undefined ? [...a!.shape] : broadcastShapes(op, a!.shape, b.shape);
    const x = denseInt32(a!, shape);
    const y = b === undefined ? null : denseInt32(b, shape);
    const f = integerOps[op]!;
    const out = comparisons.has(op) ? new Float32Array(x.length) : new Int32Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = f(x[i]!, y === null ? scalar! : y[i]!);
    return fromArray(out, shape);
  },
});

/** `a ⊕ b` for int32 operands (see {@link staysInteger}). */
export function integerBinary(name: string, a: Tensor, b: TensorLike): Tensor {
  return typeof b === 'number'
    ? integerBinaryOp([a], { op: name, scalar: b })[0]!
    : integerBinaryOp([a, b], { op: name, scalar: null })[0]!;
}

const integerSumOp = defineOp<{ readonly dims: readonly number[]; readonly keepDim: boolean }>({
  name: 'integerSum',
  forward([x], { dims, keepDim }) {
    let shape = [...x!.shape];
    let values = denseInt32(x!, shape);
    // One dimension at a time, as [outer, len, inner] → [outer, inner], wrapping like int32.
    for (const d of [...dims].sort((p, q) => q - p)) {
      const outer = sizeOf(shape.slice(0, d));
      const len = shape[d]!;
      const inner = sizeOf(shape.slice(d + 1));
      const next = new Int32Array(outer * inner);
      for (let o = 0; o < outer; o++)
        for (let l = 0; l < len; l++)
          for (let i = 0; i < inner; i++)
            next[o * inner + i] = (next[o * inner + i]! + values[(o * len + l) * inner + i]!) | 0;
      values = next;
      shape[d] = 1;
    }
    if (!keepDim) shape = shape.filter((_, d) => !dims.includes(d));
    return fromArray(values, shape);
  },
});

/** Σ over `dims` of an int32 tensor, int32 (PyTorch gives int64; here sums wrap at 2³¹). */
export function integerSum(x: Tensor, dim: number | readonly number[] | undefined, keepDim: boolean): Tensor {
  return integerSumOp([x], { dims: normalizeDims('sum', dim, x.ndim), keepDim })[0]!;
}

/**
 * Counts of each value of a 1-D int32 tensor of non-negative integers (torch.bincount): out[v] is how
 * often v occurs (or the sum of `weights` where it does), for v < max(max(x) + 1, minlength). int32
 * counts, float32 with weights.
 *
 * @example bincount(tensor([0, 2, 2, 5], { dtype: 'int32' })).toArray(); // [1, 0, 2, 0, 0, 1]
 */
export function bincount(x: Tensor, options: { weights?: Tensor; minlength?: number } = {}): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`bincount: expected a tensor, got ${describeValue(x)}`);
  x._check('bincount');
  const { weights, minlength = 0 } = options;
  if (x.dtype !== 'int32' || x.ndim !== 1)
    throw new TypeError(
      `bincount: expected a 1-D int32 tensor, got ${x.dtype} of shape ${formatShape(x.shape)}`,
    );
  if (!Number.isInteger(minlength) || minlength < 0)
    throw new RangeError(`bincount: minlength must be an integer >= 0, got ${describeValue(minlength)}`);
  const values = denseInt32(x, x.shape);
  let top = minlength;
  for (const v of values) {
    if (v < 0) throw new RangeError(`bincount: values must be non-negative, got ${v}`);
    top = Math.max(top, v + 1);
  }
  if (weights !== undefined) {
    if (
      !(weights instanceof Tensor) ||
      weights.dtype !== 'float32' ||
      weights.ndim !== 1 ||
      weights.shape[0] !== x.shape[0]
    )
      throw new RangeError(
        `bincount: weights must be a float32 tensor of shape ${formatShape(x.shape)}, got ${describeValue(weights)}`,
      );
    const w = weights.data();
    const sums = new Float32Array(top);
    values.forEach((v, i) => {
      sums[v] = sums[v]! + w[i]!;
    });
    return fromArray(sums, [top]);
  }
  const counts = new Int32Array(top);
  for (const v of values) counts[v]!++;
  return fromArray(counts, [top]);
}
