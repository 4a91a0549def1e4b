// lstmSequence (a whole LSTM direction as one op) against the same recurrence written step by step
// with lstmCell, whose values and gradients are checked against PyTorch in rnn.test.ts.
import { describe, expect, it } from 'vitest';
import {
  gradcheck,
  lstmCell,
  lstmSequence,
  manualSeed,
  memory,
  randn,
  stack,
  type Tensor,
  tidy,
} from './index.js';

/** The reference: a loop of matmul + lstmCell. */
function stepByStep(
  pre: Tensor,
  h0: Tensor,
  c0: Tensor,
  w: Tensor,
  reverse: boolean,
): [Tensor, Tensor, Tensor] {
  const steps = pre.shape[0]!;
  const outputs = new Array<Tensor>(steps);
  let [h, c] = [h0, c0];
  for (let k = 0; k < steps; k++) {
    const t = reverse ? steps - 1 - k : k;
    const gates = pre
      .slice(0, t, t + 1)
      .squeeze(0)
      .add(h.matmul(w.mT));
    [h, c] = lstmCell(gates, c);
    outputs[t] = h;
  }
  return [stack(outputs, 0), h, c];
}

function close(a: Tensor, b: Tensor, tolerance = 1e-5): void {
  const x = a.data();
  const y = b.data();
  expect(x.length).toBe(y.length);
  for (let i = 0; i < x.length; i++)
    expect(Math.abs(x[i]! - y[i]!)).toBeLessThanOrEqual(tolerance * (1 + Math.abs(y[i]!)));
}

describe('lstmSequence', () => {
  for (const reverse of [false, true]) {
    for (const [steps, batch, hidden] of [
      [1, 2, 3],
      [5, 3, 4],
      [7, 2, 9],
    ] as const) {
      it(`matches the step-by-step recurrence: values and every gradient (T ${steps}, B ${batch}, H ${hidden}${reverse ? ', reverse' : ''})`, () => {
        manualSeed(steps * 10 + hidden);
        const pre = randn([steps, batch, 4 * hidden], { requiresGrad: true });
        const h0 = randn([batch, hidden], { requiresGrad: true });
        const c0 = randn([batch, hidden], { requiresGrad: true });
        const w = randn([4 * hidden, hidden])
          .mul(0.5)
          .detach()
          .requiresGrad_();
        const cotangent = randn([steps, batch, hidden]);
        const run = (f: typeof stepByStep) =>
          tidy(() => {
            const [out, hN, cN] = f(pre, h0, c0, w, reverse);
            out.mul(cotangent).sum().add(hN.mul(2).sum()).add(cN.square().sum()).backward();
            const grads = [pre, h0, c0, w].map((t) => t.grad!.clone().keep());
            for (const t of [pre, h0, c0, w]) t.grad = null;
            return { values: [out, hN, cN].map((t) => t.clone().keep()), grads };
          });
        const fused = run((p, h, c, ww, r) => lstmSequence(p, h, c, ww, { reverse: r }));
        const reference = run(stepByStep);
        fused.values.forEach((v, i) => {
          close(v, reference.values[i]!);
        });
        fused.grads.forEach((g, i) => {
          close(g, reference.grads[i]!, 2e-5);
        });
        for (const t of [
          ...fused.values,
          ...fused.grads,
          ...reference.values,
          ...reference.grads,
          pre,
          h0,
          c0,
          w,
          cotangent,
        ])
          t.dispose();
      });
    }
  }

  it('passes gradcheck, and needs no gradient of an unused output', () => {
    manualSeed(1);
    const args = [randn([3, 2, 8]), randn([2, 2]), randn([2, 2]), randn([8, 2])].map((t) =>
      t.requiresGrad_(),
    );
    expect(gradcheck((p, h, c, w) => lstmSequence(p!, h!, c!, w!)[0], args).ok).toBe(true);
    expect(gradcheck((p, h, c, w) => lstmSequence(p!, h!, c!, w!, { reverse: true })[2], args).ok).toBe(true);
    for (const t of args) t.dispose();
  });

  it('checks its shapes in its own name, and keeps memory flat over steps', () => {
    expect(() => lstmSequence(randn([2, 3, 7]), randn([3, 2]), randn([3, 2]), randn([8, 2]))).toThrow(
      /^lstmSequence: expected pre \[T, B, 4H\]/,
    );
    const w = randn([16, 4], { requiresGrad: true });
    const before = memory();
    for (let i = 0; i < 20; i++) {
      tidy(() => {
        const [out, hN] = lstmSequence(randn([6, 3, 16]), randn([3, 4]), randn([3, 4]), w);
        out.sum().add(hN.sum()).backward();
      });
      w.grad = null;
    }
    expect(memory().tensors).toBe(before.tensors);
    w.dispose();
  });
});
