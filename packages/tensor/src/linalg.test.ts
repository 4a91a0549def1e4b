import { describe, expect, it } from 'vitest';
import {
  eye,
  gradcheck,
  linalg,
  manualSeed,
  memory,
  noGrad,
  randn,
  type Tensor,
  tensor,
  tidy,
} from './index.js';

/** Max |a − b| over all elements. */
function maxDiff(a: Tensor, b: Tensor): number {
  return a.sub(b).abs().max().item();
}

/** A well-conditioned random n×n matrix (diagonally dominated). */
const wellConditioned = (n: number, batch: number[] = []) => randn([...batch, n, n]).add(eye(n).mul(n));

/** A random symmetric positive-definite matrix M·Mᵀ + n·I. */
const spd = (n: number) => {
  const m = randn([n, n]);
  return m.matmul(m.transpose()).add(eye(n).mul(n));
};

describe('linalg', () => {
  manualSeed(8);

  it('vectorNorm and norm for every ord, over dims', () => {
    const x = tensor([
      [3, -4],
      [0, 0],
    ]);
    expect(linalg.vectorNorm(tensor([3, 4])).item()).toBe(5);
    expect(linalg.vectorNorm(x, 2, 1).toArray()).toEqual([5, 0]);
    expect(linalg.vectorNorm(x, 1).item()).toBe(7);
    expect(linalg.vectorNorm(x, Infinity).item()).toBe(4);
    expect(linalg.vectorNorm(x, -Infinity, 1).toArray()).toEqual([3, 0]);
    expect(linalg.vectorNorm(x, 0).item()).toBe(2);
    expect(linalg.vectorNorm(tensor([1, 1, 1, 1]), 3).item()).toBeCloseTo(4 ** (1 / 3), 6);
    expect(
      linalg
        .norm(
          tensor([
            [1, 2],
            [2, 4],
          ]),
          'fro',
        )
        .item(),
    ).toBe(5);
    expect(() => linalg.vectorNorm(x, -1)).toThrow(/ord must be > 0/);
  });

  it('the 2-norm gradient is x/‖x‖, and 0 at the zero vector', () => {
    const x = tensor(
      [
        [3, 4],
        [0, 0],
      ],
      { requiresGrad: true },
    );
    linalg.vectorNorm(x, 2, 1).sum().backward();
    expect(x.grad!.toArray()).toEqual([
      [0.6000000238418579, 0.800000011920929],
      [0, 0],
    ]);
    expect(gradcheck((t) => linalg.vectorNorm(t!, 2, 0), [randn([3, 4], { requiresGrad: true })]).ok).toBe(
      true,
    );
    expect(gradcheck((t) => linalg.vectorNorm(t!, 3), [randn([5], { requiresGrad: true })]).ok).toBe(true);
  });

  it('det, inv and solve agree with each other and with known values (batched)', () => {
    expect(
      linalg
        .det(
          tensor([
            [1, 2],
            [3, 4],
          ]),
        )
        .item(),
    ).toBeCloseTo(-2, 6);
    expect(
      linalg
        .det(
          tensor([
            [0, 1],
            [1, 0],
          ]),
        )
        .item(),
    ).toBe(-1); // a permutation
    expect(
      Math.abs(
        linalg
          .det(
            tensor([
              [1, 2],
              [2, 4],
            ]),
          )
          .item(),
      ),
    ).toBe(0); // ±0: singular
    const a = wellConditioned(5, [3]);
    const ai = linalg.inv(a);
    expect(maxDiff(a.matmul(ai), eye(5).expand(3, 5, 5))).toBeLessThan(1e-5);
    const b = randn([3, 5, 2]);
    const x = linalg.solve(a, b);
    expect(maxDiff(a.matmul(x), b)).toBeLessThan(1e-5);
    expect(
      linalg
        .solve(
          tensor([
            [3, 1],
            [1, 2],
          ]),
          tensor([9, 8]),
        )
        .toArray(),
    ).toEqual([2, 3]);
    // det(AB) = det(A)·det(B)
    const [p, q] = [wellConditioned(4), wellConditioned(4)];
    expect(linalg.det(p.matmul(q)).item()).toBeCloseTo(linalg.det(p).item() * linalg.det(q).item(), 0);
  });

  it('singular and non-square inputs give clear errors', () => {
    expect(() =>
      linalg.inv(
        tensor([
          [1, 2],
          [2, 4],
        ]),
      ),
    ).toThrow('inv: matrix 0 of the batch (shape [2,2]) is singular');
    expect(() => linalg.det(randn([2, 3]))).toThrow('det: expected square matrices, got shape [2,3]');
    expect(() => linalg.solve(eye(3), randn([2]))).toThrow(
      /solve: A of shape \[3,3\] and B of shape \[2\] are not aligned/,
    );
    expect(() =>
      linalg.cholesky(
        tensor([
          [1, 2],
          [2, 1],
        ]),
      ),
    ).toThrow(/is not positive definite/);
  });

  it('gradients of det, inv, solve and cholesky (gradcheck)', () => {
    const a = () => noGrad(() => wellConditioned(3)).requiresGrad_();
    expect(gradcheck((t) => linalg.det(t!), [a()]).ok).toBe(true);
    expect(gradcheck((t) => linalg.inv(t!), [a()]).ok).toBe(true);
    expect(gradcheck((t, u) => linalg.solve(t!, u!), [a(), randn([3, 2], { requiresGrad: true })]).ok).toBe(
      true,
    );
    expect(gradcheck((t, u) => linalg.solve(t!, u!), [a(), randn([3], { requiresGrad: true })]).ok).toBe(
      true,
    );
    // Cholesky of a symmetric input built inside the function, so perturbations stay symmetric.
    const base = noGrad(() => spd(3));
    expect(
      gradcheck((t) => linalg.cholesky(t!.add(t!.transpose()).mul(0.5)), [base.requiresGrad_()]).ok,
    ).toBe(true);
  });

  it('gradients of qr (tall, square, wide, batched) — Q and R are unique, so both are checked', () => {
    for (const shape of [
      [5, 3],
      [3, 3],
      [3, 5],
      [2, 4, 3],
    ]) {
      const q = (t: Tensor) => linalg.qr(t).Q;
      const r = (t: Tensor) => linalg.qr(t).R;
      expect(gradcheck((t) => q(t!), [randn(shape, { requiresGrad: true })]).ok, `Q of ${shape}`).toBe(true);
      expect(gradcheck((t) => r(t!), [randn(shape, { requiresGrad: true })]).ok, `R of ${shape}`).toBe(true);
    }
  });

  it('gradients of eigh: eigenvalues, and sign-independent functions of the eigenvectors', () => {
    // eigh reads the symmetric part, so unsymmetric perturbations are valid inputs for gradcheck.
    const a = () => randn([2, 4, 4], { requiresGrad: true });
    expect(gradcheck((t) => linalg.eigh(t!).eigenvalues, [a()]).ok).toBe(true);
    expect(gradcheck((t) => linalg.eigh(t!).eigenvectors.square(), [a()]).ok).toBe(true);
    // The projector onto the top eigenvector (what PCA uses).
    const top = (t: Tensor) => {
      const v = linalg.eigh(t).eigenvectors.slice(-1, 3);
      return v.matmul(v.transpose());
    };
    expect(gradcheck((t) => top(t!), [randn([4, 4], { requiresGrad: true })]).ok).toBe(true);
  });

  it('gradients of svd (tall, square, wide, batched): S, the rank-1 approximation, and |U|², |Vh|²', () => {
    for (const shape of [
      [5, 3],
      [3, 3],
      [3, 5],
      [2, 4, 3],
      [2, 3, 4],
    ]) {
      const x = () => randn(shape, { requiresGrad: true });
      const rankOne = (t: Tensor) => {
        const { U, S, Vh } = linalg.svd(t);
        return U.slice(-1, 0, 1)
          .mul(S.slice(-1, 0, 1).unsqueeze(-2))
          .matmul(Vh.slice(-2, 0, 1));
      };
      expect(gradcheck((t) => linalg.svd(t!).S, [x()]).ok, `S of ${shape}`).toBe(true);
      expect(gradcheck((t) => rankOne(t!), [x()]).ok, `rank 1 of ${shape}`).toBe(true);
      expect(gradcheck((t) => linalg.svd(t!).U.square(), [x()]).ok, `U of ${shape}`).toBe(true);
      expect(gradcheck((t) => linalg.svd(t!).Vh.square(), [x()]).ok, `Vh of ${shape}`).toBe(true);
    }
  });

  it('repeated eigenvalues / singular values: gradients of the values alone stay finite (as PyTorch)', () => {
    const a = eye(3).mul(2).requiresGrad_();
    linalg.eigh(a).eigenvalues.sum().backward(); // d trace(A) / dA = I
    expect(a.grad!.toArray()).toEqual(eye(3).toArray());
    const t = tensor([
      [2, 0],
      [0, 2],
      [0, 0],
    ]).requiresGrad_();
    linalg.svd(t).S.sum().backward(); // d nuclear norm / dA = U·Vh
    expect(
      maxDiff(
        t.grad!,
        tensor([
          [1, 0],
          [0, 1],
          [0, 0],
        ]),
      ),
    ).toBeLessThan(1e-6);
    const w = tensor([
      [1, 0, 0],
      [0, 1, 0],
    ]).requiresGrad_();
    linalg.svd(w).S.sum().backward();
    expect(maxDiff(w.grad!, w.detach())).toBeLessThan(1e-6);
  });

  it('memory stays flat over repeated differentiable factorisations', () => {
    const x = randn([4, 3], { requiresGrad: true });
    const step = () =>
      tidy(() => {
        const { Q, R } = linalg.qr(x);
        const { U, S, Vh } = linalg.svd(x);
        const { eigenvalues } = linalg.eigh(x.transpose().matmul(x));
        Q.sum()
          .add(R.sum())
          .add(U.square().sum())
          .add(S.sum())
          .add(Vh.square().sum())
          .add(eigenvalues.sum())
          .backward();
      });
    step();
    const before = memory();
    for (let i = 0; i < 50; i++) step();
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().bytes).toBe(before.bytes);
  });

  it('factorisations of inputs that need no gradient record no graph', () => {
    const { Q, R } = linalg.qr(randn([3, 3]));
    expect(Q.requiresGrad || R.requiresGrad).toBe(false);
  });

  it('cholesky: L is lower triangular and L·Lᵀ = A', () => {
    const a = spd(6);
    const l = linalg.cholesky(a);
    expect(maxDiff(l.matmul(l.transpose()), a)).toBeLessThan(1e-4);
    const values = l.toArray() as number[][];
    for (let i = 0; i < 6; i++) for (let j = i + 1; j < 6; j++) expect(values[i]![j]).toBe(0);
  });

  it('qr: orthonormal Q, upper-triangular R with non-negative diagonal, Q·R = A (tall, wide, square)', () => {
    for (const [m, n] of [
      [6, 4],
      [4, 6],
      [5, 5],
    ] as const) {
      const a = randn([m, n]);
      const { Q, R } = linalg.qr(a);
      const k = Math.min(m, n);
      expect(Q.shape).toEqual([m, k]);
      expect(R.shape).toEqual([k, n]);
      expect(maxDiff(Q.matmul(R), a)).toBeLessThan(1e-5);
      expect(maxDiff(Q.transpose().matmul(Q), eye(k))).toBeLessThan(1e-5);
      const r = R.toArray() as number[][];
      for (let i = 0; i < k; i++) {
        expect(r[i]![i]).toBeGreaterThanOrEqual(0);
        for (let j = 0; j < i; j++) expect(r[i]![j]).toBe(0);
      }
    }
  });

  it('eigh: A·V = V·diag(λ), λ ascending, V orthonormal', () => {
    const a = spd(5).sub(eye(5).mul(7)); // symmetric, with eigenvalues of both signs
    const { eigenvalues, eigenvectors: v } = linalg.eigh(a);
    const lambda = Array.from(eigenvalues.data());
    expect([...lambda].sort((x, y) => x - y)).toEqual(lambda);
    expect(maxDiff(a.matmul(v), v.mul(eigenvalues))).toBeLessThan(1e-4);
    expect(maxDiff(v.transpose().matmul(v), eye(5))).toBeLessThan(1e-5);
  });

  it('svd: U·diag(S)·Vh = A, singular values descending, orthonormal factors (tall and wide)', () => {
    for (const [m, n] of [
      [7, 4],
      [3, 6],
    ] as const) {
      const a = randn([m, n]);
      const { U, S, Vh } = linalg.svd(a);
      const k = Math.min(m, n);
      expect(maxDiff(U.mul(S).matmul(Vh), a)).toBeLessThan(1e-5);
      expect(maxDiff(U.transpose().matmul(U), eye(k))).toBeLessThan(1e-5);
      expect(maxDiff(Vh.matmul(Vh.transpose()), eye(k))).toBeLessThan(1e-5);
      const s = Array.from(S.data());
      expect([...s].sort((x, y) => y - x)).toEqual(s);
    }
    // The singular values of a diagonal matrix are its absolute diagonal entries.
    expect(
      Array.from(
        linalg
          .svd(
            tensor([
              [0, 0],
              [0, -3],
              [2, 0],
            ]),
          )
          .S.data(),
      ),
    ).toEqual([3, 2]);
  });
});
