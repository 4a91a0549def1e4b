// Softmax and log-softmax along any dimension, on the row kernels (the dimension is moved last).
import { kernels } from '../runtime.js';
import { normalizeDim } from '../shape.js';
import { Tensor } from '../tensor.js';
import { requireFloat } from './common.js';
import { defineOp } from './define.js';

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

/** Softmax (or log-softmax when `log`) along `dim` of a tensor with at least one dimension. */
function defineSoftmax(name: string, log: boolean) {
  return defineOp<{ readonly dim: number }>({
    name,
    check: ([x]) => requireFloat(name, x!),
    forward([x], { dim }) {
      const moved = moveLast(x!, dim);
      const cols = x!.shape[dim]!;
      const rows = cols === 0 ? 0 : x!.size / cols;
      const result = Tensor._empty(moved.shape);
      kernels.softmax(moved._ptr, result._ptr, rows, cols, log);
      if (moved !== x) moved.dispose();
      return moveBack(result, dim, x!.ndim);
    },
    save: (_, [out]) => [out!],
    backward({ grads, saved: [y], attrs: { dim } }) {
      const g = moveLast(grads[0]!, dim);
      const ys = moveLast(y!, dim);
      const cols = y!.shape[dim]!;
      const rows = cols === 0 ? 0 : y!.size / cols;
      const gx = Tensor._empty(g.shape);
      kernels.softmaxBackward(ys._ptr, g._ptr, gx._ptr, rows, cols, log);
      if (g !== grads[0]) g.dispose();
      if (ys !== y) ys.dispose();
      return [moveBack(gx, dim, y!.ndim)];
    },
  });
}

const softmaxOp = defineSoftmax('softmax', false);
const logSoftmaxOp = defineSoftmax('logSoftmax', true);

/** Softmax (or log-softmax when `log`) along `dim`, max-subtracted for stability. */
export function softmax(x: Tensor, dim: number, log: boolean): Tensor {
  const name = log ? 'logSoftmax' : 'softmax';
  x._check(name);
  // A 0-d tensor is a row of one.
  if (x.ndim === 0) return softmax(x.reshape([1]), 0, log).reshape([]);
  const d = normalizeDim(name, dim, x.ndim);
  return (log ? logSoftmaxOp : softmaxOp)([x], { dim: d })[0]!;
}
