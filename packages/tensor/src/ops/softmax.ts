// Softmax and log-softmax along any dimension, on the row kernels (the dimension is moved last).
import { record } from '../autograd.js';
import { kernels } from '../runtime.js';
import { normalizeDim } from '../shape.js';
import { Tensor } from '../tensor.js';
import { requireFloat } from './common.js';

/** `t` with dimension `dim` moved last, as a contiguous copy (or `t` if it already is). */
function moveLast(t: Tensor, dim: number): Tensor {
  if (dim === t.ndim - 1 && t.isContiguous) return t;
  const order = [...t.shape.keys()].filter((d) => d !== dim).concat(dim);
  const view = t._view(
    order.map((d) => t.shape[d]!),
    order.map((d) => t.strides[d]!),
  );
  const copy = view._copy();
  view.dispose();
  return copy;
}

/** The inverse of {@link moveLast} for a contiguous result: a view with `dim` back in place. */
function moveBack(t: Tensor, dim: number, ndim: number): Tensor {
  if (dim === ndim - 1) return t;
  const order = [...Array(ndim).keys()].filter((d) => d !== dim);
  order.push(dim);
  const shape = new Array<number>(ndim);
  const strides = new Array<number>(ndim);
  order.forEach((d, i) => {
    shape[d] = t.shape[i]!;
    strides[d] = t.strides[i]!;
  });
  const view = t._view(shape, strides);
  t.dispose();
  return view;
}

/** Softmax (or log-softmax when `log`) along `dim`, max-subtracted for stability. */
export function softmax(x: Tensor, dim: number, log: boolean): Tensor {
  const name = log ? 'logSoftmax' : 'softmax';
  x._check(name);
  requireFloat(name, x);
  const source = x.ndim === 0 ? x.reshape([1]) : x;
  const d = normalizeDim(name, dim, source.ndim);
  const moved = moveLast(source, d);
  const cols = source.shape[d]!;
  const rows = cols === 0 ? 0 : source.size / cols;
  const result = Tensor._empty(moved.shape);
  kernels.softmax(moved._ptr, result._ptr, rows, cols, log);
  if (moved !== source) moved.dispose();
  let out = moveBack(result, d, source.ndim);
  if (x.ndim === 0) out = out.reshape([]);
  record(out, name, [x], [out], (gy, [y]) => {
    const g = moveLast(x.ndim === 0 ? gy.reshape([1]) : gy, d);
    const ys = moveLast(x.ndim === 0 ? y!.reshape([1]) : y!, d);
    const gx = Tensor._empty(g.shape);
    kernels.softmaxBackward(ys._ptr, g._ptr, gx._ptr, rows, cols, log);
    const back = moveBack(gx, d, source.ndim);
    return [x.ndim === 0 ? back.reshape([]) : back];
  });
  return out;
}
