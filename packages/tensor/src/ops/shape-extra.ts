// More shape operations with PyTorch's names: t, select, diagonal, diag, split, chunk, repeat, tile,
// flip and roll. select and diagonal are views (their own ops: a gradient copied back into place);
// the others are composites of slice, reshape, expand, indexSelect and cat, so they need no backward.

import { MAX_DIMS } from '@myelin/kernels-wasm';
import { fromValues } from '../creation.js';
import { describeValue } from '../errors.js';
import { kernels } from '../runtime.js';
import { contiguousStrides, formatShape, normalizeDim } from '../shape.js';
import { Tensor } from '../tensor.js';
import { defineOp } from './define.js';
import { cat } from './indexing.js';

/** Throws unless `value` is an integer, naming the function and the argument. */
export function requireInteger(fn: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new TypeError(`${fn}: ${name} must be an integer, got ${describeValue(value)}`);
}

/** Throws unless `t` is a tensor, naming the function and the argument. */
export function requireTensor(fn: string, name: string, t: unknown): asserts t is Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${fn}: ${name} must be a tensor, got ${describeValue(t)}`);
  t._check(fn);
}

/**
 * The transpose of a matrix (a view); a tensor with fewer than 2 dimensions is returned as is (a
 * view), as torch.Tensor.t.
 *
 * @example tensor([[1, 2, 3]]).t().shape // [3, 1]
 */
export function t(x: Tensor): Tensor {
  x._check('t');
  if (x.ndim > 2)
    throw new RangeError(
      `t: expected a tensor with at most 2 dimensions, got shape ${formatShape(x.shape)} (use transpose or mT)`,
    );
  return x.ndim < 2 ? x.reshape([...x.shape]) : x.transpose(0, 1);
}

// ---- select -------------------------------------------------------------------------------------

const selectOp = defineOp<{ readonly dim: number; readonly index: number }>({
  name: 'select',
  forward: ([x], { dim, index }) =>
    x!._view(
      x!.shape.filter((_, d) => d !== dim),
      x!.strides.filter((_, d) => d !== dim),
      x!.offset + index * x!.strides[dim]!,
    ),
  backward({ grads: [gy], attrs: { dim, index }, inputs: [x] }) {
    const gx = Tensor._empty(x!.shape);
    kernels.fill(gx._ptr, gx.size, 0);
    const dense = contiguousStrides(x!.shape);
    const g = gy!.contiguous();
    if (g.size > 0)
      kernels.copyIntoStrided(
        g._ptr,
        gx._ptr + index * dense[dim]! * 4,
        dense.filter((_, d) => d !== dim),
        g.shape,
      );
    if (g !== gy) g.dispose();
    return [gx];
  },
});

/**
 * The slice at `index` along `dim`, with that dimension removed (a view), as torch.select and
 * `x[index]`; a negative index counts from the end.
 *
 * @example tensor([[1, 2], [3, 4]]).select(1, -1).toArray(); // [2, 4]
 */
export function select(x: Tensor, dim: number, index: number): Tensor {
  x._check('select');
  if (x.ndim === 0) throw new RangeError('select: cannot select from a 0-d tensor');
  const d = normalizeDim('select', dim, x.ndim);
  requireInteger('select', 'index', index);
  const size = x.shape[d]!;
  if (index < -size || index >= size)
    throw new RangeError(
      `select: index ${index} is out of range for dimension ${d} of size ${size} (expected ${-size}..${size - 1})`,
    );
  return selectOp([x], { dim: d, index: index < 0 ? index + size : index })[0]!;
}

// ---- diagonal -----------------------------------------------------------------------------------

const diagonalOp = defineOp<{ readonly offset: number; readonly dim1: number; readonly dim2: number }>({
  name: 'diagonal',
  forward([x], { offset, dim1, dim2 }) {
    const { shape, strides, start } = diagonalLayout(x!.shape, x!.strides, offset, dim1, dim2);
    return x!._view(shape, strides, x!.offset + start);
  },
  backward({ grads: [gy], attrs: { offset, dim1, dim2 }, inputs: [x] }) {
    const gx = Tensor._empty(x!.shape);
    kernels.fill(gx._ptr, gx.size, 0);
    const { strides, start } = diagonalLayout(x!.shape, contiguousStrides(x!.shape), offset, dim1, dim2);
    const g = gy!.contiguous();
    if (g.size > 0) kernels.copyIntoStrided(g._ptr, gx._ptr + start * 4, strides, g.shape);
    if (g !== gy) g.dispose();
    return [gx];
  },
});

/** Shape, strides and start (in elements) of the diagonal view of a tensor with `shape`/`strides`. */
function diagonalLayout(
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  dim1: number,
  dim2: number,
) {
  const rows = shape[dim1]!;
  const cols = shape[dim2]!;
  const length = Math.max(0, offset >= 0 ? Math.min(rows, cols - offset) : Math.min(rows + offset, cols));
  const start = length === 0 ? 0 : offset >= 0 ? offset * strides[dim2]! : -offset * strides[dim1]!;
  const keep = (_: number, d: number) => d !== dim1 && d !== dim2;
  return {
    shape: [...shape.filter(keep), length],
    strides: [...strides.filter(keep), strides[dim1]! + strides[dim2]!],
    start,
  };
}

/**
 * The diagonal of the matrices formed by `dim1` and `dim2` (a view), as torch.diagonal: those two
 * dimensions are removed and the diagonal is appended as the last one. `offset` > 0 is above the
 * main diagonal, < 0 below.
 *
 * @example eye(3).mul(2).diagonal().toArray(); // [2, 2, 2]
 */
export function diagonal(x: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  x._check('diagonal');
  if (x.ndim < 2)
    throw new RangeError(`diagonal: expected at least 2 dimensions, got shape ${formatShape(x.shape)}`);
  requireInteger('diagonal', 'offset', offset);
  const a = normalizeDim('diagonal', dim1, x.ndim);
  const b = normalizeDim('diagonal', dim2, x.ndim);
  if (a === b) throw new RangeError(`diagonal: dim1 and dim2 must differ, both are ${a}`);
  return diagonalOp([x], { offset, dim1: a, dim2: b })[0]!;
}

/**
 * As torch.diag: of a vector, the square matrix with it on diagonal `diagonal` (0 the main one,
 * > 0 above, < 0 below); of a matrix, that diagonal as a vector (a view).
 *
 * @example tensor([1, 2]).diag().toArray(); // [[1, 0], [0, 2]]
 */
export function diag(x: Tensor, k = 0): Tensor {
  x._check('diag');
  requireInteger('diag', 'diagonal', k);
  if (x.ndim === 2) return diagonal(x, k, 0, 1);
  if (x.ndim !== 1)
    throw new RangeError(`diag: expected a 1-D or 2-D tensor, got shape ${formatShape(x.shape)}`);
  const n = x.shape[0]!;
  const size = n + Math.abs(k);
  const eye = new Float32Array(n * n);
  for (let i = 0; i < n; i++) eye[i * n + i] = 1;
  const xf = x.dtype === 'float32' ? x : x.float();
  let out = xf.unsqueeze(1).mul(fromValues(eye, [n, n]));
  if (k !== 0) {
    // Shift the n×n block right (k > 0) or down (k < 0) with zero bands.
    const zero = (rows: number, cols: number) => fromValues(new Float32Array(rows * cols), [rows, cols]);
    const pad = Math.abs(k);
    const withCols = k > 0 ? cat([zero(n, pad), out], 1) : cat([out, zero(n, pad)], 1);
    out = k > 0 ? cat([withCols, zero(pad, size)], 0) : cat([zero(pad, size), withCols], 0);
  }
  return x.dtype === 'float32' ? out : out.int();
}

// ---- split and chunk ----------------------------------------------------------------------------

/**
 * Splits along `dim` into pieces of `sizeOrSections` elements (the last may be smaller) or, given a
 * list, into pieces of those sizes (which must add up to the dimension's size), as torch.split.
 * The pieces are views.
 *
 * @example arange(5).split(2).map((p) => p.toArray()); // [[0, 1], [2, 3], [4]]
 */
export function split(x: Tensor, sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  x._check('split');
  if (x.ndim === 0) throw new RangeError('split: cannot split a 0-d tensor');
  const d = normalizeDim('split', dim, x.ndim);
  const length = x.shape[d]!;
  let sizes: number[];
  if (typeof sizeOrSections === 'number') {
    if (!Number.isInteger(sizeOrSections) || sizeOrSections < 1)
      throw new RangeError(
        `split: the split size must be a positive integer, got ${describeValue(sizeOrSections)}`,
      );
    sizes = [];
    for (let at = 0; at < length; at += sizeOrSections) sizes.push(Math.min(sizeOrSections, length - at));
    if (length === 0) sizes.push(0);
  } else {
    if (!Array.isArray(sizeOrSections) || sizeOrSections.some((s) => !Number.isInteger(s) || s < 0))
      throw new TypeError(
        `split: expected a split size or a list of non-negative integer sizes, got ${describeValue(sizeOrSections)}`,
      );
    const total = sizeOrSections.reduce((a, b) => a + b, 0);
    if (total !== length)
      throw new RangeError(
        `split: the sizes [${sizeOrSections.join(',')}] add up to ${total}, but dimension ${d} has size ${length}`,
      );
    sizes = [...sizeOrSections];
  }
  let from = 0;
  return sizes.map((size) => {
    const piece = x.slice(d, from, from + size);
    from += size;
    return piece;
  });
}

/**
 * Splits along `dim` into `chunks` views of ⌈size / chunks⌉ elements each (fewer pieces when the
 * size does not allow that many), as torch.chunk.
 *
 * @example arange(5).chunk(3).map((p) => p.toArray()); // [[0, 1], [2, 3], [4]]
 */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  x._check('chunk');
  if (!Number.isInteger(chunks) || chunks < 1)
    throw new RangeError(`chunk: chunks must be a positive integer, got ${describeValue(chunks)}`);
  if (x.ndim === 0) throw new RangeError('chunk: cannot chunk a 0-d tensor');
  const d = normalizeDim('chunk', dim, x.ndim);
  const length = x.shape[d]!;
  return split(x, Math.max(1, Math.ceil(length / chunks)), d);
}

// ---- repeat and tile ----------------------------------------------------------------------------

function checkRepeats(fn: string, sizes: readonly number[]): void {
  if (!Array.isArray(sizes) || sizes.some((s) => !Number.isInteger(s) || s < 0))
    throw new TypeError(`${fn}: expected non-negative integer repeat counts, got ${describeValue(sizes)}`);
}

/**
 * The tensor repeated `sizes[i]` times along each dimension (a copy), as torch.Tensor.repeat;
 * `sizes` may be longer than the tensor's shape (new leading dimensions).
 *
 * @example tensor([1, 2]).repeat(2, 2).toArray(); // [[1, 2, 1, 2], [1, 2, 1, 2]]
 */
export function repeat(x: Tensor, sizes: readonly number[]): Tensor {
  x._check('repeat');
  checkRepeats('repeat', sizes);
  if (sizes.length < x.ndim)
    throw new RangeError(
      `repeat: got ${sizes.length} repeat counts for a tensor with ${x.ndim} dimensions (give at least one per dimension)`,
    );
  const shape = [...new Array<number>(sizes.length - x.ndim).fill(1), ...x.shape];
  // [s0, s1] -> [1, s0, 1, s1] -> expand [r0, s0, r1, s1] -> [r0·s0, r1·s1] (dims repeated once stay as they are)
  const interleaved = shape.flatMap((s, i) => (sizes[i] === 1 ? [s] : [1, s]));
  const expanded = shape.flatMap((s, i) => (sizes[i] === 1 ? [s] : [sizes[i]!, s]));
  if (interleaved.length > MAX_DIMS)
    throw new RangeError(
      `repeat: repeating ${interleaved.length - shape.length} of ${shape.length} dimensions needs ${interleaved.length} ` +
        `intermediate dimensions, more than the ${MAX_DIMS} supported`,
    );
  return x
    .reshape(interleaved)
    .expand(expanded)
    .reshape(shape.map((s, i) => s * sizes[i]!));
}

/**
 * As torch.tile: {@link repeat}, except that fewer counts than dimensions repeat the last ones
 * (the leading counts are taken as 1).
 *
 * @example tensor([[1, 2]]).tile([2]).toArray(); // [[1, 2, 1, 2]]
 */
export function tile(x: Tensor, dims: readonly number[]): Tensor {
  x._check('tile');
  checkRepeats('tile', dims);
  return repeat(x, [...new Array<number>(Math.max(0, x.ndim - dims.length)).fill(1), ...dims]);
}

// ---- flip and roll ------------------------------------------------------------------------------

/** Dimensions as a sorted, de-duplicated list (a repeat is an error), for flip and roll. */
function dimList(fn: string, dims: number | readonly number[], ndim: number): number[] {
  const list = typeof dims === 'number' ? [dims] : dims;
  if (!Array.isArray(list))
    throw new TypeError(`${fn}: dims must be a number or a list of numbers, got ${describeValue(dims)}`);
  return list.map((d) => normalizeDim(fn, d, ndim));
}

/** An int32 index vector n−1, …, 1, 0. */
function reversed(n: number): Tensor {
  return fromValues(
    Int32Array.from({ length: n }, (_, i) => n - 1 - i),
    [n],
    { dtype: 'int32' },
  );
}

/**
 * The tensor with the order of elements reversed along each of `dims` (a copy), as torch.flip.
 *
 * @example tensor([[1, 2], [3, 4]]).flip([1]).toArray(); // [[2, 1], [4, 3]]
 */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  x._check('flip');
  const list = dimList('flip', dims, x.ndim);
  if (new Set(list).size !== list.length)
    throw new RangeError(`flip: dims ${describeValue(dims)} repeat a dimension`);
  if (x.ndim === 0 || list.length === 0) return x.clone();
  let out = x;
  for (const d of list) {
    const index = reversed(x.shape[d]!);
    const next = out.indexSelect(d, index);
    index.dispose();
    if (out !== x) out.dispose();
    out = next;
  }
  return out;
}

/**
 * The tensor rotated by `shifts` positions along `dims` (elements leaving one end come back at the
 * other), as torch.roll; without `dims`, the flattened tensor is rolled and the shape restored.
 *
 * @example tensor([1, 2, 3, 4]).roll(1).toArray(); // [4, 1, 2, 3]
 */
export function roll(
  x: Tensor,
  shifts: number | readonly number[],
  dims?: number | readonly number[],
): Tensor {
  x._check('roll');
  const shiftList = typeof shifts === 'number' ? [shifts] : shifts;
  if (!Array.isArray(shiftList) || shiftList.some((s) => !Number.isInteger(s)))
    throw new TypeError(
      `roll: shifts must be an integer or a list of integers, got ${describeValue(shifts)}`,
    );
  if (dims === undefined) {
    if (shiftList.length !== 1)
      throw new RangeError(`roll: without dims, give one shift, got ${shiftList.length}`);
    return rollDim(x.reshape([x.size]), shiftList[0]!, 0).reshape([...x.shape]);
  }
  if (x.ndim === 0) return x.clone();
  const dimsList = dimList('roll', dims, x.ndim);
  if (dimsList.length !== shiftList.length)
    throw new RangeError(
      `roll: got ${shiftList.length} shifts for ${dimsList.length} dims (give one shift per dimension)`,
    );
  let out = x;
  dimsList.forEach((d, i) => {
    out = rollDim(out, shiftList[i]!, d);
  });
  return out === x ? x.clone() : out;
}

function rollDim(x: Tensor, shift: number, d: number): Tensor {
  const n = x.shape[d]!;
  const s = n === 0 ? 0 : ((shift % n) + n) % n;
  if (s === 0) return x;
  return cat([x.slice(d, n - s), x.slice(d, 0, n - s)], d);
}
