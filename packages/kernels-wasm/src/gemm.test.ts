import { describe, expect, it } from 'vitest';
import type { Kernels } from './kernels.js';
import { loadAllVariants, put, take } from './testing/harness.js';
import { mulberry32, randomInt, uniform } from './testing/random.js';

interface Problem {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
}

/**
 * Runs one (batched) SGEMM in the kernels and checks every element of C against float64, within
 * the classic bound |error| ≤ (k + 2)·u·Σ|a||b| (u = 2⁻²⁴) plus the rounding of beta·C.
 */
function check(
  kernels: Kernels,
  p: Problem,
  options: { batch?: number; beta?: number; broadcastB?: boolean; pad?: number } = {},
) {
  const { m, n, k, transA, transB } = p;
  const { batch = 1, beta = 0, broadcastB = false, pad = 0 } = options;
  const random = mulberry32(m * 7 + n * 13 + k * 17 + batch);
  // Stored shapes, with `pad` extra columns to exercise leading dimensions larger than the width.
  const aRows = transA ? k : m;
  const aCols = transA ? m : k;
  const bRows = transB ? n : k;
  const bCols = transB ? k : n;
  const lda = aCols + pad;
  const ldb = bCols + pad;
  const a = uniform(random, batch * aRows * lda, -1, 1);
  const bBatches = broadcastB ? 1 : batch;
  const b = uniform(random, bBatches * bRows * ldb, -1, 1);
  const c0 = uniform(random, batch * m * n, -1, 1);
  const pc = put(kernels, c0);
  kernels.sgemm({
    m,
    n,
    k,
    transA,
    transB,
    beta,
    batch,
    lda,
    ldb,
    a: put(kernels, a, 1),
    b: put(kernels, b, 2),
    c: pc,
    strideA: aRows * lda,
    strideB: broadcastB ? 0 : bRows * ldb,
  });
  const got = take(kernels, pc, batch * m * n);
  const u = 2 ** -24;
  for (let q = 0; q < batch; q++) {
    const A = (i: number, l: number) => a[q * aRows * lda + (transA ? l * lda + i : i * lda + l)]!;
    const bq = broadcastB ? 0 : q;
    const B = (l: number, j: number) => b[bq * bRows * ldb + (transB ? j * ldb + l : l * ldb + j)]!;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        let bound = 0;
        for (let l = 0; l < k; l++) {
          sum += A(i, l) * B(l, j);
          bound += Math.abs(A(i, l) * B(l, j));
        }
        const at = q * m * n + i * n + j;
        const prior = c0[at]!;
        const want = sum + beta * prior;
        const tolerance = (k + 2) * u * bound + 2 * u * Math.abs(beta * prior) + 1e-30;
        const error = Math.abs(got[at]! - want);
        if (!(error <= tolerance)) {
          throw new Error(
            `sgemm ${JSON.stringify({ ...p, ...options })}: C[${q}][${i}][${j}] = ${got[at]}, expected ${want} ` +
              `(error ${error} > bound ${tolerance})`,
          );
        }
      }
    }
  }
}

const variants = await loadAllVariants();
const TRANSPOSES = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;

describe.each(variants.map((kernels) => [kernels.variant, kernels] as const))(
  'sgemm (%s build)',
  (_, kernels) => {
    for (const [transA, transB] of TRANSPOSES) {
      const op = `${transA ? 'Aᵀ' : 'A'}·${transB ? 'Bᵀ' : 'B'}`;

      it(`${op}: tile edges — every m, n in 1..9 with k in {1, 3, 4, 5}`, () => {
        for (let m = 1; m <= 9; m++)
          for (let n = 1; n <= 9; n++)
            for (const k of [1, 3, 4, 5]) check(kernels, { m, n, k, transA, transB });
      });

      it(`${op}: random shapes, including K beyond one block (256) and M beyond one block (96)`, () => {
        const random = mulberry32(transA ? (transB ? 4 : 3) : transB ? 2 : 1);
        for (let t = 0; t < 12; t++) {
          check(kernels, {
            m: randomInt(random, 1, 130),
            n: randomInt(random, 1, 70),
            k: randomInt(random, 1, 300),
            transA,
            transB,
          });
        }
      });

      it(`${op}: leading dimensions larger than the matrix width`, () => {
        check(kernels, { m: 13, n: 11, k: 7, transA, transB }, { pad: 5 });
      });

      it(`${op}: batched, with beta = 1 accumulation and a broadcast B`, () => {
        check(kernels, { m: 6, n: 10, k: 5, transA, transB }, { batch: 3 });
        check(kernels, { m: 5, n: 9, k: 6, transA, transB }, { batch: 2, beta: 1 });
        check(kernels, { m: 7, n: 3, k: 4, transA, transB }, { batch: 4, broadcastB: true });
      });
    }

    it('small-M direct path (B read in place) at conv shapes, and both sides of its M limit (512)', () => {
      check(kernels, { m: 6, n: 196, k: 25, transA: false, transB: false }, { batch: 2 });
      check(kernels, { m: 150, n: 100, k: 16, transA: true, transB: false });
      check(kernels, { m: 7, n: 21, k: 13, transA: true, transB: false }, { pad: 3, beta: 1 });
      for (const m of [512, 513]) check(kernels, { m, n: 9, k: 5, transA: false, transB: false });
    });

    it('N beyond one block (1024 columns)', () => {
      check(kernels, { m: 5, n: 1030, k: 3, transA: false, transB: false });
      check(kernels, { m: 5, n: 1030, k: 3, transA: false, transB: true });
    });

    it('beta scales C, and k = 0 leaves beta·C', () => {
      check(kernels, { m: 4, n: 5, k: 6, transA: false, transB: false }, { beta: 0.5 });
      check(kernels, { m: 4, n: 5, k: 0, transA: false, transB: false }, { beta: 1 });
      check(kernels, { m: 4, n: 5, k: 0, transA: false, transB: false }, { beta: 0 });
    });

    it('beta = 0 overwrites C without reading it (NaN in C does not leak)', () => {
      const c = put(kernels, new Float32Array(6).fill(Number.NaN));
      kernels.sgemm({ m: 2, n: 3, k: 1, a: put(kernels, [1, 2]), b: put(kernels, [1, 1, 1]), c });
      expect(Array.from(take(kernels, c, 6))).toEqual([1, 1, 1, 2, 2, 2]);
    });

    it('m = 0 or n = 0 writes nothing', () => {
      const c = put(kernels, [7]);
      kernels.sgemm({ m: 0, n: 3, k: 2, a: put(kernels, [1]), b: put(kernels, [1, 1, 1, 1, 1, 1]), c });
      kernels.sgemm({ m: 3, n: 0, k: 2, a: put(kernels, [1, 1, 1, 1, 1, 1]), b: put(kernels, [1]), c });
      expect(take(kernels, c, 1)[0]).toBe(7);
    });
  },
);

/**
 * Runs sgemmNTSum (C = Σ_p A[p]·B[p]ᵀ + beta·C) and checks every element of C against float64 with
 * the same bound as `check`, over the batch·k products each element sums.
 */
function checkNTSum(
  kernels: Kernels,
  {
    m,
    n,
    k,
    batch,
    beta = 0,
    pad = 0,
  }: { m: number; n: number; k: number; batch: number; beta?: number; pad?: number },
) {
  const random = mulberry32(m * 7 + n * 13 + k * 17 + batch * 19 + pad);
  const ld = k + pad;
  const a = uniform(random, batch * m * ld, -1, 1);
  const b = uniform(random, batch * n * ld, -1, 1);
  // With beta 0, NaN in C must not leak (C is overwritten without being read).
  const c0 = beta === 0 ? new Float32Array(m * n).fill(Number.NaN) : uniform(random, m * n, -1, 1);
  const pc = put(kernels, c0);
  kernels.sgemmNTSum({
    m,
    n,
    k,
    beta,
    batch,
    lda: ld,
    ldb: ld,
    a: put(kernels, a, 1),
    b: put(kernels, b, 3),
    c: pc,
    strideA: m * ld,
    strideB: n * ld,
  });
  const got = take(kernels, pc, m * n);
  const u = 2 ** -24;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      let bound = 0;
      for (let q = 0; q < batch; q++) {
        for (let l = 0; l < k; l++) {
          const product = a[(q * m + i) * ld + l]! * b[(q * n + j) * ld + l]!;
          sum += product;
          bound += Math.abs(product);
        }
      }
      const want = sum + (beta === 0 ? 0 : beta * c0[i * n + j]!);
      const tolerance = (batch * k + 2) * u * (bound + Math.abs(want)) + 1e-30;
      const error = Math.abs(got[i * n + j]! - want);
      if (!(error <= tolerance)) {
        throw new Error(
          `sgemmNTSum ${JSON.stringify({ m, n, k, batch, beta, pad })}: C[${i}][${j}] = ${got[i * n + j]}, ` +
            `expected ${want} (error ${error} > bound ${tolerance})`,
        );
      }
    }
  }
}

describe.each(variants.map((kernels) => [kernels.variant, kernels] as const))(
  'sgemmNTSum (%s build)',
  (_, kernels) => {
    it('tile edges — every m in 1..5, n in 1..9, k in {1, 3, 4, 5, 9}, over 1 and 3 images', () => {
      for (let m = 1; m <= 5; m++)
        for (let n = 1; n <= 9; n++)
          for (const k of [1, 3, 4, 5, 9])
            for (const batch of [1, 3]) checkNTSum(kernels, { m, n, k, batch });
    });

    it("LeNet's weight-gradient shapes, beta = 1 accumulation and leading dimensions beyond k", () => {
      checkNTSum(kernels, { m: 6, n: 25, k: 784, batch: 4 });
      checkNTSum(kernels, { m: 16, n: 150, k: 100, batch: 3 });
      checkNTSum(kernels, { m: 7, n: 6, k: 11, batch: 2, beta: 1 });
      checkNTSum(kernels, { m: 3, n: 5, k: 6, batch: 2, pad: 3 });
    });

    it('an empty batch or k = 0 zeroes C (beta 0) or leaves it (beta 1); m = 0 writes nothing', () => {
      const c = put(kernels, [7, 7]);
      kernels.sgemmNTSum({
        m: 1,
        n: 2,
        k: 3,
        a: put(kernels, [1, 1, 1]),
        b: put(kernels, [1]),
        c,
        batch: 0,
        beta: 1,
      });
      expect(Array.from(take(kernels, c, 2))).toEqual([7, 7]);
      kernels.sgemmNTSum({ m: 0, n: 2, k: 3, a: put(kernels, [1]), b: put(kernels, [1]), c });
      expect(Array.from(take(kernels, c, 2))).toEqual([7, 7]);
      kernels.sgemmNTSum({ m: 1, n: 2, k: 0, a: put(kernels, [1]), b: put(kernels, [1]), c });
      expect(Array.from(take(kernels, c, 2))).toEqual([0, 0]);
    });
  },
);
