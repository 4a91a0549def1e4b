// A whole LSTM layer direction as one op (as cuDNN runs it): forward steps through time with one
// matrix product and one fused cell kernel per step; backward runs backpropagation through time with
// one product and one fused cell-gradient kernel per step, then forms the recurrent weight's gradient
// with ONE product over all steps, instead of a product per step. The input projection
// (x·W_ihᵀ + biases for all steps) stays an ordinary matmul outside, so its gradients are two large
// products as well.
import { BinaryOp } from '@myelin/kernels-wasm';
import { describeValue } from '../errors.js';
import { kernels } from '../runtime.js';
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { contiguousRaw, release, requireFloat } from './common.js';
import { defineOp } from './define.js';

const lstmSequenceOp = defineOp<{ readonly reverse: boolean }>({
  name: 'lstmSequence',
  check(inputs) {
    for (const t of inputs) requireFloat('lstmSequence', t);
  },
  forward([pre, h0, c0, weightHh], { reverse }, { recording }) {
    const [steps, batch, four] = pre!.shape as [number, number, number];
    const hidden = four / 4;
    const stepGates = batch * four * 4; // bytes of one step's gates
    const stepState = batch * hidden * 4;
    const gates = pre!._copy(); // becomes pre + h·W_hhᵀ, then (when recording) the activated gates
    const w = contiguousRaw(weightHh!);
    const hStart = contiguousRaw(h0!);
    const cStart = contiguousRaw(c0!);
    const output = Tensor._empty([steps, batch, hidden]);
    const cells = Tensor._empty([steps, batch, hidden]);
    const tanhC = recording ? Tensor._empty([steps, batch, hidden]) : null;
    for (let k = 0; k < steps; k++) {
      const t = reverse ? steps - 1 - k : k;
      const prev = reverse ? t + 1 : t - 1;
      const hPrev = k === 0 ? hStart._ptr : output._ptr + prev * stepState;
      const cPrev = k === 0 ? cStart._ptr : cells._ptr + prev * stepState;
      const g = gates._ptr + t * stepGates;
      kernels.sgemm({ m: batch, n: four, k: hidden, a: hPrev, b: w._ptr, transB: true, c: g, beta: 1 });
      kernels.lstmCellForward(
        g,
        cPrev,
        output._ptr + t * stepState,
        cells._ptr + t * stepState,
        tanhC === null ? 0 : tanhC._ptr + t * stepState,
        batch,
        hidden,
      );
    }
    release(w, weightHh!);
    release(hStart, h0!);
    release(cStart, c0!);
    const last = reverse ? 0 : steps - 1;
    const hN = output._view([batch, hidden], [hidden, 1], last * batch * hidden);
    const cN = cells._view([batch, hidden], [hidden, 1], last * batch * hidden);
    if (tanhC === null) {
      gates.dispose();
      cells.dispose(); // cN keeps its storage
      return [output, hN, cN];
    }
    return { outputs: [output, hN, cN], intermediates: [gates, tanhC, cells] };
  },
  save: ([, h0, c0, weightHh], [output], _, intermediates) => [
    h0!,
    c0!,
    weightHh!,
    output!,
    ...intermediates,
  ],
  backward({ grads: [gOutput, gHN, gCN], saved, attrs: { reverse }, needs }) {
    const [h0, c0, weightHh, output, gates, tanhC, cells] = saved as Tensor[];
    const [steps, batch, hidden] = output!.shape as [number, number, number];
    const four = 4 * hidden;
    const stepGates = batch * four * 4;
    const stepState = batch * hidden * 4;
    const w = contiguousRaw(weightHh!);
    const hStart = contiguousRaw(h0!);
    const cStart = contiguousRaw(c0!);
    const gOut = gOutput ? contiguousRaw(gOutput) : null;
    // The running gradients of h and c, from the final state's.
    const dh = gHN ? gHN._copy() : Tensor._empty([batch, hidden]).fill_(0);
    const dc = gCN ? gCN._copy() : Tensor._empty([batch, hidden]).fill_(0);
    const dhTotal = Tensor._empty([batch, hidden]);
    const dGates = Tensor._empty([steps, batch, four]);
    for (let k = steps - 1; k >= 0; k--) {
      const t = reverse ? steps - 1 - k : k;
      const prev = reverse ? t + 1 : t - 1;
      const cPrev = k === 0 ? cStart._ptr : cells!._ptr + prev * stepState;
      let gh = dh._ptr;
      if (gOut !== null) {
        kernels.binary(BinaryOp.Add, dh._ptr, gOut._ptr + t * stepState, dhTotal._ptr, batch * hidden);
        gh = dhTotal._ptr;
      }
      const dg = dGates._ptr + t * stepGates;
      kernels.lstmCellBackward(
        gates!._ptr + t * stepGates,
        cPrev,
        tanhC!._ptr + t * stepState,
        gh,
        dc._ptr,
        dg,
        dc._ptr,
        batch,
        hidden,
      );
      // dh_{t−1} = dgates_t · W_hh
      kernels.sgemm({ m: batch, n: hidden, k: four, a: dg, b: w._ptr, c: dh._ptr });
    }
    let dW: Tensor | null = null;
    if (needs[3]) {
      // dW_hh = Σ_t dgates_tᵀ · h_{t−1}: the steps whose h_{t−1} is an output, in one product, plus the
      // first step's, whose h_{t−1} is h0.
      dW = Tensor._empty([four, hidden]);
      const first = reverse ? steps - 1 : 0;
      kernels.sgemm({
        m: four,
        n: hidden,
        k: batch,
        transA: true,
        a: dGates._ptr + first * stepGates,
        b: hStart._ptr,
        c: dW._ptr,
      });
      if (steps > 1) {
        const gatesFrom = reverse ? 0 : 1; // the steps t whose h_{t−1} is output[t ∓ 1]
        const statesFrom = reverse ? 1 : 0;
        kernels.sgemm({
          m: four,
          n: hidden,
          k: (steps - 1) * batch,
          transA: true,
          a: dGates._ptr + gatesFrom * stepGates,
          b: output!._ptr + statesFrom * stepState,
          c: dW._ptr,
          beta: 1,
        });
      }
    }
    release(w, weightHh!);
    release(hStart, h0!);
    release(cStart, c0!);
    if (gOut !== null) release(gOut, gOutput!);
    dhTotal.dispose();
    const result = [needs[0] ? dGates : null, needs[1] ? dh : null, needs[2] ? dc : null, dW];
    if (!needs[0]) dGates.dispose();
    if (!needs[1]) dh.dispose();
    if (!needs[2]) dc.dispose();
    return result;
  },
});

/**
 * One direction of an LSTM layer over a whole sequence, from the projected inputs `pre` ([T, B, 4H]:
 * x·W_ihᵀ + b_ih + b_hh for every step, PyTorch's gate order i, f, g, o), the initial state `h0`, `c0`
 * ([B, H]) and the recurrent weight `weightHh` ([4H, H]). Returns `[output, hN, cN]`: output [T, B, H]
 * (h at every step) and the final state. With `reverse`, steps run from T−1 down to 0 (the backward
 * direction of a bidirectional LSTM; output stays in time order). Differentiable in every input.
 *
 * @example const [out, hN, cN] = lstmSequence(x.matmul(wIh.mT).add(b), h0, c0, wHh);
 */
export function lstmSequence(
  pre: Tensor,
  h0: Tensor,
  c0: Tensor,
  weightHh: Tensor,
  options: { reverse?: boolean } = {},
): [Tensor, Tensor, Tensor] {
  for (const [name, t] of [
    ['pre', pre],
    ['h0', h0],
    ['c0', c0],
    ['weightHh', weightHh],
  ] as const) {
    if (!(t instanceof Tensor))
      throw new TypeError(`lstmSequence: ${name} must be a tensor, got ${describeValue(t)}`);
  }
  const [steps, batch, four] = pre.shape as [number, number, number];
  const hidden = four / 4;
  const ok =
    pre.ndim === 3 &&
    steps > 0 &&
    batch > 0 &&
    Number.isInteger(hidden) &&
    hidden > 0 &&
    [h0, c0].every((s) => s.ndim === 2 && s.shape[0] === batch && s.shape[1] === hidden) &&
    weightHh.ndim === 2 &&
    weightHh.shape[0] === four &&
    weightHh.shape[1] === hidden;
  if (!ok) {
    throw new RangeError(
      `lstmSequence: expected pre [T, B, 4H], h0 and c0 [B, H], weightHh [4H, H] (T, B, H > 0), got ` +
        `${formatShape(pre.shape)}, ${formatShape(h0.shape)}, ${formatShape(c0.shape)}, ${formatShape(weightHh.shape)}`,
    );
  }
  const [output, hN, cN] = lstmSequenceOp([pre, h0, c0, weightHh], { reverse: options.reverse ?? false });
  return [output!, hN!, cN!];
}
