// Shape operations. Most are views that share storage (reshape of a contiguous tensor, transpose,
// permute, squeeze, unsqueeze, expand, slice); each records how to route the gradient back.
import { describeValue } from '../errors.js';
import { kernels } from '../runtime.js';
import { contiguousStrides, formatShape, inferShape, normalizeDim, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { requireDims, sumToShape } from './common.js';
import { defineOp } from './define.js';

/**
 * The same elements in a new shape (one size may be −1). Shares storage when the tensor is
 * contiguous, copies otherwise.
 *
 * @example arange(6).reshape(2, 3)
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  x._check('reshape');
  return reshapeOp([x], { shape: inferShape('reshape', shape, x.size, x.shape) })[0]!;
}

const reshapeOp = defineOp<{ readonly shape: readonly number[] }>({
  name: 'reshape',
  forward([x], { shape }) {
    const source = x!.isContiguous ? x! : x!._copy();
    const out = source._view([...shape], contiguousStrides(shape));
    if (source !== x) source.dispose();
    return out;
  },
  backward: ({ grads: [gy], inputs: [x] }) => [gy!.reshape([...x!.shape])],
});

/** Like {@link reshape} but never copies: throws if the tensor is not contiguous. */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  x._check('view');
  if (!x.isContiguous) {
    throw new Error(
      `view: the tensor of shape ${formatShape(x.shape)} is not contiguous (e.g. transposed); use reshape() or contiguous() first`,
    );
  }
  return reshape(x, inferShape('view', shape, x.size, x.shape));
}

/** Merges dimensions startDim..endDim into one. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  x._check('flatten');
  if (x.ndim === 0) return reshape(x, [1]);
  const start = normalizeDim('flatten', startDim, x.ndim);
  const end = normalizeDim('flatten', endDim, x.ndim);
  if (start > end) throw new RangeError(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  const merged = x.shape.slice(start, end + 1).reduce((a, b) => a * b, 1);
  return reshape(x, [...x.shape.slice(0, start), merged, ...x.shape.slice(end + 1)]);
}

/** Reorders the dimensions (a view): output dimension i is input dimension dims[i]. */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  x._check('permute');
  if (!Array.isArray(dims) || dims.length !== x.ndim) {
    throw new RangeError(`permute: got ${describeValue(dims)} as dimensions for a tensor with ${x.ndim}`);
  }
  const order = dims.map((d) => normalizeDim('permute', d, x.ndim));
  if (new Set(order).size !== order.length)
    throw new RangeError(`permute: dimensions [${dims.join(',')}] repeat`);
  return permuteOp([x], { dims: order })[0]!;
}

const permuteOp = defineOp<{ readonly dims: readonly number[] }>({
  name: 'permute',
  forward: ([x], { dims }) =>
    x!._view(
      dims.map((d) => x!.shape[d]!),
      dims.map((d) => x!.strides[d]!),
    ),
  backward({ grads: [gy], attrs: { dims } }) {
    const inverse = new Array<number>(dims.length);
    dims.forEach((d, i) => {
      inverse[d] = i;
    });
    return [permute(gy!, inverse)];
  },
});

/** Swaps two dimensions (a view). */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  x._check('transpose');
  if (x.ndim < 2) return reshape(x, [...x.shape]);
  const a = normalizeDim('transpose', dim0, x.ndim);
  const b = normalizeDim('transpose', dim1, x.ndim);
  const order = x.shape.map((_, i) => i);
  order[a] = b;
  order[b] = a;
  return permute(x, order);
}

/** Removes all size-1 dimensions, or only `dim` if it has size 1. */
export function squeeze(x: Tensor, dim?: number): Tensor {
  x._check('squeeze');
  if (dim === undefined)
    return reshape(
      x,
      x.shape.filter((d) => d !== 1),
    );
  const d = normalizeDim('squeeze', dim, x.ndim);
  if (x.shape[d] !== 1) return reshape(x, [...x.shape]);
  return reshape(
    x,
    x.shape.filter((_, i) => i !== d),
  );
}

/** Inserts a dimension of size 1 at `dim` (−1 appends). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  x._check('unsqueeze');
  const d = normalizeDim('unsqueeze', dim, x.ndim + 1);
  const shape = [...x.shape];
  shape.splice(d, 0, 1);
  return reshape(x, shape);
}

/**
 * Broadcasts to `shape` without copying (size-1 dimensions repeat with stride 0; −1 keeps a
 * size; new leading dimensions may be added). Its gradient sums over the broadcast dimensions.
 */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  x._check('expand');
  requireDims('expand', shape);
  for (const size of shape) {
    if (!Number.isInteger(size) || size < -1) {
      throw new RangeError(
        `expand: invalid size ${describeValue(size)} in ${formatShape(shape)} (sizes are integers >= 0, or -1 to keep one)`,
      );
    }
  }
  if (shape.length < x.ndim) {
    throw new RangeError(
      `expand: the target shape ${formatShape(shape)} has fewer dimensions than the tensor's ${formatShape(x.shape)}`,
    );
  }
  const lead = shape.length - x.ndim;
  const target: number[] = [];
  shape.forEach((size, i) => {
    const own = i >= lead ? x.shape[i - lead]! : 1;
    const resolved = size === -1 ? own : size;
    if (size === -1 && i < lead)
      throw new RangeError(`expand: -1 is not allowed for the new leading dimension ${i}`);
    if (own !== resolved && own !== 1) {
      throw new RangeError(
        `expand: cannot expand shape ${formatShape(x.shape)} to ${formatShape(shape)} (dimension ${i}: ${own} vs ${resolved})`,
      );
    }
    target.push(resolved);
  });
  return expandOp([x], { shape: target })[0]!;
}

const expandOp = defineOp<{ readonly shape: readonly number[] }>({
  name: 'expand',
  forward([x], { shape }) {
    const lead = shape.length - x!.ndim;
    const strides = shape.map((size, i) =>
      i < lead || (x!.shape[i - lead] === 1 && size !== 1) ? 0 : x!.strides[i - lead]!,
    );
    return x!._view([...shape], strides);
  },
  backward: ({ grads: [gy], inputs: [x] }) => [sumToShape(gy!, x!.shape)],
});

/**
 * Elements start, start+step, … before end along `dim` (a view). Negative start/end count from the
 * end; out-of-range bounds are clamped (as Python slicing).
 *
 * @example arange(10).slice(0, 2, 8, 3).toArray(); // [2, 5]
 */
export function slice(x: Tensor, dim: number, start = 0, end?: number, step = 1): Tensor {
  x._check('slice');
  const d = normalizeDim('slice', dim, x.ndim);
  if (!Number.isInteger(step) || step < 1)
    throw new RangeError(`slice: step must be a positive integer, got ${describeValue(step)}`);
  for (const [name, bound] of [
    ['start', start],
    ['end', end],
  ] as const) {
    if (bound !== undefined && !Number.isInteger(bound))
      throw new RangeError(`slice: ${name} must be an integer, got ${describeValue(bound)}`);
  }
  const size = x.shape[d]!;
  const resolve = (i: number) => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
  const from = resolve(start);
  const to = Math.max(resolve(end ?? size), from);
  return sliceOp([x], { dim: d, start: from, end: to, step })[0]!;
}

/** Elements start, start+step, … before end along dim (resolved, in range) as a view. */
const sliceOp = defineOp<{
  readonly dim: number;
  readonly start: number;
  readonly end: number;
  readonly step: number;
}>({
  name: 'slice',
  forward([x], { dim, start, end, step }) {
    const shape = [...x!.shape];
    shape[dim] = Math.ceil((end - start) / step);
    const strides = [...x!.strides];
    strides[dim] = x!.strides[dim]! * step;
    return x!._view(shape, strides, x!.offset + start * x!.strides[dim]!);
  },
  backward({ grads: [gy], attrs: { dim, start, step }, inputs: [x] }) {
    const gx = Tensor._empty(x!.shape);
    kernels.fill(gx._ptr, gx.size, 0);
    const gyc = gy!.contiguous();
    const target = contiguousStrides(x!.shape);
    const viewStrides = [...target];
    viewStrides[dim] = target[dim]! * step;
    if (gyc.size > 0)
      kernels.copyIntoStrided(gyc._ptr, gx._ptr + start * target[dim]! * 4, viewStrides, gyc.shape);
    return [gx];
  },
});

/** A contiguous tensor with the same values: `x` itself if already contiguous, else a copy. */
export function contiguous(x: Tensor): Tensor {
  x._check('contiguous');
  if (x.isContiguous) return x;
  requireDims('contiguous', x);
  return contiguousOp([x], {})[0]!;
}

const contiguousOp = defineOp<Record<string, never>>({
  name: 'contiguous',
  forward: ([x]) => x!._copy(),
  backward: ({ grads: [gy] }) => [gy!],
});

/** @internal The shape `x` would have after inserting size-1 dims (for cat/stack). */
export function shapeWith(shape: Shape, dim: number, size: number): number[] {
  const out = [...shape];
  out[dim] = size;
  return out;
}
