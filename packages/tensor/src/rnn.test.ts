// The fused recurrent cells (lstmCell, gruCell) against their composites of primitive ops (the test
// oracle: same equations, PyTorch's gate order), gradcheck, multi-output gradients, memory; unbind.
import { describe, expect, it } from 'vitest';
import {
  arange,
  gradcheck,
  gruCell,
  lstmCell,
  manualSeed,
  memory,
  type OpCall,
  randn,
  type Tensor,
  tensor,
  tidy,
  traceOps,
  unbind,
  zeros,
} from './index.js';

/** PyTorch's LSTM cell equations from primitive ops. */
function lstmComposite(gates: Tensor, cPrev: Tensor): [Tensor, Tensor] {
  const H = cPrev.shape[1]!;
  const [i, f, g, o] = [0, 1, 2, 3].map((k) => gates.slice(1, k * H, (k + 1) * H));
  const c = f!.sigmoid().mul(cPrev).add(i!.sigmoid().mul(g!.tanh()));
  return [o!.sigmoid().mul(c.tanh()), c];
}

/** PyTorch's GRU cell equations from primitive ops. */
function gruComposite(gi: Tensor, gh: Tensor, hPrev: Tensor): Tensor {
  const H = hPrev.shape[1]!;
  const part = (t: Tensor, k: number) => t.slice(1, k * H, (k + 1) * H);
  const r = part(gi, 0).add(part(gh, 0)).sigmoid();
  const z = part(gi, 1).add(part(gh, 1)).sigmoid();
  const n = part(gi, 2)
    .add(r.mul(part(gh, 2)))
    .tanh();
  return z.neg().add(1).mul(n).add(z.mul(hPrev));
}

function expectAllClose(got: Tensor, want: Tensor, tol = 1e-5): void {
  expect(got.shape).toEqual(want.shape);
  const a = got.data();
  const b = want.data();
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(tol);
}

describe('lstmCell', () => {
  manualSeed(13);

  // hidden 5: not a multiple of the kernel's vector width, so the tail is exercised.
  for (const [batch, hidden] of [
    [3, 5],
    [2, 8],
    [1, 1],
  ] as const) {
    it(`matches the composite forward and backward (batch ${batch}, hidden ${hidden})`, () => {
      const gates = randn([batch, 4 * hidden], { requiresGrad: true });
      const cPrev = randn([batch, hidden], { requiresGrad: true });
      const wh = randn([batch, hidden]);
      const wc = randn([batch, hidden]);
      const grads = (fn: typeof lstmCell) => {
        const [h, c] = fn(gates, cPrev);
        h.mul(wh).add(c.mul(wc)).sum().backward();
        const out = [h, c, gates.grad!.clone(), cPrev.grad!.clone()];
        gates.grad!.zero_();
        cPrev.grad!.zero_();
        return out;
      };
      const fused = grads(lstmCell);
      const oracle = grads(lstmComposite);
      for (const [k, t] of fused.entries()) expectAllClose(t, oracle[k]!);
    });
  }

  it('is one traced op with two outputs', () => {
    const calls: OpCall[] = [];
    traceOps(
      () => lstmCell(randn([2, 8]), randn([2, 2])),
      (c) => calls.push(c),
    );
    expect(calls.map((c) => [c.op, c.inputs.length, c.outputs.length])).toEqual([['lstmCell', 2, 2]]);
  });

  it('passes gradcheck through h and c together', () => {
    const gates = randn([2, 12], { requiresGrad: true });
    const cPrev = randn([2, 3], { requiresGrad: true });
    gradcheck(
      (g, c) => {
        const [h, c1] = lstmCell(g!, c!);
        return h.add(c1.mul(0.7));
      },
      [gates, cPrev],
    );
  });

  it('differentiates when only h or only c is used (the other output gets no gradient)', () => {
    const gates = randn([2, 8], { requiresGrad: true });
    const cPrev = randn([2, 2], { requiresGrad: true });
    gradcheck((g, c) => lstmCell(g!, c!)[0], [gates, cPrev]);
    gradcheck((g, c) => lstmCell(g!, c!)[1], [gates, cPrev]);
  });

  it('accepts non-contiguous inputs and leaves its inputs unchanged', () => {
    const gatesT = randn([8, 2]);
    const before = Array.from(gatesT.data());
    const cPrev = randn([2, 2]);
    const [h, c] = lstmCell(gatesT.transpose(), cPrev);
    const [hr, cr] = lstmComposite(gatesT.transpose().contiguous(), cPrev);
    expectAllClose(h, hr);
    expectAllClose(c, cr);
    expect(Array.from(gatesT.data())).toEqual(before);
  });

  it('rejects mismatched shapes in its own name', () => {
    expect(() => lstmCell(zeros([2, 7]), zeros([2, 2]))).toThrow(
      'lstmCell: gates must have shape [batch, 4·hidden] = [2, 8], got [2,7]',
    );
    expect(() => lstmCell(zeros([8]), zeros([2]))).toThrow('lstmCell: cPrev must have shape [batch, hidden]');
  });
});

describe('gruCell', () => {
  manualSeed(14);

  for (const [batch, hidden] of [
    [3, 5],
    [2, 8],
  ] as const) {
    it(`matches the composite forward and backward (batch ${batch}, hidden ${hidden})`, () => {
      const gi = randn([batch, 3 * hidden], { requiresGrad: true });
      const gh = randn([batch, 3 * hidden], { requiresGrad: true });
      const hPrev = randn([batch, hidden], { requiresGrad: true });
      const w = randn([batch, hidden]);
      const run = (fn: typeof gruCell) => {
        const h = fn(gi, gh, hPrev);
        h.mul(w).sum().backward();
        const out = [h, ...[gi, gh, hPrev].map((t) => t.grad!.clone())];
        for (const t of [gi, gh, hPrev]) t.grad!.zero_();
        return out;
      };
      const fused = run(gruCell);
      const oracle = run(gruComposite);
      for (const [k, t] of fused.entries()) expectAllClose(t, oracle[k]!);
    });
  }

  it('passes gradcheck', () => {
    const gi = randn([2, 9], { requiresGrad: true });
    const gh = randn([2, 9], { requiresGrad: true });
    const hPrev = randn([2, 3], { requiresGrad: true });
    gradcheck((a, b, h) => gruCell(a!, b!, h!), [gi, gh, hPrev]);
  });

  it('computes only the gradients asked for', () => {
    const gi = randn([2, 6]);
    const gh = randn([2, 6], { requiresGrad: true });
    const hPrev = randn([2, 2]);
    gruCell(gi, gh, hPrev).sum().backward();
    expect(gh.grad!.shape).toEqual([2, 6]);
    expect(gi.grad).toBeNull();
    expect(hPrev.grad).toBeNull();
  });

  it('rejects mismatched shapes in its own name', () => {
    expect(() => gruCell(zeros([2, 6]), zeros([2, 5]), zeros([2, 2]))).toThrow(
      'gruCell: gh must have shape [batch, 3·hidden] = [2, 6], got [2,5]',
    );
  });
});

describe('unbind', () => {
  it('splits along a dimension into views and gathers the gradients back', () => {
    const x = arange(12).reshape([3, 4]).float().requiresGrad_();
    const parts = unbind(x, 1);
    expect(parts.map((p) => p.toArray())).toEqual([
      [0, 4, 8],
      [1, 5, 9],
      [2, 6, 10],
      [3, 7, 11],
    ]);
    // Slices 0 and 2 get gradients, 1 and 3 none (zeros).
    parts[0]!
      .mul(2)
      .add(parts[2]!.mul(tensor([1, 2, 3])))
      .sum()
      .backward();
    expect(x.grad!.toArray()).toEqual([
      [2, 0, 1, 0],
      [2, 0, 2, 0],
      [2, 0, 3, 0],
    ]);
    expect(unbind(zeros([0, 3]))).toEqual([]);
    expect(() => unbind(tensor(1))).toThrow('unbind: a 0-d tensor');
  });

  it('passes gradcheck', () => {
    gradcheck((x) => unbind(x!, 0)[1]!.mul(unbind(x!, 0)[2]!), [randn([3, 2, 3], { requiresGrad: true })]);
  });
});

describe('memory', () => {
  it('stays flat over repeated tidy’d LSTM and GRU steps with backward', () => {
    const gates = randn([4, 20], { requiresGrad: true }).keep();
    const gh = randn([4, 15], { requiresGrad: true }).keep();
    const state = randn([4, 5], { requiresGrad: true }).keep();
    const step = () =>
      tidy(() => {
        const [h, c] = lstmCell(gates, state);
        const g = gruCell(gates.slice(1, 0, 15), gh, h);
        unbind(g.add(c), 0)[1]!.sum().backward();
      });
    step();
    const before = memory();
    for (let i = 0; i < 10; i++) step();
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().bytes).toBe(before.bytes);
  });
});
