import { memory, type Tensor, tensor, tidy } from '@myelin/tensor';
import { describe, expect, it } from 'vitest';
import { Adadelta } from './index.js';
import { runReference } from './testing/reference.js';

type Rule = Parameters<typeof runReference>[2];

/**
 * Float64 transcription of torch.optim.Adadelta's documented algorithm:
 * g ← g + λθ;  v ← ρv + (1 − ρ)g²;  Δ ← √(u + ε)/√(v + ε)·g;  u ← ρu + (1 − ρ)Δ²;  θ ← θ − γΔ.
 */
function adadeltaRule(lr = 1, rho = 0.9, eps = 1e-6, wd = 0): Rule {
  let v: Float64Array | null = null;
  let u: Float64Array | null = null;
  return (w, g0) => {
    v ??= new Float64Array(w.length);
    u ??= new Float64Array(w.length);
    const [vv, uu] = [v, u];
    g0.forEach((gv, i) => {
      const g = gv + wd * w[i]!;
      vv[i] = rho * vv[i]! + (1 - rho) * g * g;
      const delta = (Math.sqrt(uu[i]! + eps) / Math.sqrt(vv[i]! + eps)) * g;
      uu[i] = rho * uu[i]! + (1 - rho) * delta * delta;
      w[i]! -= lr * delta;
    });
  };
}

const START = [-1.2, 1, 0.5, -0.3, 0.8, 1.5, -0.7]; // 7 elements, as optimizers.test.ts
const STEPS = 200;

/** Rosenbrock through the tensor API (gradients from autograd), as in optimizers.test.ts. */
function loss(w: Tensor): Tensor {
  const n = w.shape[0]!;
  const head = w.slice(0, 0, n - 1);
  const tail = w.slice(0, 1);
  return w.neg().add(1).square().sum().add(tail.sub(head.square()).square().sum().mul(10));
}

function train(opt: (w: Tensor) => Adadelta, steps = STEPS): { w: Tensor; o: Adadelta } {
  const w = tensor(START, { requiresGrad: true });
  const o = opt(w);
  for (let t = 0; t < steps; t++) {
    o.zeroGrad();
    tidy(() => loss(w).backward());
    o.step();
  }
  return { w, o };
}

function expectNear(got: ArrayLike<number>, want: ArrayLike<number>, tol: number): void {
  for (let i = 0; i < want.length; i++) {
    expect(
      Math.abs(got[i]! - want[i]!),
      `element ${i}: ${Array.from(got)} vs ${Array.from(want)}`,
    ).toBeLessThan(tol);
  }
}

// torch.optim.Adadelta (PyTorch 1.13, float64) after 200 steps from START — checks the transcription.
const TORCH_DEFAULT = [
  -0.912149395747, 0.946600319927, 0.940621031789, 0.950723920737, 0.954705445582, 0.935617309921,
  -0.0453162269631,
];
const TORCH_OPTIONS = [
  -0.946827358108, 0.920014821447, 0.996536113205, 0.939885746338, 0.978152961087, 0.90487604829,
  0.885110259885,
];

describe('Adadelta', () => {
  it('the float64 transcription reproduces torch.optim.Adadelta', () => {
    expectNear(runReference(START, STEPS, adadeltaRule()), TORCH_DEFAULT, 1e-9);
    expectNear(runReference(START, STEPS, adadeltaRule(0.5, 0.5, 1e-4, 0.1)), TORCH_OPTIONS, 1e-9);
  });

  it('follows the reference trajectory with the defaults (lr 1, rho 0.9, eps 1e-6)', () => {
    const { w } = train((w) => new Adadelta([w]));
    const want = runReference(START, STEPS, adadeltaRule());
    expectNear(w.data(), want, 2e-4);
    // it moved far more than the tolerance (a no-op or a wrong rule would fail above)
    expect(Math.abs(want[6]! - START[6]!)).toBeGreaterThan(0.5);
  });

  it('follows the reference with lr, rho, eps and weightDecay set', () => {
    const { w } = train((w) => new Adadelta([w], { lr: 0.5, rho: 0.5, eps: 1e-4, weightDecay: 0.1 }));
    expectNear(w.data(), runReference(START, STEPS, adadeltaRule(0.5, 0.5, 1e-4, 0.1)), 2e-4);
  });

  it('keeps its state in stateDict (squareAvg, accDelta, step) and resumes exactly', () => {
    const { w, o } = train((w) => new Adadelta([w]), 10);
    const saved = o.stateDict();
    expect(Object.keys(saved.state[0]!).sort()).toEqual(['accDelta', 'squareAvg', 'step']);
    expect(saved.state[0]!['step']).toBe(10);
    const w2 = tensor(Array.from(w.data()), { requiresGrad: true });
    const o2 = new Adadelta([w2]);
    o2.loadStateDict(saved);
    for (const [p, opt] of [
      [w, o],
      [w2, o2],
    ] as const) {
      opt.zeroGrad();
      tidy(() => loss(p).backward());
      opt.step();
    }
    expect(Array.from(w2.data())).toEqual(Array.from(w.data()));
  });

  it('keeps memory flat over steps', () => {
    const w = tensor(START, { requiresGrad: true });
    const o = new Adadelta([w], { weightDecay: 0.01 });
    const step = (): void => {
      o.zeroGrad();
      tidy(() => loss(w).backward());
      o.step();
    };
    step();
    const before = memory().tensors;
    for (let i = 0; i < 5; i++) step();
    o.zeroGrad();
    step();
    expect(memory().tensors).toBe(before);
  });

  it('rejects bad options, naming Adadelta', () => {
    const w = tensor([1], { requiresGrad: true });
    expect(() => new Adadelta([w], { rho: 1.5 })).toThrow(
      /^Adadelta: rho must be a number in \[0, 1\], got 1.5/,
    );
    expect(() => new Adadelta([w], { eps: -1 })).toThrow(/^Adadelta: eps must be a finite number >= 0/);
    expect(() => new Adadelta([w], { momentum: 0.9 } as never)).toThrow(/Adadelta/);
  });
});
