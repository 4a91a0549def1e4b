// Indexing and joining: indexSelect, gather, cat, stack.
import { BinaryOp } from '@myelin/kernels-wasm';
import { describeValue } from '../errors.js';
import { kernels } from '../runtime.js';
import { contiguousStrides, formatShape, normalizeDim, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { contiguousRaw, release, requireFloat } from './common.js';
import { defineOp } from './define.js';

function requireIndex(op: string, index: Tensor): void {
  index._check(op);
  if (index.dtype !== 'int32') {
    throw new TypeError(
      `${op}: the index must be an int32 tensor, got ${index.dtype} (create it with { dtype: 'int32' } or .int())`,
    );
  }
}

/** Throws unless `tensors` is a non-empty array of tensors. */
function requireTensorList(op: string, tensors: readonly Tensor[]): void {
  if (!Array.isArray(tensors))
    throw new TypeError(`${op}: expected a list of tensors, got ${describeValue(tensors)}`);
  if (tensors.length === 0) throw new RangeError(`${op}: expected a non-empty list of tensors`);
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor))
      throw new TypeError(`${op}: element ${i} of the list is not a tensor but ${describeValue(t)}`);
  });
}

/** Sizes before, along and after `dim`: the tensor seen as [outer, size, inner]. */
function split(shape: readonly number[], dim: number): [number, number, number] {
  return [sizeOf(shape.slice(0, dim)), shape[dim]!, sizeOf(shape.slice(dim + 1))];
}

/**
 * The slices of `x` (float32 or int32) along `dim` at the positions in `index` (a 1-D int32
 * tensor), in that order; repeats allowed. Its gradient adds each output slice back into its source slice (so repeated
 * indices accumulate, which is what an embedding lookup needs).
 *
 * @example embeddings.indexSelect(0, tensor([3, 1, 3], { dtype: 'int32' })) // rows 3, 1, 3
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  x._check('indexSelect');
  requireIndex('indexSelect', index);
  if (index.ndim > 1)
    throw new RangeError(`indexSelect: the index must be 1-D, got shape ${formatShape(index.shape)}`);
  const d = normalizeDim('indexSelect', dim, x.ndim);
  // A 0-d tensor is indexed as if it had shape [1] (as PyTorch does).
  const size = x.ndim === 0 ? 1 : x.shape[d]!;
  const positions = index.data() as Int32Array;
  for (const [i, p] of positions.entries()) {
    if (p < 0 || p >= size) {
      throw new RangeError(
        `indexSelect: index ${p} (at position ${i}) is out of range for dimension ${d} of size ${size}`,
      );
    }
  }
  return indexSelectOp([x, index], { dim: d })[0]!;
}

/** The positions in a checked index tensor, and x seen as [outer, size, inner] along dim. */
function selection(shape: readonly number[], index: Tensor, dim: number) {
  // A 0-d tensor is indexed as if it had shape [1] (as PyTorch does).
  const [outer, size, inner] = shape.length === 0 ? [1, 1, 1] : split(shape, dim);
  return { outer, size, inner, positions: index.data() as Int32Array };
}

const indexSelectOp = defineOp<{ readonly dim: number }>({
  name: 'indexSelect',
  forward([x, index], { dim }) {
    const { outer, size, inner, positions } = selection(x!.shape, index!, dim);
    const shape = x!.ndim === 0 ? [...index!.shape] : [...x!.shape];
    if (x!.ndim > 0) shape[dim] = positions.length;
    // copyWithin preserves bits, so this serves int32 tensors (labels) as well as float32.
    const out = Tensor._empty(shape, x!.dtype);
    const xc = contiguousRaw(x!);
    const f32 = kernels.f32;
    const src = xc._ptr >>> 2;
    const dst = out._ptr >>> 2;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < positions.length; i++) {
        const from = src + (o * size + positions[i]!) * inner;
        f32.copyWithin(dst + (o * positions.length + i) * inner, from, from + inner);
      }
    }
    release(xc, x!);
    return out;
  },
  save: ([, index]) => [index!],
  backward({ grads: [gy], saved: [index], attrs: { dim }, inputs: [x] }) {
    const { outer, size, inner, positions } = selection(x!.shape, index!, dim);
    const gx = Tensor._empty(x!.shape);
    kernels.fill(gx._ptr, gx.size, 0);
    const g = contiguousRaw(gy!);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < positions.length; i++) {
        const target = gx._ptr + (o * size + positions[i]!) * inner * 4;
        kernels.binary(BinaryOp.Add, target, g._ptr + (o * positions.length + i) * inner * 4, target, inner);
      }
    }
    release(g, gy!);
    return [gx, null];
  },
});

/**
 * Picks along `dim` by an int32 `index` of the same number of dimensions, as torch.gather: for
 * dim 1 of a 2-D tensor, out[i][j] = x[i][index[i][j]]. The output has the index's shape.
 *
 * @example logProbs.gather(1, targets.unsqueeze(1)) // each row's entry at its target class
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  x._check('gather');
  requireFloat('gather', x);
  requireIndex('gather', index);
  const d = normalizeDim('gather', dim, x.ndim);
  if (index.ndim !== x.ndim) {
    throw new RangeError(
      `gather: the index (shape ${formatShape(index.shape)}) must have as many dimensions as the input (shape ${formatShape(x.shape)})`,
    );
  }
  for (let i = 0; i < x.ndim; i++) {
    if (i !== d && index.shape[i]! > x.shape[i]!) {
      throw new RangeError(
        `gather: index shape ${formatShape(index.shape)} exceeds input shape ${formatShape(x.shape)} in dimension ${i}`,
      );
    }
  }
  gatherPlan(x.shape, x.strides, index, d); // checks every index before anything is allocated
  return gatherOp([x, index], { dim: d })[0]!;
}

/**
 * For each element of `index` (int32, the output's shape): where gather reads it in a tensor of
 * `shape`/`strides`, and the same element's position in a contiguous tensor of `shape` (where its
 * gradient goes). Throws on an out-of-range index.
 */
function gatherPlan(shape: readonly number[], strides: readonly number[], index: Tensor, d: number) {
  const positions = index.data() as Int32Array;
  const offsets = new Int32Array(positions.length);
  const targets = new Int32Array(positions.length);
  const dense = contiguousStrides(shape);
  const outShape = index.shape;
  const counter = new Array<number>(outShape.length).fill(0);
  for (let e = 0; e < positions.length; e++) {
    const p = positions[e]!;
    if (p < 0 || p >= shape[d]!) {
      throw new RangeError(`gather: index ${p} is out of range for dimension ${d} of size ${shape[d]}`);
    }
    let offset = 0;
    let target = 0;
    for (let i = 0; i < outShape.length; i++) {
      const at = i === d ? p : counter[i]!;
      offset += at * strides[i]!;
      target += at * dense[i]!;
    }
    offsets[e] = offset;
    targets[e] = target;
    for (let i = outShape.length - 1; i >= 0; i--) {
      if (++counter[i]! < outShape[i]!) break;
      counter[i] = 0;
    }
  }
  return { offsets, targets };
}

const gatherOp = defineOp<{ readonly dim: number }>({
  name: 'gather',
  forward([x, index], { dim }) {
    const { offsets } = gatherPlan(x!.shape, x!.strides, index!, dim);
    const out = Tensor._empty(index!.shape);
    const f32 = kernels.f32;
    const base = x!._ptr >>> 2;
    const dst = out._ptr >>> 2;
    for (let e = 0; e < offsets.length; e++) f32[dst + e] = f32[base + offsets[e]!]!;
    return out;
  },
  save: ([, index]) => [index!],
  backward({ grads: [gy], saved: [index], attrs: { dim }, inputs: [x] }) {
    const { targets } = gatherPlan(x!.shape, contiguousStrides(x!.shape), index!, dim);
    const gx = Tensor._empty(x!.shape);
    kernels.fill(gx._ptr, gx.size, 0);
    const g = contiguousRaw(gy!);
    const view = kernels.f32;
    const gxBase = gx._ptr >>> 2;
    const gyBase = g._ptr >>> 2;
    for (let e = 0; e < targets.length; e++)
      view[gxBase + targets[e]!] = view[gxBase + targets[e]!]! + view[gyBase + e]!;
    release(g, gy!);
    return [gx, null];
  },
});

/**
 * Concatenates tensors along `dim`; all must have the same shape except along `dim`.
 *
 * @example cat([zeros([2, 3]), ones([1, 3])], 0).shape // [3, 3]
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  requireTensorList('cat', tensors);
  const first = tensors[0]!;
  for (const t of tensors) {
    t._check('cat');
    if (t.dtype !== first.dtype)
      throw new TypeError(`cat: all tensors must have one dtype, got ${first.dtype} and ${t.dtype}`);
  }
  tensors.forEach((t, i) => {
    if (t.ndim === 0)
      throw new RangeError(
        `cat: a 0-d tensor (at position ${i}) cannot be concatenated; use stack, or unsqueeze(0) it first`,
      );
  });
  const d = normalizeDim('cat', dim, first.ndim);
  for (const t of tensors) {
    const same = t.ndim === first.ndim && t.shape.every((s, i) => i === d || s === first.shape[i]);
    if (!same) {
      throw new RangeError(
        `cat: shapes ${formatShape(first.shape)} and ${formatShape(t.shape)} differ outside dimension ${d}`,
      );
    }
  }
  return catOp(tensors, { dim: d })[0]!;
}

const catOp = defineOp<{ readonly dim: number }>({
  name: 'cat',
  forward(tensors, { dim }) {
    const first = tensors[0]!;
    const shape = [...first.shape];
    shape[dim] = tensors.reduce((n, t) => n + t.shape[dim]!, 0);
    const out = Tensor._empty(shape, first.dtype);
    const strides = contiguousStrides(shape);
    let at = 0;
    for (const t of tensors) {
      if (t.size > 0) {
        const tc = contiguousRaw(t);
        kernels.copyIntoStrided(tc._ptr, out._ptr + at * strides[dim]! * 4, strides, t.shape);
        release(tc, t);
      }
      at += t.shape[dim]!;
    }
    return out;
  },
  backward({ grads: [gy], attrs: { dim }, needs, inputs }) {
    let from = 0;
    return inputs.map(({ shape }, i) => {
      const size = shape[dim]!;
      const g = needs[i] ? gy!.slice(dim, from, from + size).contiguous() : null;
      from += size;
      return g;
    });
  },
});

/**
 * Stacks same-shaped tensors along a new dimension `dim`.
 *
 * @example stack([ones([3]), zeros([3])]).shape // [2, 3]
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  requireTensorList('stack', tensors);
  const first = tensors[0]!;
  for (const t of tensors) {
    t._check('stack');
    if (formatShape(t.shape) !== formatShape(first.shape)) {
      throw new RangeError(
        `stack: all tensors must have the same shape, got ${formatShape(first.shape)} and ${formatShape(t.shape)}`,
      );
    }
  }
  const d = normalizeDim('stack', dim, first.ndim + 1);
  const unsqueezed = tensors.map((t) => t.unsqueeze(d));
  const out = cat(unsqueezed, d);
  for (const view of unsqueezed) view.dispose(); // the graph keeps what it needs, not these views
  return out;
}
