// nn.functional's completion (issue 16 item 7): outputs and input gradients against PyTorch
// (scripts/torch-fixtures-functional.py, float64 references; float32 here — 1e-5 absolute, 1e-4
// relative), GELU's erf accuracy, gradcheck, errors in each function's own name, modules and memory.
import { gradcheck, memory, type Tensor, tensor, tidy } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import { functionalFixtures as F } from './fixtures/torch-functional.generated.js';
import { GELU, Hardtanh, LayerNorm, LogSigmoid, Mish, functional as nnf, SiLU, Softplus } from './index.js';

type Nested = number | readonly Nested[];
const flat = (v: Nested): number[] => (Array.isArray(v) ? (v as Nested[]).flatMap(flat) : [v as number]);
const shapeOf = (v: Nested): number[] => (Array.isArray(v) ? [v.length, ...shapeOf(v[0] as Nested)] : []);
const fromFixture = (v: Nested, requiresGrad = true) => tensor(flat(v), { shape: shapeOf(v), requiresGrad });
const int = (v: Nested) => tensor(flat(v), { shape: shapeOf(v), dtype: 'int32' });

function expectClose(label: string, got: Tensor, want: Nested, atol = 1e-5, rtol = 1e-4): void {
  const w = flat(want);
  expect(got.shape, `${label}: shape`).toEqual(shapeOf(want));
  Array.from(got.data()).forEach((v, i) => {
    if (!(Math.abs(v - w[i]!) <= atol + rtol * Math.abs(w[i]!)))
      expect.fail(`${label}[${i}]: got ${v}, want ${w[i]}`);
  });
}

/** Runs `fn` on the fixture's float inputs, backward of sum(out · cotangent), and compares everything. */
function checkCase(
  name: keyof typeof F,
  inputs: readonly string[],
  fn: (...xs: Tensor[]) => Tensor,
  extra: readonly Tensor[] = [],
): void {
  tidy(() => {
    const c = F[name] as unknown as Record<string, Nested>;
    const xs = inputs.map((k) => fromFixture(c[k]!));
    const out = fn(...xs, ...extra);
    expectClose(`${name} output`, out, c.output!);
    const cot = tensor(
      Array.from({ length: out.size }, (_, i) => Math.sin(1.3 * i + 0.4)),
      { shape: out.shape },
    );
    out.mul(cot).sum().backward();
    inputs.forEach((k, i) => {
      expectClose(`${name} ${k}Grad`, xs[i]!.grad!, c[`${k}Grad`]!);
    });
  });
}

describe('activations against PyTorch', () => {
  it('matches forward and input gradients', () => {
    checkCase('gelu', ['x'], (x) => nnf.gelu(x));
    checkCase('geluTanh', ['x'], (x) => nnf.gelu(x, { approximate: 'tanh' }));
    checkCase('softplus', ['x'], (x) => nnf.softplus(x));
    // threshold 3 with β = 2: the linear region (βx > 3) and the boundary βx = 3 exactly.
    checkCase('softplusBeta', ['x'], (x) => nnf.softplus(x, { beta: 2, threshold: 3 }));
    checkCase('mish', ['x'], (x) => nnf.mish(x));
    // The inputs include −0.5 and 2 exactly: PyTorch's gradient at the bounds is 0.
    checkCase('hardtanh', ['x'], (x) => nnf.hardtanh(x, { minVal: -0.5, maxVal: 2 }));
    checkCase('logsigmoid', ['x'], (x) => nnf.logsigmoid(x));
    checkCase('silu', ['x'], (x) => nnf.silu(x));
  });

  it('computes exact GELU (erf) to 1e-6 relative error, and its gradient too', () => {
    tidy(() => {
      const c = F.geluGrid;
      const x = fromFixture(c.x);
      const y = nnf.gelu(x);
      const want = flat(c.output);
      const got = Array.from(y.data());
      // ≤ 1e-6 relative for |x| ≤ 3; beyond, float32 rounding inside x²/2 alone costs ~6e-8·x², so
      // the bound grows to 2e-6 at |x| = 5 (measured worst: 4.8e-7 for |x| ≤ 3, 1.5e-6 at x = −4.78).
      const xs = flat(c.x);
      got.forEach((v, i) => {
        const bound = Math.abs(xs[i]!) <= 3 ? 1e-6 : 2e-6;
        if (want[i] === 0) expect(v).toBe(0);
        else expect(Math.abs(v - want[i]!) / Math.abs(want[i]!), `gelu(${xs[i]})`).toBeLessThanOrEqual(bound);
      });
      y.mul(tensor(flat(c.output).map((_, i) => Math.sin(1.3 * i + 0.4))))
        .sum()
        .backward();
      expectClose('geluGrid xGrad', x.grad!, c.xGrad, 1e-6, 1e-6);
    });
  });

  it('logsigmoid is finite and exact for large |x| (no overflow of e^{−x})', () => {
    tidy(() => {
      const x = tensor([-200, -50, 50, 200], { requiresGrad: true });
      const y = nnf.logsigmoid(x);
      expectClose('logsigmoid', y, [-200, -50, -Math.exp(-50), 0], 1e-6, 1e-6);
      y.sum().backward();
      expectClose('logsigmoid grad', x.grad!, [1, 1, 0, 0], 1e-6, 0);
    });
  });

  it('softplus and mish stay finite far beyond the threshold', () => {
    tidy(() => {
      const x = tensor([100, 1000], { requiresGrad: true });
      expectClose('softplus', nnf.softplus(x), [100, 1000]);
      const y = nnf.mish(x);
      expectClose('mish', y, [100, 1000]);
      y.sum().backward();
      expectClose('mish grad', x.grad!, [1, 1]);
    });
  });

  it('passes gradcheck', () => {
    tidy(() => {
      const x = () => tensor([-2.5, -1.1, -0.3, 0.2, 0.9, 1.7, 3.1], { requiresGrad: true });
      for (const fn of [
        (t: Tensor) => nnf.gelu(t),
        (t: Tensor) => nnf.gelu(t, { approximate: 'tanh' }),
        (t: Tensor) => nnf.softplus(t, { beta: 1.5 }),
        nnf.mish,
        (t: Tensor) => nnf.hardtanh(t, { minVal: -1, maxVal: 2 }),
        nnf.logsigmoid,
        nnf.silu,
      ]) {
        expect(gradcheck(fn, [x()]).ok).toBe(true);
      }
    });
  });
});

describe('linear maps, normalisation, embedding and distances against PyTorch', () => {
  it('linear and bilinear', () => {
    checkCase('linear', ['input', 'weight', 'bias'], (x, w, b) => nnf.linear(x!, w!, b));
    checkCase('bilinear', ['input1', 'input2', 'weight', 'bias'], (a, b, w, bias) =>
      nnf.bilinear(a!, b!, w!, bias),
    );
  });

  it('layerNorm and groupNorm', () => {
    checkCase('layerNorm', ['input', 'weight', 'bias'], (x, w, b) =>
      nnf.layerNorm(x!, [3, 4], w, b, { eps: 1e-5 }),
    );
    checkCase('groupNorm', ['input', 'weight', 'bias'], (x, w, b) => nnf.groupNorm(x!, 3, w, b));
  });

  it('embedding with paddingIdx (that row gets no gradient)', () => {
    checkCase('embedding', ['weight'], (w, idx) => nnf.embedding(idx!, w!, { paddingIdx: 2 }), [
      int(F.embedding.input),
    ]);
  });

  it('cosineSimilarity (also broadcast) and pairwiseDistance (p = 2, 1 with keepDim, 3)', () => {
    checkCase('cosineSimilarity', ['x1', 'x2'], (a, b) =>
      nnf.cosineSimilarity(a!, b!, { dim: 1, eps: 1e-8 }),
    );
    checkCase('cosineSimilarityBroadcast', ['x1', 'x2'], (a, b) => nnf.cosineSimilarity(a!, b!, { dim: 0 }));
    checkCase('pairwiseDistance', ['x1', 'x2'], (a, b) => nnf.pairwiseDistance(a!, b!));
    checkCase('pairwiseDistanceL1KeepDim', ['x1', 'x2'], (a, b) =>
      nnf.pairwiseDistance(a!, b!, { p: 1, keepDim: true }),
    );
    checkCase('pairwiseDistanceP3', ['x1', 'x2'], (a, b) => nnf.pairwiseDistance(a!, b!, { p: 3 }));
  });

  it('passes gradcheck', () => {
    tidy(() => {
      const r = (shape: number[], s: number) =>
        tensor(
          Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(s * i + 0.3)),
          { shape, requiresGrad: true },
        );
      expect(
        gradcheck(
          (a, b, w, bias) => nnf.bilinear(a!, b!, w!, bias),
          [r([2, 3], 0.7), r([2, 2], 1.1), r([2, 3, 2], 0.5), r([2], 1.9)],
        ).ok,
      ).toBe(true);
      expect(
        gradcheck((x, w, b) => nnf.layerNorm(x!, 4, w, b), [r([2, 4], 0.9), r([4], 0.4), r([4], 1.3)]).ok,
      ).toBe(true);
      expect(
        gradcheck((x, w, b) => nnf.groupNorm(x!, 2, w, b), [r([2, 4, 3], 0.9), r([4], 0.4), r([4], 1.3)]).ok,
      ).toBe(true);
      expect(gradcheck((a, b) => nnf.cosineSimilarity(a!, b!), [r([3, 4], 0.7), r([3, 4], 1.3)]).ok).toBe(
        true,
      );
      expect(
        gradcheck((a, b) => nnf.pairwiseDistance(a!, b!, { p: 3 }), [r([3, 4], 0.7), r([3, 4], 1.3)]).ok,
      ).toBe(true);
    });
  });
});

describe('oneHot', () => {
  it('encodes int32 indices as int32 [..., numClasses], inferring numClasses from the maximum', () => {
    tidy(() => {
      const y = nnf.oneHot(
        tensor(
          [
            [0, 2],
            [1, 0],
          ],
          { dtype: 'int32' },
        ),
      );
      expect(y.dtype).toBe('int32');
      expect(y.toArray()).toEqual([
        [
          [1, 0, 0],
          [0, 0, 1],
        ],
        [
          [0, 1, 0],
          [1, 0, 0],
        ],
      ]);
      expect(nnf.oneHot(tensor([1], { dtype: 'int32' }), 4).toArray()).toEqual([[0, 1, 0, 0]]);
    });
  });
});

describe('errors name the function', () => {
  it.each([
    ['gelu', () => nnf.gelu(tensor([1]), { approximate: 'erf' as 'none' }), /^gelu: approximate/],
    ['gelu', () => nnf.gelu([1] as unknown as Tensor), /^gelu: input must be a tensor/],
    ['softplus', () => nnf.softplus(tensor([1]), { beta: 0 }), /^softplus: beta must be a number > 0/],
    ['softplus', () => nnf.softplus(tensor([1]), { tau: 1 } as object), /^softplus: unknown option 'tau'/],
    ['hardtanh', () => nnf.hardtanh(tensor([1]), { minVal: 2, maxVal: 1 }), /^hardtanh: minVal \(2\)/],
    [
      'logsigmoid',
      () => nnf.logsigmoid(tensor([1], { dtype: 'int32' })),
      /^logsigmoid: input must be a float32/,
    ],
    ['linear', () => nnf.linear(tensor([[1, 2]]), tensor([[1, 2, 3]])), /^linear: input of shape \[1,2\]/],
    [
      'linear',
      () => nnf.linear(tensor([[1, 2]]), tensor([[1, 2]]), tensor([1, 2])),
      /^linear: bias must have shape \[1\]/,
    ],
    [
      'bilinear',
      () => nnf.bilinear(tensor([[1]]), tensor([[1]]), tensor([[1]])),
      /^bilinear: weight must be 3-D/,
    ],
    ['layerNorm', () => nnf.layerNorm(tensor([[1, 2]]), [3]), /^layerNorm: input \[1,2\] does not end in/],
    ['groupNorm', () => nnf.groupNorm(tensor([[1, 2, 3]]), 2), /^groupNorm: expected input \[N, C, \.\.\.\]/],
    [
      'embedding',
      () => nnf.embedding(tensor([3], { dtype: 'int32' }), tensor([[1], [2]])),
      /^embedding: index 3/,
    ],
    ['embedding', () => nnf.embedding(tensor([0]), tensor([[1]])), /^embedding: input must be an int32/],
    ['oneHot', () => nnf.oneHot(tensor([0, 3], { dtype: 'int32' }), 3), /^oneHot: class index 3/],
    ['oneHot', () => nnf.oneHot(tensor([-1], { dtype: 'int32' })), /^oneHot: class index -1/],
    [
      'cosineSimilarity',
      () => nnf.cosineSimilarity(tensor([[1, 2]]), tensor([[1, 2, 3]])),
      /^cosineSimilarity: x1 \[1,2\] and x2/,
    ],
    [
      'pairwiseDistance',
      () => nnf.pairwiseDistance(tensor([1]), tensor([1]), { p: -1 }),
      /^pairwiseDistance: p must be/,
    ],
  ])('%s', (_name, call, message) => {
    tidy(() => expect(call).toThrow(message));
  });

  it('modules check their options and input in their own name', () => {
    expect(() => new GELU({ approximate: 'x' as 'tanh' })).toThrow(/^GELU: approximate/);
    expect(() => new Softplus({ beta: -1 })).toThrow(/^Softplus: beta/);
    expect(() => new Hardtanh({ minVal: 1, maxVal: 0 })).toThrow(/^Hardtanh: minVal/);
    expect(() => new SiLU().forward(null as unknown as Tensor)).toThrow(
      /^SiLU\.forward: the input must be a tensor/,
    );
  });
});

describe('modules', () => {
  it('apply their functions and describe their options', () => {
    tidy(() => {
      const x = tensor([-1.5, 0.25, 2]);
      const pairs: [{ forward(x: Tensor): Tensor }, Tensor][] = [
        [new GELU({ approximate: 'tanh' }), nnf.gelu(x, { approximate: 'tanh' })],
        [new Softplus({ beta: 2 }), nnf.softplus(x, { beta: 2 })],
        [new Mish(), nnf.mish(x)],
        [new Hardtanh(), nnf.hardtanh(x)],
        [new LogSigmoid(), nnf.logsigmoid(x)],
        [new SiLU(), nnf.silu(x)],
      ];
      for (const [m, want] of pairs) expect(Array.from(m.forward(x).data())).toEqual(Array.from(want.data()));
      expect(String(new Softplus({ beta: 2 }))).toContain('beta=2');
    });
  });

  it('LayerNorm layer and layerNorm share one implementation (same values)', () => {
    tidy(() => {
      const layer = new LayerNorm([4]);
      const x = tensor([[1, 2, 4, 8]]);
      expect(Array.from(layer.forward(x).data())).toEqual(
        Array.from(nnf.layerNorm(x, [4], layer.weight, layer.bias).data()),
      );
    });
  });
});

describe('memory', () => {
  it('is flat over repeated tidy’d forward and backward steps', () => {
    const step = () =>
      tidy(() => {
        const x = tensor([[-2, -0.5, 0.5, 3]], { requiresGrad: true });
        const w = tensor([[0.1, 0.2, 0.3, 0.4]], { requiresGrad: true });
        const y = nnf
          .gelu(x)
          .add(nnf.softplus(x))
          .add(nnf.mish(x))
          .add(nnf.logsigmoid(x))
          .add(nnf.hardtanh(x))
          .add(nnf.silu(x))
          .add(nnf.layerNorm(x, 4))
          .add(nnf.groupNorm(x.reshape([1, 4, 1]), 2).reshape([1, 4]));
        nnf
          .linear(y, w)
          .add(nnf.cosineSimilarity(x, w).unsqueeze(1))
          .add(nnf.pairwiseDistance(x, w).unsqueeze(1))
          .sum()
          .backward();
      });
    step();
    const before = memory().tensors;
    for (let i = 0; i < 5; i++) step();
    expect(memory().tensors).toBe(before);
  });
});
