// The course notes' worked numeric examples (/work/shared/course, see its README.md) as tests: tensor
// and autograd. Each test names its source; where the notes print a wrong value, the test checks the
// correct one and a comment says what the notes print.
import { describe, expect, it } from 'vitest';
import { jacobian, linalg, type Tensor, tensor } from './index.js';

function expectClose(t: Tensor | number[], want: number[], tol = 1e-5): void {
  const got = Array.isArray(t) ? t : Array.from(t.data());
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => {
    expect(Math.abs(v - want[i]!), `element ${i}: ${got} vs ${want}`).toBeLessThan(tol);
  });
}

describe('The Deep Learning Guide (002_267a31ebb5518d37.txt)', () => {
  // 002_267a31ebb5518d37.txt §3.5 "Backpropagation Using the Jacobian"
  it('§3.5: ‖Wx‖² with W = [[0.9, 0.2], [1.5, −2.6]], x = [0.19, 0.83]: Wx, f, ∇_W f and ∇_x f', () => {
    const W = tensor(
      [
        [0.9, 0.2],
        [1.5, -2.6],
      ],
      { requiresGrad: true },
    );
    const x = tensor([[0.19], [0.83]], { requiresGrad: true });
    const r = W.matmul(x);
    expectClose(r, [0.337, -1.873], 1e-6); // notes: Wx = [0.337, −1.873]
    const f = r.square().sum();
    expect(f.item()).toBeCloseTo(3.621698, 5); // notes: "3.62"
    f.backward();
    // notes: ∇_W f = [[0.128, 0.559], [−0.711, −3.109]], truncated to 3 decimals (−0.71174 rounds to
    // −0.712); the exact value is 2r·xᵀ:
    expectClose(W.grad!, [0.12806, 0.55942, -0.71174, -3.10918], 1e-5);
    expectClose(W.grad!, [0.128, 0.559, -0.711, -3.109], 1e-3);
    expectClose(x.grad!, [-5.0124, 9.8744], 1e-4); // notes: ∇_x f = [−5.0124, 9.8744] (exact)
    // The same through the functional API: the Jacobian of the scalar is the gradient.
    expectClose(
      jacobian((v) => W.detach().matmul(v).square().sum(), tensor([0.19, 0.83])),
      [-5.0124, 9.8744],
      1e-4,
    );
    // and ∇_r f = 2r = [0.674, −3.746] is the Jacobian of r ↦ ‖r‖²
    expectClose(
      jacobian((v) => v.square().sum(), tensor([0.337, -1.873])),
      [0.674, -3.746],
      1e-6,
    );
  });

  // 002_267a31ebb5518d37.txt §0.3 "Calculate Eigenvalues and Eigenvectors!"
  it('§0.3: [[6, 2], [2, 3]] has eigenvalues 7 and 2 with eigenvectors ∝ [2, 1] and [−1/2, 1]', () => {
    const A = tensor([
      [6, 2],
      [2, 3],
    ]);
    const { eigenvalues, eigenvectors } = linalg.eigh(A);
    // Myelin (as torch.linalg.eigh) orders them ascending; the notes list 7, 2 (descending).
    expectClose(eigenvalues, [2, 7], 1e-5);
    const V = eigenvectors.toArray() as number[][];
    // columns are unit vectors parallel to the notes' [−1/2, 1] and [2, 1] (sign is arbitrary)
    expect(Math.abs(V[0]![0]! / V[1]![0]!)).toBeCloseTo(0.5, 5);
    expect(V[0]![0]! / V[1]![0]!).toBeLessThan(0);
    expect(V[0]![1]! / V[1]![1]!).toBeCloseTo(2, 5);
    // the notes' diagonalisation P⁻¹AP = D with P = [[2, −1/2], [1, 1]], D = diag(7, 2)
    const P = tensor([
      [2, -0.5],
      [1, 1],
    ]);
    expectClose(linalg.inv(P).matmul(A).matmul(P), [7, 0, 0, 2], 1e-5);
  });

  // 002_267a31ebb5518d37.txt §0.5 "SVD Step by Step"
  it('§0.5: A = [[1, −1, 3], [3, 1, 1]]: AᵀA eigenvalues 16, 6, 0; σ = 4, √6; U and V as the notes', () => {
    const A = tensor([
      [1, -1, 3],
      [3, 1, 1],
    ]);
    const AtA = A.transpose(0, 1).matmul(A);
    expectClose(AtA, [10, 2, 6, 2, 2, -2, 6, -2, 10], 1e-5);
    expectClose(linalg.eigh(AtA).eigenvalues, [0, 6, 16], 1e-4);
    const { U, S, Vh } = linalg.svd(A);
    expectClose(S, [4, Math.sqrt(6)], 1e-5);
    // A = U·diag(S)·Vh
    expectClose(U.mul(S.unsqueeze(0)).matmul(Vh), [1, -1, 3, 3, 1, 1], 1e-5);
    // Up to the sign of each singular pair: u₁ = [1, 1]/√2, v₁ = [1, 0, 1]/√2; u₂ = [1, −1]/√2,
    // v₂ = [−1, −1, 1]/√3 (the notes' V columns 1 and 2).
    const u = U.toArray() as number[][];
    const vh = Vh.toArray() as number[][];
    const s = Math.SQRT1_2;
    for (const k of [0, 1]) {
      const sign = Math.sign(u[0]![k]!);
      const wantU = k === 0 ? [s, s] : [s, -s];
      const r3 = 1 / Math.sqrt(3);
      const wantV = k === 0 ? [s, 0, s] : [-r3, -r3, r3];
      expectClose([u[0]![k]! * sign, u[1]![k]! * sign], wantU, 1e-5);
      expectClose(
        vh[k]!.map((v) => v * sign),
        wantV,
        1e-5,
      );
    }
    // The notes' V has third column v₃ = [−1, 2, 1]/√6 (the null space: A·v₃ = 0), but its printed
    // Vᵀ has third row [−1, 1, 1]/√6, which is not: A·[−1, 1, 1] = [1, −1] ≠ 0.
    const r6 = 1 / Math.sqrt(6);
    expectClose(A.matmul(tensor([-r6, 2 * r6, r6])), [0, 0], 1e-6);
    expectClose(A.matmul(tensor([-1, 1, 1])), [1, -1], 1e-6);
  });

  // 002_267a31ebb5518d37.txt §0.6 "Systems of Linear Equations"
  it('§0.6: 3x₁ − 4x₂ = 9, 6x₁ + 5x₂ = 2 gives x ≈ [1.36, −1.23] (exactly [53/39, −48/39])', () => {
    // the notes write the unknowns as x and x² (meaning x₁, x₂)
    const x = linalg.solve(
      tensor([
        [3, -4],
        [6, 5],
      ]),
      tensor([[9], [2]]),
    );
    expectClose(x, [53 / 39, -48 / 39], 1e-5);
    expectClose(x, [1.36, -1.23], 5e-3);
  });
});

describe('MInDS @ Mines, "Deep Learning" (003_d258a1444254457f.txt)', () => {
  // 003_d258a1444254457f.txt "Feed Forward Neural Networks", Figure 3
  it('Figure 3: f = (x + y)·z at x = −2, y = 5, z = −4: f = −12, ∂f/∂x = ∂f/∂y = z = −4, ∂f/∂z = x + y = 3', () => {
    const [x, y, z] = [-2, 5, -4].map((v) => tensor(v, { requiresGrad: true })) as [Tensor, Tensor, Tensor];
    const q = x.add(y);
    const f = q.mul(z);
    expect(f.item()).toBe(-12);
    f.backward();
    // The figure's labels are garbled in the notes ("y = f/3", "z = f/−4"): the gradients are these.
    expect([x.grad!.item(), y.grad!.item(), z.grad!.item()]).toEqual([-4, -4, 3]);
  });

  // 003_d258a1444254457f.txt "Activation Functions", eq. (4)
  it('eq. (4): softsign′(x) = 1/(1 + |x|)² — the notes print x/(1 + |x|)², which is wrong', () => {
    const xs = [-3, -0.5, 0, 0.5, 2];
    const x = tensor(xs, { requiresGrad: true });
    x.softsign().sum().backward();
    expectClose(
      x.grad!,
      xs.map((v) => 1 / (1 + Math.abs(v)) ** 2),
      1e-6,
    );
    // The notes' formula gives 0 at x = 0 and a negative slope for x < 0, but softsign is increasing
    // with slope 1 at 0: the printed x/(1 + |x|)² differs from autograd's derivative.
    const notes = xs.map((v) => v / (1 + Math.abs(v)) ** 2);
    expect(x.grad!.data()[2]).toBe(1);
    expect(notes[2]).toBe(0);
  });
});

describe('Imperial College "Neural Networks" (004_dd40d634f9b46b7b.txt)', () => {
  // 004_dd40d634f9b46b7b.txt "Back-propagation", the Chainer snippet
  it('y = x² − 2x + 1 at x = 5: y = 16 and dy/dx = 8', () => {
    const x = tensor([5], { requiresGrad: true });
    const y = x.square().sub(x.mul(2)).add(1);
    expect(y.item()).toBe(16);
    y.backward();
    expect(x.grad!.item()).toBe(8);
  });
});
