// The fused elementwise parts of the recurrent cells (PyTorch's LSTM and GRU equations and gate
// order) and `unbind`, which splits a sequence into its time steps. The matrix products around the
// cells stay ordinary matmul/add ops, so autograd handles the weights; these ops replace the ~10
// elementwise ops between the products with one kernel call forward and one backward.
//
// NOTE: the cells save only their inputs. Backward reruns the forward kernel (elementwise, cheap next
// to the products) to get the activated gates it reads: a training step keeps one [batch, 4·hidden]
// buffer per step alive instead of the pre-activations plus the activations.
import { describeValue } from '../errors.js';
import { kernels } from '../runtime.js';
import { contiguousStrides, formatShape, normalizeDim } from '../shape.js';
import { Tensor } from '../tensor.js';
import { contiguousRaw, release, requireFloat } from './common.js';
import { defineOp } from './define.js';

/** Throws unless `t` is a float32 matrix of shape [batch, width·hidden] (the shape named `expected`). */
function requireMatrix(op: string, name: string, t: Tensor, rows: number, cols: number, expected: string) {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a tensor, got ${describeValue(t)}`);
  requireFloat(op, t);
  if (t.ndim !== 2 || t.shape[0] !== rows || t.shape[1] !== cols) {
    throw new RangeError(
      `${op}: ${name} must have shape ${expected} = [${rows}, ${cols}], got ${formatShape(t.shape)}`,
    );
  }
}

/** [batch, hidden] from a [batch, hidden] state, after checking it is a float32 matrix. */
function stateSize(op: string, name: string, t: Tensor): [number, number] {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a tensor, got ${describeValue(t)}`);
  requireFloat(op, t);
  if (t.ndim !== 2)
    throw new RangeError(`${op}: ${name} must have shape [batch, hidden], got ${formatShape(t.shape)}`);
  return [t.shape[0]!, t.shape[1]!];
}

/** Runs `fn` on dense versions of `tensors` (copies of non-contiguous ones, released after). */
function withContiguous<T>(tensors: readonly Tensor[], fn: (dense: Tensor[]) => T): T {
  const dense = tensors.map(contiguousRaw);
  try {
    return fn(dense);
  } finally {
    for (const [i, d] of dense.entries()) release(d, tensors[i]!);
  }
}

// ---------------------------------------------------------------------------------------------
// LSTM

const lstmCellOp = defineOp<Record<string, never>>({
  name: 'lstmCell',
  forward: (inputs) =>
    withContiguous(inputs, ([gates, cPrev]) => {
      const [batch, hidden] = cPrev!.shape as [number, number];
      const h = Tensor._empty([batch, hidden]);
      const c = Tensor._empty([batch, hidden]);
      kernels.lstmCellForward(gates!._ptr, cPrev!._ptr, h._ptr, c._ptr, 0, batch, hidden);
      return [h, c];
    }),
  save: (inputs) => inputs,
  backward({ grads: [gradH, gradC], saved, needs }) {
    return withContiguous(saved, ([gates, cPrev]) => {
      const [batch, hidden] = cPrev!.shape as [number, number];
      // Rerun the forward, saving: `act` receives the activated gates, then (in place) their gradient.
      const act = gates!._copy();
      const tanhC = Tensor._empty([batch, hidden]);
      const h = Tensor._empty([batch, hidden]);
      const c = Tensor._empty([batch, hidden]);
      kernels.lstmCellForward(act._ptr, cPrev!._ptr, h._ptr, c._ptr, tanhC._ptr, batch, hidden);
      h.dispose();
      c.dispose();
      const gradCPrev = needs[1] ? Tensor._empty([batch, hidden]) : null;
      const dense = [gradH, gradC].map((g) => (g ? contiguousRaw(g) : null));
      kernels.lstmCellBackward(
        act._ptr,
        cPrev!._ptr,
        tanhC._ptr,
        dense[0]?._ptr ?? 0,
        dense[1]?._ptr ?? 0,
        act._ptr,
        gradCPrev?._ptr ?? 0,
        batch,
        hidden,
      );
      if (dense[0]) release(dense[0], gradH!);
      if (dense[1]) release(dense[1], gradC!);
      tanhC.dispose();
      if (!needs[0]) act.dispose();
      return [needs[0] ? act : null, gradCPrev];
    });
  },
});

/**
 * The LSTM cell after its matrix products (the part of `torch.nn.LSTMCell` between them), fused into
 * one kernel. `gates` [batch, 4·hidden] holds the summed pre-activations x·W_ihᵀ + b_ih + h·W_hhᵀ +
 * b_hh in PyTorch's gate order (i, f, g, o); `cPrev` is the previous cell state [batch, hidden].
 * Returns `[h, c]` with i, f, o = σ(·), g = tanh(·), c = f·cPrev + i·g, h = o·tanh(c); one autograd
 * node with two outputs, differentiable in `gates` and `cPrev`.
 *
 * @example
 * const gates = x.matmul(wIh.transpose()).add(h.matmul(wHh.transpose())).add(bias);
 * const [h1, c1] = lstmCell(gates, c0);
 */
export function lstmCell(gates: Tensor, cPrev: Tensor): [Tensor, Tensor] {
  const [batch, hidden] = stateSize('lstmCell', 'cPrev', cPrev);
  requireMatrix('lstmCell', 'gates', gates, batch, 4 * hidden, '[batch, 4·hidden]');
  const [h, c] = lstmCellOp([gates, cPrev], {});
  return [h!, c!];
}

// ---------------------------------------------------------------------------------------------
// GRU

const gruCellOp = defineOp<Record<string, never>>({
  name: 'gruCell',
  forward: (inputs) =>
    withContiguous(inputs, ([gi, gh, hPrev]) => {
      const [batch, hidden] = hPrev!.shape as [number, number];
      const h = Tensor._empty([batch, hidden]);
      kernels.gruCellForward(gi!._ptr, gh!._ptr, hPrev!._ptr, h._ptr, 0, batch, hidden);
      return h;
    }),
  save: (inputs) => inputs,
  backward({ grads: [gradH], saved, needs }) {
    return withContiguous(saved, ([gi, gh, hPrev]) => {
      const [batch, hidden] = hPrev!.shape as [number, number];
      // Rerun the forward to get the rows (r, z, n, gh_n) the backward kernel reads.
      const rows = Tensor._empty([batch, 4 * hidden]);
      const h = Tensor._empty([batch, hidden]);
      kernels.gruCellForward(gi!._ptr, gh!._ptr, hPrev!._ptr, h._ptr, rows._ptr, batch, hidden);
      const dh = gradH ? contiguousRaw(gradH) : h.fill_(0);
      const gradGi = Tensor._empty([batch, 3 * hidden]);
      const gradGh = Tensor._empty([batch, 3 * hidden]);
      const gradHPrev = needs[2] ? Tensor._empty([batch, hidden]) : null;
      kernels.gruCellBackward(
        rows._ptr,
        hPrev!._ptr,
        dh._ptr,
        gradGi._ptr,
        gradGh._ptr,
        gradHPrev?._ptr ?? 0,
        batch,
        hidden,
      );
      if (gradH) release(dh, gradH);
      rows.dispose();
      h.dispose();
      if (!needs[0]) gradGi.dispose();
      if (!needs[1]) gradGh.dispose();
      return [needs[0] ? gradGi : null, needs[1] ? gradGh : null, gradHPrev];
    });
  },
});

/**
 * The GRU cell after its matrix products (the part of `torch.nn.GRUCell` between them), fused into
 * one kernel. `gi` = x·W_ihᵀ + b_ih and `gh` = hPrev·W_hhᵀ + b_hh are [batch, 3·hidden] in PyTorch's
 * gate order (r, z, n); `hPrev` is [batch, hidden]. Returns h = (1 − z)·n + z·hPrev with
 * r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r·gh_n); differentiable in all three.
 *
 * @example
 * const h1 = gruCell(x.matmul(wIh.transpose()).add(bIh), h0.matmul(wHh.transpose()).add(bHh), h0);
 */
export function gruCell(gi: Tensor, gh: Tensor, hPrev: Tensor): Tensor {
  const [batch, hidden] = stateSize('gruCell', 'hPrev', hPrev);
  requireMatrix('gruCell', 'gi', gi, batch, 3 * hidden, '[batch, 3·hidden]');
  requireMatrix('gruCell', 'gh', gh, batch, 3 * hidden, '[batch, 3·hidden]');
  return gruCellOp([gi, gh, hPrev], {})[0]!;
}

// ---------------------------------------------------------------------------------------------
// unbind

const unbindOp = defineOp<{ readonly dim: number }>({
  name: 'unbind',
  forward([x], { dim }) {
    const shape = x!.shape.filter((_, d) => d !== dim);
    const strides = x!.strides.filter((_, d) => d !== dim);
    return Array.from({ length: x!.shape[dim]! }, (_, i) =>
      x!._view(shape, strides, x!.offset + i * x!.strides[dim]!),
    );
  },
  backward({ grads, attrs: { dim }, inputs: [x] }) {
    // One dense gradient for the whole input: each slice's gradient copied into its place.
    const gx = Tensor._empty(x!.shape);
    if (grads.some((g) => g === null)) kernels.fill(gx._ptr, gx.size, 0);
    const strides = contiguousStrides(x!.shape);
    const sliceStrides = strides.filter((_, d) => d !== dim);
    grads.forEach((g, i) => {
      if (g === null || g.size === 0) return;
      const dense = contiguousRaw(g);
      kernels.copyIntoStrided(dense._ptr, gx._ptr + i * strides[dim]! * 4, sliceStrides, dense.shape);
      release(dense, g);
    });
    return [gx];
  },
});

/**
 * The slices of `x` along `dim`, as views without that dimension (PyTorch's `torch.unbind`). Unlike
 * `slice` per index, the gradients of all slices are gathered into one tensor in one backward step,
 * so splitting a sequence into its T time steps costs O(T) forward and backward, not O(T²).
 *
 * @example unbind(arange(6).reshape([3, 2])).map((t) => t.toArray()) // [[0, 1], [2, 3], [4, 5]]
 */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  if (!(x instanceof Tensor)) throw new TypeError(`unbind: x must be a tensor, got ${describeValue(x)}`);
  x._check('unbind');
  if (x.ndim === 0) throw new RangeError('unbind: a 0-d tensor has no dimension to unbind');
  const d = normalizeDim('unbind', dim, x.ndim);
  if (x.shape[d] === 0) return [];
  return unbindOp([x], { dim: d });
}
