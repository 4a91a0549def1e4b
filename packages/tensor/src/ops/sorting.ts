// Sorting and selection: sort, argsort, topk (differentiable through the values), unique and nonzero
// (not differentiable). No kernels: each reads the data into JavaScript and sorts there, O(n log n)
// per line plus one copy of the tensor out of and into WebAssembly memory — fine for the sizes these
// are used on (logits, a batch of scores), not meant for millions of elements in a training loop.

import { fromValues } from '../creation.js';
import { checkOptions, describeValue } from '../errors.js';
import { kernels } from '../runtime.js';
import { normalizeDim, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { contiguousRaw, release } from './common.js';
import { defineOp } from './define.js';
import { requireInteger } from './shape-extra.js';

/** The tensor seen as [outer, length, inner] along `dim` (a 0-d tensor as one element). */
function layout(shape: readonly number[], dim: number): [number, number, number] {
  if (shape.length === 0) return [1, 1, 1];
  return [sizeOf(shape.slice(0, dim)), shape[dim]!, sizeOf(shape.slice(dim + 1))];
}

/** Ascending order with NaN last (largest), as PyTorch sorts; ties keep their order (stable). */
function ascending(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return a - b;
}

type SortAttrs = { readonly dim: number; readonly k: number; readonly descending: boolean };

/** sort and topk: one op with two outputs, the values and their int32 indices along `dim`. */
function defineSort(name: string) {
  return defineOp<SortAttrs>({
    name,
    forward([x], { dim, k, descending }) {
      const [outer, length, inner] = layout(x!.shape, dim);
      const shape = [...x!.shape];
      if (shape.length > 0) shape[dim] = k;
      const values = Tensor._empty(shape, x!.dtype);
      const indices = Tensor._empty(shape, 'int32');
      const xc = contiguousRaw(x!);
      const source = x!.dtype === 'int32' ? kernels.i32 : kernels.f32;
      const target = x!.dtype === 'int32' ? kernels.i32 : kernels.f32;
      const i32 = kernels.i32;
      const [src, vals, idx] = [xc._ptr >>> 2, values._ptr >>> 2, indices._ptr >>> 2];
      const line = new Float64Array(length);
      const order = Array.from({ length }, (_, j) => j);
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) {
          for (let j = 0; j < length; j++) {
            line[j] = source[src + (o * length + j) * inner + i]!;
            order[j] = j;
          }
          order.sort(
            descending ? (a, b) => ascending(line[b]!, line[a]!) : (a, b) => ascending(line[a]!, line[b]!),
          );
          for (let j = 0; j < k; j++) {
            const at = (o * k + j) * inner + i;
            target[vals + at] = line[order[j]!]!;
            i32[idx + at] = order[j]!;
          }
        }
      }
      release(xc, x!);
      return [values, indices];
    },
    save: (_, [, indices]) => [indices!],
    // Each value's gradient goes back to the position it came from.
    backward({ grads: [gy], saved: [indices], attrs: { dim, k }, inputs: [x] }) {
      const gx = Tensor._empty(x!.shape);
      kernels.fill(gx._ptr, gx.size, 0);
      if (gy === null || gy === undefined) return [gx];
      const [outer, length, inner] = layout(x!.shape, dim);
      const g = contiguousRaw(gy);
      const f32 = kernels.f32;
      const i32 = kernels.i32;
      const [gBase, iBase, xBase] = [g._ptr >>> 2, indices!._ptr >>> 2, gx._ptr >>> 2];
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < k; j++) {
          for (let i = 0; i < inner; i++) {
            const at = (o * k + j) * inner + i;
            f32[xBase + (o * length + i32[iBase + at]!) * inner + i] = f32[gBase + at]!;
          }
        }
      }
      release(g, gy);
      return [gx];
    },
  });
}

const sortOp = defineSort('sort');
const topkOp = defineSort('topk');

/** [values, indices] with the indices taken out of the graph (as PyTorch's, they need no gradient). */
function withPlainIndices([values, indices]: Tensor[]): [Tensor, Tensor] {
  if (!indices!.requiresGrad) return [values!, indices!];
  const plain = indices!.detach();
  indices!.dispose();
  return [values!, plain];
}

/** Options of {@link Tensor.sort}. */
export interface SortOptions {
  /** The dimension to sort along (default −1, the last). */
  dim?: number;
  /** Largest first (default false). */
  descending?: boolean;
  /** Keep equal elements in their original order. Myelin's sort is always stable; accepted for PyTorch parity. */
  stable?: boolean;
}

function checkBoolean(fn: string, name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean')
    throw new TypeError(`${fn}: ${name} must be a boolean, got ${describeValue(value)}`);
}

function sortArgs(fn: string, x: Tensor, options: SortOptions): SortAttrs {
  x._check(fn);
  checkOptions(fn, options, ['dim', 'descending', 'stable']);
  const { dim = -1, descending = false, stable } = options ?? {};
  checkBoolean(fn, 'descending', descending);
  checkBoolean(fn, 'stable', stable);
  const d = normalizeDim(fn, dim, x.ndim);
  return { dim: d, k: x.ndim === 0 ? 1 : x.shape[d]!, descending };
}

/**
 * Sorts along `dim` (default the last), as torch.sort: returns [values, indices], the indices int32
 * positions in the input. Stable; NaN sorts as the largest value. The gradient flows through the
 * values. NOTE: runs in JavaScript (copies the data out of WebAssembly memory).
 *
 * @example const [values, indices] = tensor([3, 1, 2]).sort(); // [1, 2, 3], [1, 2, 0]
 */
export function sort(x: Tensor, options: SortOptions = {}): [Tensor, Tensor] {
  return withPlainIndices(sortOp([x], sortArgs('sort', x, options)));
}

/**
 * The int32 indices that sort `x` along `dim` (see {@link Tensor.sort}), as torch.argsort.
 *
 * @example tensor([3, 1, 2]).argsort({ descending: true }).toArray(); // [0, 2, 1]
 */
export function argsort(x: Tensor, options: SortOptions = {}): Tensor {
  const [values, indices] = withPlainIndices(sortOp([x], sortArgs('argsort', x, options)));
  values.dispose();
  return indices;
}

/** Options of {@link Tensor.topk}. */
export interface TopkOptions {
  /** The dimension to select along (default −1, the last). */
  dim?: number;
  /** The k largest (default true) or the k smallest. */
  largest?: boolean;
  /** Return them in sorted order (default true). Myelin always sorts them; false is accepted for PyTorch parity. */
  sorted?: boolean;
}

/**
 * The `k` largest (or smallest) elements along `dim`, as torch.topk: returns [values, indices],
 * sorted largest first (smallest first with `largest: false`), one op with two outputs whose
 * gradient flows through the values. NOTE: runs in JavaScript (sorts every line).
 *
 * @example const [values, indices] = tensor([1, 5, 3]).topk(2); // [5, 3], [1, 2]
 */
export function topk(x: Tensor, k: number, options: TopkOptions = {}): [Tensor, Tensor] {
  x._check('topk');
  checkOptions('topk', options, ['dim', 'largest', 'sorted']);
  const { dim = -1, largest = true, sorted } = options ?? {};
  checkBoolean('topk', 'largest', largest);
  checkBoolean('topk', 'sorted', sorted);
  const d = normalizeDim('topk', dim, x.ndim);
  requireInteger('topk', 'k', k);
  const size = x.ndim === 0 ? 1 : x.shape[d]!;
  if (k < 0 || k > size)
    throw new RangeError(
      `topk: k = ${k} is out of range for dimension ${d} of size ${size} (expected 0..${size})`,
    );
  return withPlainIndices(topkOp([x], { dim: d, k, descending: largest }));
}

/** Options of {@link Tensor.unique}. */
export interface UniqueOptions {
  /** Return the unique values in ascending order (default true); false keeps first-occurrence order. */
  sorted?: boolean;
  /** Also return, for each input element, the int32 index of its value in the output. */
  returnInverse?: boolean;
  /** Also return how often each unique value occurs (int32). */
  returnCounts?: boolean;
}

/**
 * The distinct values of the flattened tensor, as torch.unique: a 1-D tensor, or, with
 * `returnInverse` / `returnCounts`, [values, inverse?, counts?] in that order. Not differentiable.
 * NaNs are all distinct, as in PyTorch. NOTE: runs in JavaScript (reads the whole tensor).
 *
 * @example const [values, counts] = tensor([2, 1, 2]).unique({ returnCounts: true }); // [1, 2], [1, 2]
 */
export function unique(x: Tensor, options: UniqueOptions = {}): Tensor | Tensor[] {
  x._check('unique');
  checkOptions('unique', options, ['sorted', 'returnInverse', 'returnCounts']);
  const { sorted = true, returnInverse = false, returnCounts = false } = options ?? {};
  checkBoolean('unique', 'sorted', sorted);
  checkBoolean('unique', 'returnInverse', returnInverse);
  checkBoolean('unique', 'returnCounts', returnCounts);
  const data = x.data();
  const slot = new Map<number, number>();
  const values: number[] = [];
  const counts: number[] = [];
  const inverse = new Int32Array(data.length);
  data.forEach((v, i) => {
    let at = Number.isNaN(v) ? undefined : slot.get(v);
    if (at === undefined) {
      at = values.length;
      if (!Number.isNaN(v)) slot.set(v, at);
      values.push(v);
      counts.push(0);
    }
    counts[at]!++;
    inverse[i] = at;
  });
  let order = values.map((_, i) => i);
  if (sorted) order = order.sort((a, b) => ascending(values[a]!, values[b]!));
  const rank = new Int32Array(order.length);
  order.forEach((from, to) => {
    rank[from] = to;
  });
  const result = [
    fromValues(
      order.map((i) => values[i]!),
      [order.length],
      { dtype: x.dtype },
    ),
  ];
  if (returnInverse)
    result.push(
      fromValues(
        inverse.map((i) => rank[i]!),
        [...x.shape],
        { dtype: 'int32' },
      ),
    );
  if (returnCounts)
    result.push(
      fromValues(
        order.map((i) => counts[i]!),
        [order.length],
        { dtype: 'int32' },
      ),
    );
  return result.length === 1 ? result[0]! : result;
}

/**
 * The int32 indices of the nonzero elements, one row per element in row-major order: shape
 * [count, ndim], as torch.nonzero. Not differentiable. NOTE: reads the whole tensor into JavaScript.
 *
 * @example tensor([[0, 1], [2, 0]]).nonzero().toArray(); // [[0, 1], [1, 0]]
 */
export function nonzero(x: Tensor): Tensor {
  x._check('nonzero');
  const data = x.data();
  const rows: number[] = [];
  const counter = new Array<number>(x.ndim).fill(0);
  for (let e = 0; e < data.length; e++) {
    if (data[e] !== 0) rows.push(...counter);
    for (let d = x.ndim - 1; d >= 0; d--) {
      if (++counter[d]! < x.shape[d]!) break;
      counter[d] = 0;
    }
  }
  const count = x.ndim === 0 ? (data[0] !== 0 ? 1 : 0) : rows.length / x.ndim;
  return fromValues(rows, [count, x.ndim], { dtype: 'int32' });
}
