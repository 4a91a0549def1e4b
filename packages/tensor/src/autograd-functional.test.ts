import { describe, expect, it } from 'vitest';
import { hessian, jacobian, jvp, memory, noGrad, type Tensor, tensor, tidy, vjp } from './index.js';

function expectClose(t: Tensor, want: number[], tol = 1e-5): void {
  const got = Array.from(t.data());
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => {
    expect(Math.abs(v - want[i]!), `element ${i}: ${got} vs ${want}`).toBeLessThan(tol);
  });
}

const W = [
  [0.9, 0.2],
  [1.5, -2.6],
];
const X = [0.19, 0.83];

describe('jacobian', () => {
  it('of a linear map is its matrix, shaped [...out, ...in]', () => {
    const w = tensor(W);
    const J = jacobian((x) => w.matmul(x), tensor(X));
    expect(J.shape).toEqual([2, 2]);
    expectClose(J, [0.9, 0.2, 1.5, -2.6]);
  });

  it('of an elementwise square is diag(2x); a matrix input gives a 4-d Jacobian', () => {
    expectClose(
      jacobian((x) => x.square(), tensor([1, -2, 3])),
      [2, 0, 0, 0, -4, 0, 0, 0, 6],
    );
    // row sums of a 2×2 matrix: d s[i] / d X[k][l] = [i = k]
    const J = jacobian(
      (m) => m.sum(1),
      tensor([
        [1, 2],
        [3, 4],
      ]),
    );
    expect(J.shape).toEqual([2, 2, 2]);
    expectClose(J, [1, 1, 0, 0, 0, 0, 1, 1]);
  });

  it('takes several inputs and gives one Jacobian each (‖Wx‖², hand-computed: ∇W = 2Wx·xᵀ, ∇x = 2WᵀWx)', () => {
    const [dW, dx] = jacobian((w, x) => w.matmul(x).square().sum(), [tensor(W), tensor(X)]);
    expect(dW!.shape).toEqual([2, 2]); // a scalar output: the Jacobian has the input's shape
    expectClose(dW!, [0.674 * 0.19, 0.674 * 0.83, -3.746 * 0.19, -3.746 * 0.83]);
    expectClose(dx!, [-5.0124, 9.8744], 1e-4);
  });

  it('is zero for an input the output does not depend on, and leaves the inputs’ .grad alone', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3], { requiresGrad: true });
    const [ja, jb] = jacobian((a) => a.mul(2), [a, b]);
    expectClose(ja!, [2, 0, 0, 2]);
    expect(jb!.shape).toEqual([2, 1]);
    expectClose(jb!, [0, 0]);
    expect(a.grad).toBeNull();
    expect(b.grad).toBeNull();
  });

  it('keeps memory flat over repeated calls', () => {
    const x = tensor(X);
    const w = tensor(W);
    const run = (): void => tidy(() => void jacobian((v) => w.matmul(v).tanh(), x));
    run();
    const before = memory().tensors;
    for (let i = 0; i < 5; i++) run();
    expect(memory().tensors).toBe(before);
  });

  it('names itself in errors', () => {
    expect(() => jacobian((x) => x, [] as Tensor[])).toThrow(/^jacobian: inputs must be/);
    expect(() => jacobian((x) => x, tensor([1], { dtype: 'int32' }))).toThrow(
      /jacobian: input 0 is a int32 tensor/,
    );
    expect(() => jacobian(() => 3 as unknown as Tensor, tensor([1]))).toThrow(
      /jacobian: fn must return a float32 tensor, got 3/,
    );
    expect(() => noGrad(() => jacobian((x) => x, tensor([1])))).toThrow(/jacobian: called inside noGrad/);
  });
});

describe('vjp', () => {
  it('returns [output, vᵀJ]: for x² that is 2x·v', () => {
    const [y, g] = vjp((x) => x.square(), tensor([1, 2, -3]), tensor([1, 10, 0.5]));
    expectClose(y, [1, 4, 9]);
    expectClose(g, [2, 40, -3]);
  });

  it('takes v = 1 for a one-element output, and one result per input', () => {
    const [f, [dW, dx]] = vjp((w, x) => w.matmul(x).square().sum(), [tensor(W), tensor(X)]);
    expectClose(f, [0.337 ** 2 + 1.873 ** 2], 1e-5);
    expectClose(dW!, [0.12806, 0.55942, -0.71174, -3.10918], 1e-5);
    expectClose(dx!, [-5.0124, 9.8744], 1e-4);
  });

  it('checks v', () => {
    expect(() => vjp((x) => x.square(), tensor([1, 2]))).toThrow(
      /vjp: v may be left out only when fn returns one element/,
    );
    expect(() => vjp((x) => x.square(), tensor([1, 2]), tensor([1, 2, 3]))).toThrow(
      /vjp: v is a float32 tensor of shape \[3\], expected a float32 tensor of shape \[2\]/,
    );
  });
});

describe('jvp', () => {
  it('returns [output, J·v]: W·v for a linear map', () => {
    const w = tensor(W);
    const [y, t] = jvp((x) => w.matmul(x), tensor(X), tensor([1, -1]));
    expectClose(y, [0.337, -1.873], 1e-6);
    expectClose(t, [0.9 - 0.2, 1.5 + 2.6], 1e-6);
  });

  it('sums over several inputs: d/dε of (a+εu)·(b+εv) = u·b + a·v', () => {
    const [y, t] = jvp(
      (a, b) => a.mul(b),
      [tensor([1, 2]), tensor([3, 4])],
      [tensor([1, 0]), tensor([0, 1])],
    );
    expectClose(y, [3, 8]);
    expectClose(t, [3, 2]);
  });

  it('defaults v to 1 for a one-element input; x²·y at (1, 2) along (1, −1) is 4 − 1', () => {
    const [, t] = jvp((x) => x.pow(3), tensor([2]));
    expectClose(t, [12]);
    const [, t2] = jvp(
      (x) =>
        x
          .slice(0, 0, 1)
          .square()
          .mul(x.slice(0, 1, 2)),
      tensor([1, 2]),
      tensor([1, -1]),
    );
    expectClose(t2, [3]);
    expect(() => jvp((x) => x, tensor([1, 2]))).toThrow(/jvp: v may be left out only/);
  });
});

describe('hessian', () => {
  it('of ‖Wx‖² in x is 2WᵀW (a quadratic: no truncation error, only float32 rounding ≈ 1e-5 relative)', () => {
    const w = tensor(W);
    const H = hessian((x) => w.matmul(x).square().sum(), tensor(X));
    expect(H.shape).toEqual([2, 2]);
    // 2WᵀW = 2·[[0.81 + 2.25, 0.18 − 3.9], [0.18 − 3.9, 0.04 + 6.76]]
    expectClose(H, [6.12, -7.44, -7.44, 13.6], 1e-3);
  });

  it('of cubic terms (not quadratic) within 1e-3: Σx³ → diag(6x), x₀²x₁ → [[2x₁, 2x₀], [2x₀, 0]]', () => {
    expectClose(
      hessian((x) => x.pow(3).sum(), tensor([1, 2])),
      [6, 0, 0, 12],
      1e-3,
    );
    const f = (x: Tensor): Tensor =>
      x
        .slice(0, 0, 1)
        .square()
        .mul(x.slice(0, 1, 2))
        .sum();
    expectClose(hessian(f, tensor([1, 2])), [4, 2, 2, 0], 1e-3);
  });

  it('rejects a non-scalar function and a bad eps', () => {
    expect(() => hessian((x) => x.square(), tensor([1, 2]))).toThrow(/hessian: fn must return one element/);
    expect(() => hessian((x) => x.sum(), tensor([1]), { eps: 0 })).toThrow(/hessian: eps must be a positive/);
  });
});
