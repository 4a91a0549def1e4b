import { describe, expect, it } from 'vitest';
import { gradcheck, manualSeed, randn, type Tensor, tensor } from './index.js';

/** Float64 reference product of nested 2-D arrays. */
function reference(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
}

function expectMatrix(got: Tensor, want: number[][], tol = 1e-5): void {
  const g = got.toArray() as number[][];
  expect(g.length).toBe(want.length);
  for (const [i, row] of g.entries()) {
    for (const [j, v] of row.entries()) {
      expect(Math.abs(v - want[i]![j]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i]![j]!)));
    }
  }
}

describe('matmul', () => {
  manualSeed(4);

  it('2-D × 2-D, including transposed (non-contiguous) operands read without copying', () => {
    const a = randn([5, 7]);
    const b = randn([7, 3]);
    const A = a.toArray() as number[][];
    const B = b.toArray() as number[][];
    expectMatrix(a.matmul(b), reference(A, B));
    const at = randn([7, 5]).transpose(); // [5, 7] view with strides [1, 5]
    expectMatrix(at.matmul(b), reference(at.toArray() as number[][], B));
    const bt = randn([3, 7]).transpose();
    expectMatrix(a.matmul(bt), reference(A, bt.toArray() as number[][]));
    const sliced = randn([6, 9]).slice(1, 1, 8).slice(0, 0, 5); // row stride 9: leading dimension ≠ width
    expectMatrix(sliced.matmul(b), reference(sliced.toArray() as number[][], B));
  });

  it('1-D operands follow PyTorch: vector·vector, matrix·vector, vector·matrix', () => {
    expect(
      tensor([1, 2, 3])
        .matmul(tensor([4, 5, 6]))
        .item(),
    ).toBe(32);
    expect(
      tensor([
        [1, 2],
        [3, 4],
      ])
        .matmul(tensor([1, 1]))
        .toArray(),
    ).toEqual([3, 7]);
    expect(
      tensor([1, 1])
        .matmul(
          tensor([
            [1, 2],
            [3, 4],
          ]),
        )
        .toArray(),
    ).toEqual([4, 6]);
  });

  it('batched with broadcast batch dimensions', () => {
    const a = randn([2, 1, 3, 4]);
    const b = randn([5, 4, 2]);
    const out = a.matmul(b);
    expect(out.shape).toEqual([2, 5, 3, 2]);
    const A = a.toArray() as number[][][][];
    const B = b.toArray() as number[][][];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 5; j++)
        expectMatrix(
          out
            .slice(0, i, i + 1)
            .slice(1, j, j + 1)
            .reshape(3, 2),
          reference(A[i]![0]!, B[j]!),
        );
    const shared = randn([4, 6]);
    expect(randn([3, 2, 4]).matmul(shared).shape).toEqual([3, 2, 6]); // 2-D right operand, stride 0
  });

  it('empty and degenerate shapes', () => {
    expect(randn([0, 3]).matmul(randn([3, 4])).shape).toEqual([0, 4]);
    expect(
      randn([2, 0])
        .matmul(randn([0, 4]))
        .toArray(),
    ).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
  });

  it('errors name both shapes and the mismatch', () => {
    expect(() => randn([2, 3]).matmul(randn([4, 5]))).toThrow(
      'matmul: shapes [2,3] and [4,5] are not aligned (3 != 4)',
    );
    expect(() => tensor(3).matmul(randn([2]))).toThrow(/at least one dimension/);
    expect(() => randn([2, 2, 3]).matmul(randn([3, 3, 2]))).toThrow(
      /matmul: shapes \[2\] and \[3\] cannot be broadcast/,
    );
  });

  it('gradients: 2-D, transposed operands, 1-D, batched with broadcasting', () => {
    const cases: [Tensor, Tensor][] = [
      [randn([3, 4], { requiresGrad: true }), randn([4, 2], { requiresGrad: true })],
      [randn([4, 3], { requiresGrad: true }), randn([2, 4], { requiresGrad: true })],
      [randn([4], { requiresGrad: true }), randn([4, 3], { requiresGrad: true })],
      [randn([2, 3, 4], { requiresGrad: true }), randn([4, 5], { requiresGrad: true })],
    ];
    expect(gradcheck((a, b) => a!.matmul(b!), cases[0]!).ok).toBe(true);
    expect(gradcheck((a, b) => a!.transpose().matmul(b!.transpose()), cases[1]!).ok).toBe(true);
    expect(gradcheck((a, b) => a!.matmul(b!), cases[2]!).ok).toBe(true);
    expect(gradcheck((a, b) => a!.matmul(b!), cases[3]!).ok).toBe(true);
  });
});

describe('matmul gradients of transposed 2-D operands', () => {
  it('sum over the batch when the other operand is batched (x [B, T, I] · wᵀ, as a linear layer on sequences)', () => {
    const w = randn([4, 3], { requiresGrad: true });
    const x = randn([2, 5, 3], { requiresGrad: true });
    x.matmul(w.transpose()).sum().backward();
    // d/dw Σ x·wᵀ = Σ over batch and time of x's rows, for every output row.
    const rowSum = x.sum([0, 1]).toArray() as number[];
    for (const row of w.grad!.toArray() as number[][]) {
      row.forEach((v, j) => {
        expect(v).toBeCloseTo(rowSum[j]!, 4);
      });
    }
    expect(gradcheck((a, b) => a!.matmul(b!.transpose()), [x, w]).ok).toBe(true);
    const z = randn([2, 4, 5], { requiresGrad: true });
    expect(gradcheck((a, b) => b!.transpose().matmul(a!), [z, w]).ok).toBe(true); // wᵀ first: [3,4]·[2,4,5]
  });
});
