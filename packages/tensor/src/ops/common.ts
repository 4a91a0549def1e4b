import { MAX_DIMS } from '@myelin/kernels-wasm';
import { checkOptions, describeValue } from '../errors.js';
import { formatShape, type Shape, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';

/** Throws unless `t` is float32, naming the op. */
export function requireFloat(op: string, t: Tensor): void {
  if (t.dtype !== 'float32') {
    throw new TypeError(
      `${op}: expected a float32 tensor, got ${t.dtype} of shape ${formatShape(t.shape)} (convert with .float())`,
    );
  }
}

/** Throws if `t` has more dimensions than the kernels support. */
export function requireDims(op: string, t: Tensor | Shape): void {
  const ndim = Array.isArray(t) ? t.length : (t as Tensor).ndim;
  if (ndim > MAX_DIMS)
    throw new RangeError(`${op}: tensors have at most ${MAX_DIMS} dimensions, got ${ndim}`);
}

/** `t` itself if contiguous, else a fresh contiguous copy (the caller disposes it: see `release`). */
export function contiguousRaw(t: Tensor): Tensor {
  return t.isContiguous ? t : t._copy();
}

/** Disposes `temp` if it is a temporary made from `original` by `contiguousRaw`. */
export function release(temp: Tensor, original: Tensor): void {
  if (temp !== original) temp.dispose();
}

export { sameShape } from '../shape.js';

/**
 * Sums a gradient `g` (shaped like a broadcast result) back to `shape`, the shape of the input that
 * was broadcast: over the leading extra dimensions and the dimensions where `shape` has size 1.
 */
export function sumToShape(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let d = 0; d < g.ndim; d++) if (d < lead || (shape[d - lead] === 1 && g.shape[d] !== 1)) dims.push(d);
  const summed = dims.length > 0 ? g.sum(dims, true) : g;
  const out = summed.reshape([...shape]);
  // The reshape is a view: dropping the sum's own handle leaves the gradient the sole owner of its
  // storage, so a leaf can adopt it without a copy.
  if (summed !== g && out !== summed) summed.dispose();
  return out;
}

/** `keepDim` from a reduction's options object (or, as PyTorch also allows, a positional boolean). */
export function keepDimOption(fn: string, options: { keepDim?: boolean } | boolean | undefined): boolean {
  if (options === undefined || typeof options === 'boolean') return options ?? false;
  checkOptions(fn, options, ['keepDim']);
  const { keepDim = false } = options;
  if (typeof keepDim !== 'boolean')
    throw new TypeError(`${fn}: keepDim must be a boolean, got ${describeValue(keepDim)}`);
  return keepDim;
}
