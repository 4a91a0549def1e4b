import { describeValue } from './errors.js';

/** A tensor's shape: its size along each dimension. */
export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar's shape []). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C order) strides, in elements, of a contiguous tensor of `shape`. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = step;
    step *= shape[d]!;
  }
  return strides;
}

/** `[2,3]`: how error messages print a shape. */
export function formatShape(shape: Shape): string {
  // Shapes in error messages may be user input of any kind: print each size safely.
  return `[${Array.from(shape, (d) => (typeof d === 'number' ? d : describeValue(d))).join(',')}]`;
}

/** Whether two shapes are equal. */
export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The most bytes one tensor can have: all of a 4 GiB WebAssembly memory. */
const MAX_TENSOR_BYTES = 2 ** 32;

/** Throws unless `shape` is a list of non-negative integers. */
export function checkShape(op: string, shape: Shape): void {
  if (!Array.isArray(shape))
    throw new TypeError(`${op}: shape must be an array of sizes, got ${describeValue(shape)}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(`${op}: invalid shape ${formatShape(shape)} (sizes must be integers >= 0)`);
    }
  }
  const bytes = sizeOf(shape) * 4;
  if (bytes > MAX_TENSOR_BYTES) {
    throw new RangeError(
      `${op}: shape ${formatShape(shape)} needs ${bytes} bytes, more than the 4 GiB that WebAssembly memory can hold`,
    );
  }
}

/** Resolves a possibly negative dimension index against `ndim`, or throws naming the op. */
export function normalizeDim(op: string, dim: number, ndim: number): number {
  const lo = -Math.max(ndim, 1);
  const hi = Math.max(ndim, 1) - 1;
  if (!Number.isInteger(dim) || dim < lo || dim > hi) {
    throw new RangeError(
      `${op}: dimension ${describeValue(dim)} is out of range for a tensor with ${ndim} dimensions (expected an integer in ${lo}..${hi})`,
    );
  }
  return dim < 0 ? dim + Math.max(ndim, 1) : dim;
}

/** Sorted, de-duplicated dimensions; `undefined` means all of them. */
export function normalizeDims(
  op: string,
  dims: number | readonly number[] | undefined,
  ndim: number,
): number[] {
  if (dims === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof dims === 'number' ? [dims] : dims;
  if (!Array.isArray(list))
    throw new TypeError(`${op}: dim must be a number or a list of numbers, got ${describeValue(dims)}`);
  const out = [...new Set(list.map((d) => normalizeDim(op, d, ndim)))].sort((a, b) => a - b);
  if (out.length !== list.length)
    throw new RangeError(`${op}: dimension list ${formatShape(list)} repeats a dimension`);
  // A 0-d tensor accepts dim 0 / -1 (as PyTorch does) but has no dimension to reduce.
  return ndim === 0 ? [] : out;
}

/** NumPy broadcasting of two shapes, or a clear error naming the op. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const ndim = Math.max(a.length, b.length);
  const out = new Array<number>(ndim);
  for (let i = 0; i < ndim; i++) {
    const da = a[a.length - ndim + i] ?? 1;
    const db = b[b.length - ndim + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(
        `${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together ` +
          `(dimension ${i - ndim}: ${da} vs ${db})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Strides that read a tensor of `shape`/`strides` as if broadcast to `target` (0 along the
 * dimensions it is broadcast in). `shape` must broadcast to `target`.
 */
export function broadcastStrides(shape: Shape, strides: readonly number[], target: Shape): number[] {
  const out = new Array<number>(target.length).fill(0);
  const lead = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[lead + i] = shape[i] === 1 ? 0 : strides[i]!;
  return out;
}

/** Resolves one -1 in a requested shape against `size` elements, or throws. */
export function inferShape(op: string, requested: Shape, size: number, from: Shape): number[] {
  const out = [...requested];
  const unknown = out.indexOf(-1);
  if (out.lastIndexOf(-1) !== unknown)
    throw new RangeError(`${op}: only one dimension can be -1, got ${formatShape(requested)}`);
  for (const d of out) {
    if (d !== -1 && (!Number.isInteger(d) || d < 0))
      throw new RangeError(`${op}: invalid shape ${formatShape(requested)}`);
  }
  if (unknown >= 0) {
    const known = sizeOf(out.filter((d) => d !== -1));
    if (known === 0 || size % known !== 0) {
      throw new RangeError(
        `${op}: shape ${formatShape(requested)} is invalid for input of shape ${formatShape(from)} (${size} elements)`,
      );
    }
    out[unknown] = size / known;
  }
  if (sizeOf(out) !== size) {
    throw new RangeError(
      `${op}: shape ${formatShape(requested)} is invalid for input of shape ${formatShape(from)} (${size} elements)`,
    );
  }
  return out;
}
