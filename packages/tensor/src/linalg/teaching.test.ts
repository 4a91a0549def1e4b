// Issue 18 item 3: the linear algebra the course notes teach (cross product, rank, row echelon
// form, eigenvalues of general matrices), checked on the notes' own worked examples.
import { describe, expect, it } from 'vitest';
import {
  eye,
  gradcheck,
  linalg,
  manualSeed,
  memory,
  randn,
  stack,
  type Tensor,
  tensor,
  tidy,
} from '../index.js';

const maxDiff = (a: Tensor, b: Tensor) => a.sub(b).abs().max().item();

describe('linalg teaching helpers (course notes 002_267a31ebb5518d37.txt §0)', () => {
  manualSeed(18);

  it('cross: §0.2 "cross product", with the correct i-component (the notes print x2·y1 − x3·y2)', () => {
    const x = tensor([1, 2, 3]);
    const y = tensor([4, 5, 6]);
    const u = linalg.cross(x, y);
    // Correct: (x2·y3 − x3·y2, x3·y1 − x1·y3, x1·y2 − x2·y1) = (−3, 6, −3); the notes' i-term gives −7.
    expect(u.toArray()).toEqual([-3, 6, -3]);
    // Perpendicular to both, and |u| = |x||y|sin θ.
    expect(u.mul(x).sum().item()).toBe(0);
    expect(u.mul(y).sum().item()).toBe(0);
    const cos = x.mul(y).sum().item() / (linalg.norm(x).item() * linalg.norm(y).item());
    expect(linalg.norm(u).item()).toBeCloseTo(
      linalg.norm(x).item() * linalg.norm(y).item() * Math.sqrt(1 - cos ** 2),
      4,
    );
    expect(linalg.cross(tensor([1, 0, 0]), tensor([0, 1, 0])).toArray()).toEqual([0, 0, 1]);
  });

  it('cross: along dim 0, broadcasting a batch against one vector', () => {
    const a = randn([3, 4]);
    const b = tensor([[0], [0], [1]]); // e_z, broadcast over the 4 columns
    const c = linalg.cross(a, b, { dim: 0 });
    expect(c.shape).toEqual([3, 4]);
    // a × e_z = (a_y, −a_x, 0)
    expect(maxDiff(c, stack([a.select(0, 1), a.select(0, 0).neg(), a.select(0, 2).mul(0)]))).toBe(0);
  });

  it('cross: gradients for both inputs (gradcheck), and flat memory', () => {
    const a = randn([2, 3], { requiresGrad: true });
    const b = randn([2, 3], { requiresGrad: true });
    expect(gradcheck((p, q) => linalg.cross(p!, q!), [a, b]).ok).toBe(true);
    const step = () => tidy(() => linalg.cross(a, b).square().sum().backward());
    step();
    const before = memory();
    for (let i = 0; i < 3; i++) step();
    expect(memory().tensors).toBe(before.tensors);
  });

  it('cross: errors name cross and say what was found', () => {
    expect(() => linalg.cross(tensor([1, 2]), tensor([3, 4]))).toThrow(
      /^cross: dimension -1 must have size 3.*\[2\]/,
    );
    expect(() => linalg.cross(tensor([1, 2, 3]), tensor([1, 2, 3]), { dims: 0 } as never)).toThrow(
      /cross: unknown option 'dims'/,
    );
  });

  it('rowEchelon: §0.6 the system 3x − 4y = 9, 6x + 5y = 2 reduces to x ≈ 1.36, y ≈ −1.23', () => {
    const { rref, pivots } = linalg.rowEchelon(
      tensor([
        [3, -4, 9],
        [6, 5, 2],
      ]),
    );
    expect(pivots).toEqual([0, 1]);
    const r = rref.toArray() as number[][];
    expect(r[0]![0]).toBe(1);
    expect(r[0]![1]).toBe(0);
    expect(r[0]![2]).toBeCloseTo(53 / 39, 6); // ≈ 1.36
    expect(r[1]![2]).toBeCloseTo(-48 / 39, 6); // ≈ −1.23
  });

  it('rowEchelon: §0.5 the λ = 16 system row-reduces to [[1, 0, −1], [0, 1, 0], [0, 0, 0]]; §0.3 λ = 7 to [[1, −2], [0, 0]]', () => {
    const a = tensor([
      [-6, 2, 6],
      [2, -14, -2],
      [6, -2, -6],
    ]);
    const { rref, pivots } = linalg.rowEchelon(a);
    expect(pivots).toEqual([0, 1]);
    expect(
      maxDiff(
        rref,
        tensor([
          [1, 0, -1],
          [0, 1, 0],
          [0, 0, 0],
        ]),
      ),
    ).toBeLessThan(1e-6);
    const seven = linalg.rowEchelon(
      tensor([
        [-1, 2],
        [2, -4],
      ]),
    );
    expect(seven.rref.toArray()).toEqual([
      [1, -2],
      [0, 0],
    ]);
    expect(seven.pivots).toEqual([0]);
  });

  it('matrixRank: §0.2 "rank = number of pivots of the row echelon form", and §0.5 rank(A) = rank(AᵀA) = 2', () => {
    const a = tensor([
      [1, -1, 3],
      [3, 1, 1],
    ]);
    const ata = a.transpose().matmul(a);
    expect(ata.toArray()).toEqual([
      [10, 2, 6],
      [2, 2, -2],
      [6, -2, 10],
    ]);
    expect(linalg.matrixRank(a).item()).toBe(2);
    expect(linalg.matrixRank(ata).item()).toBe(2);
    expect(linalg.rowEchelon(ata).pivots.length).toBe(2);
    expect(linalg.matrixRank(ata).dtype).toBe('int32');
    // batch: full rank, rank 1, rank 0
    const batch = tensor([
      [
        [1, 0],
        [0, 1],
      ],
      [
        [1, 2],
        [2, 4],
      ],
      [
        [0, 0],
        [0, 0],
      ],
    ]);
    expect(linalg.matrixRank(batch).toArray()).toEqual([2, 1, 0]);
    // An explicit tolerance: singular values of diag(1, 1e-3) are 1 and 1e-3.
    const d = tensor([
      [1, 0],
      [0, 1e-3],
    ]);
    expect(linalg.matrixRank(d).item()).toBe(2);
    expect(linalg.matrixRank(d, { tol: 1e-2 }).item()).toBe(1);
    expect(() => linalg.matrixRank(d, { tol: -1 })).toThrow(/^matrixRank: tol must be a number >= 0, got -1/);
  });

  it('eig: §0.3 [[6, 2], [2, 3]] has eigenvalues 7, 2 with eigenvectors ∝ [2, 1] and [−1/2, 1]; P⁻¹AP = D', () => {
    const a = tensor([
      [6, 2],
      [2, 3],
    ]);
    expect(maxDiff(linalg.eigvals(a), tensor([7, 2]))).toBeLessThan(1e-5);
    const { eigenvalues, eigenvectors: p } = linalg.eig(a);
    const v7 = tensor([2, 1]).div(Math.sqrt(5));
    const v2 = tensor([-0.5, 1]).div(Math.sqrt(1.25));
    expect(maxDiff(p.select(1, 0), v7)).toBeLessThan(1e-5);
    expect(maxDiff(p.select(1, 1), v2)).toBeLessThan(1e-5);
    expect(maxDiff(linalg.inv(p).matmul(a).matmul(p), eigenvalues.diag())).toBeLessThan(1e-5);
  });

  it("eig: §0.5 AᵀA has eigenvalues 16, 6, 0 (greatest to least) and the notes' unit eigenvector [1, 0, 1]/√2", () => {
    const ata = tensor([
      [10, 2, 6],
      [2, 2, -2],
      [6, -2, 10],
    ]);
    const { eigenvalues, eigenvectors } = linalg.eig(ata);
    expect(maxDiff(eigenvalues, tensor([16, 6, 0]))).toBeLessThan(1e-5);
    expect(maxDiff(eigenvectors.select(1, 0), tensor([1, 0, 1]).div(Math.SQRT2))).toBeLessThan(1e-5);
    // The other columns agree with the notes' V up to sign: [−1, −1, 1]/√3 and [−1, 2, 1]/√6.
    const v2 = eigenvectors.select(1, 1);
    const v3 = eigenvectors.select(1, 2);
    expect(
      Math.abs(
        v2
          .mul(tensor([-1, -1, 1]).div(Math.sqrt(3)))
          .sum()
          .item(),
      ),
    ).toBeCloseTo(1, 5);
    expect(
      Math.abs(
        v3
          .mul(tensor([-1, 2, 1]).div(Math.sqrt(6)))
          .sum()
          .item(),
      ),
    ).toBeCloseTo(1, 5);
  });

  it('eig: a non-symmetric matrix P·D·P⁻¹ with real eigenvalues, batched; A·V = V·diag(λ)', () => {
    const p = randn([2, 4, 4]).add(eye(4).mul(3));
    const d = tensor([
      [5, 2, -1, 0.5],
      [3, 3, -2, 1],
    ]);
    const a = p.matmul(eye(4).mul(d.unsqueeze(-2))).matmul(linalg.inv(p));
    const { eigenvalues, eigenvectors: v } = linalg.eig(a);
    expect(
      maxDiff(
        eigenvalues,
        tensor([
          [5, 2, 0.5, -1],
          [3, 3, 1, -2],
        ]),
      ),
    ).toBeLessThan(1e-3);
    expect(maxDiff(a.matmul(v), v.mul(eigenvalues.unsqueeze(-2)))).toBeLessThan(1e-3);
    // The repeated eigenvalue 3 has a 2-dimensional eigenspace: its two vectors are independent.
    const w = v.select(0, 1);
    const pair = stack([w.select(1, 0), w.select(1, 1)], 1);
    expect(linalg.matrixRank(pair).item()).toBe(2);
    // Triangular: the eigenvalues are the diagonal (notes §0.2, determinant of a diagonal matrix).
    expect(
      maxDiff(
        linalg.eigvals(
          tensor([
            [2, 0, 0],
            [1, 3, 0],
            [4, 5, 1],
          ]),
        ),
        tensor([3, 2, 1]),
      ),
    ).toBeLessThan(1e-5);
  });

  it('eig: complex eigenvalues are a clear error naming the function', () => {
    const rotation = tensor([
      [0, -1],
      [1, 0],
    ]);
    expect(() => linalg.eigvals(rotation)).toThrow(
      /^eigvals: matrix 0 of the batch has complex eigenvalues 0\.000 ± 1\.000i/,
    );
    const rotation3 = tensor([
      [2, 0, 0],
      [0, 0, -1],
      [0, 1, 0],
    ]);
    expect(() => linalg.eig(rotation3)).toThrow(/^eig: .*complex eigenvalues/);
    expect(() => linalg.eig(tensor([[1, 2, 3]]))).toThrow(
      /^eig: expected square matrices, got shape \[1,3\]/,
    );
  });
});
