// The linalg namespace: norms, determinants, inverses, solves and factorisations, with PyTorch's
// names (torch.linalg). Factorisations run in float64 in JavaScript (see decompositions.ts).
import { defineOp } from '../ops/define.js';
import { formatShape, normalizeDims } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { choleskyFactor, householderQR, jacobiSVD, symmetricEigen } from './decompositions.js';
import { eighBackward, qrBackward, svdBackward } from './factorization-grads.js';
import { identity, luDet, luFactor, luSolve } from './lu.js';
import { matrixOf, readMatrices, writeMatrices } from './matrices.js';
import { defineFactorisation } from './multi-output.js';

/** The 2-norm over `dims`, with a gradient that is 0 (a subgradient) where the norm is 0. */
const vectorNorm2 = defineOp<{ readonly dims: readonly number[]; readonly keepDim: boolean }>({
  name: 'vectorNorm',
  forward: ([x], { dims, keepDim }) => x!.square().sum(dims, keepDim).sqrt(),
  save: ([x], [out]) => [x!, out!],
  backward({ grads: [gy], saved: [xs, norm], attrs: { dims } }) {
    const keep = xs!.shape.map((d, i) => (dims.includes(i) ? 1 : d));
    const n = norm!.reshape(keep);
    const safe = n.add(n.eq(0)); // avoid 0/0: the gradient is 0 where the norm is 0
    return [xs!.div(safe).mul(gy!.reshape(keep))];
  },
});

/**
 * Vector norm over `dim` (all elements if omitted): ord 2 (default), 1, Infinity, −Infinity, 0
 * (count of nonzeros) or any p. The gradient of the 2-norm at zero is zero (a subgradient).
 *
 * @example linalg.vectorNorm(tensor([3, 4])).item(); // 5
 */
export function vectorNorm(x: Tensor, ord = 2, dim?: number | readonly number[], keepDim = false): Tensor {
  x._check('vectorNorm');
  const dims = normalizeDims('vectorNorm', dim, x.ndim);
  if (ord === 2) return vectorNorm2([x], { dims, keepDim })[0]!;
  const a = x.abs();
  if (ord === Infinity) return a.max(dims, keepDim);
  if (ord === -Infinity) return a.min(dims, keepDim);
  if (ord === 0) return a.ne(0).sum(dims, keepDim);
  if (ord === 1) return a.sum(dims, keepDim);
  if (!Number.isFinite(ord) || ord <= 0)
    throw new RangeError(`vectorNorm: ord must be > 0, 0 or ±Infinity, got ${ord}`);
  return a
    .pow(ord)
    .sum(dims, keepDim)
    .pow(1 / ord);
}

/**
 * `norm(x)`: the 2-norm of all elements (Frobenius for matrices); `ord` and `dim` as {@link vectorNorm}.
 *
 * @example linalg.norm(tensor([[1, 2], [2, 4]])).item(); // 5
 */
export function norm(
  x: Tensor,
  ord: number | 'fro' = 2,
  dim?: number | readonly number[],
  keepDim = false,
): Tensor {
  return vectorNorm(x, ord === 'fro' ? 2 : ord, dim, keepDim);
}

/**
 * Determinant of square matrices ([..., n, n]), by LU with partial pivoting in float64. Gradient:
 * det(A)·A⁻ᵀ (undefined for singular A).
 *
 * @example linalg.det(tensor([[1, 2], [3, 4]])).item(); // -2
 */
export function det(a: Tensor): Tensor {
  return detOp([a], {})[0]!;
}

const detOp = defineOp<Record<string, never>>({
  name: 'det',
  forward([a]) {
    const { batch, rows: n, matrices } = readMatrices('det', a!, true);
    const values = matrices.map((m) => Float64Array.of(n === 0 ? 1 : luDet(luFactor(m, n))));
    return writeMatrices(batch, [], values);
  },
  save: ([a], [out]) => [a!, out!],
  backward: ({ grads: [gy], saved: [as, d] }) => [
    inv(as!).transpose(-1, -2).mul(d!.mul(gy!).unsqueeze(-1).unsqueeze(-1)),
  ],
});

/**
 * Inverse of square matrices. Throws for a singular matrix. Gradient: −A⁻ᵀ·G·A⁻ᵀ.
 *
 * @example linalg.inv(tensor([[2, 0], [0, 4]])).toArray(); // [[0.5, 0], [0, 0.25]]
 */
export function inv(a: Tensor): Tensor {
  return invOp([a], {})[0]!;
}

const invOp = defineOp<Record<string, never>>({
  name: 'inv',
  forward([a]) {
    const { batch, rows: n, matrices } = readMatrices('inv', a!, true);
    const inverses = matrices.map((m, b) => {
      const f = luFactor(m, n);
      if (f.singular)
        throw new RangeError(`inv: matrix ${b} of the batch (shape ${formatShape(a!.shape)}) is singular`);
      return luSolve(f, identity(n), n);
    });
    return writeMatrices(batch, [n, n], inverses);
  },
  save: (_, [out]) => [out!],
  backward({ grads: [gy], saved: [y] }) {
    const yt = y!.transpose(-1, -2);
    return [yt.matmul(gy!).matmul(yt).neg()];
  },
});

/**
 * Solves A·X = B for X. A is [..., n, n]; B is [..., n, k] or a vector [n]. Throws for singular A.
 * Gradients: G_B = A⁻ᵀ·G_X, G_A = −G_B·Xᵀ.
 *
 * @example linalg.solve(tensor([[3, 1], [1, 2]]), tensor([9, 8])).toArray(); // [2, 3]
 */
export function solve(a: Tensor, b: Tensor): Tensor {
  a._check('solve');
  b._check('solve');
  const vector = b.ndim === 1;
  const n = a.shape[a.ndim - 1];
  const rows = vector ? b.shape[0] : b.shape[b.ndim - 2];
  if (a.ndim >= 2 && b.ndim >= 1 && rows !== n)
    throw new RangeError(
      `solve: A of shape ${formatShape(a.shape)} and B of shape ${formatShape(b.shape)} are not aligned (${n} != ${rows})`,
    );
  const out = solveOp([a, vector ? b.unsqueeze(-1) : b], {})[0]!;
  return vector ? out.squeeze(-1) : out;
}

/** A·X = B for matrices B ([..., n, k]). */
const solveOp = defineOp<Record<string, never>>({
  name: 'solve',
  forward([a, b]) {
    const A = readMatrices('solve', a!, true);
    const B = readMatrices('solve', b!);
    const n = A.rows;
    if (B.rows !== n)
      throw new RangeError(
        `solve: A of shape ${formatShape(a!.shape)} and B of shape ${formatShape(b!.shape)} are not aligned (${n} != ${B.rows})`,
      );
    if (A.matrices.length !== B.matrices.length && A.matrices.length !== 1 && B.matrices.length !== 1) {
      throw new RangeError(
        `solve: batch shapes of A ${formatShape(a!.shape)} and B ${formatShape(b!.shape)} differ`,
      );
    }
    const count = Math.max(A.matrices.length, B.matrices.length);
    const batch = A.matrices.length >= B.matrices.length ? A.batch : B.batch;
    const factors = A.matrices.map((m, i) => {
      const f = luFactor(m, n);
      if (f.singular)
        throw new RangeError(`solve: matrix ${i} of A (shape ${formatShape(a!.shape)}) is singular`);
      return f;
    });
    const solutions = Array.from({ length: count }, (_, i) =>
      luSolve(factors[factors.length === 1 ? 0 : i]!, B.matrices[B.matrices.length === 1 ? 0 : i]!, B.cols),
    );
    return writeMatrices(batch, [n, B.cols], solutions);
  },
  save: ([a], [out]) => [a!, out!],
  backward({ grads: [gy], saved: [as, x], needs, inputs: [, b] }) {
    const gb = solve(as!.transpose(-1, -2), gy!);
    const ga = needs[0] ? reduceBatch(gb.matmul(x!.transpose(-1, -2)).neg(), as!.shape) : null;
    return [ga, needs[1] ? reduceBatch(gb, b!.shape) : null];
  },
});

/** Sums a batched gradient over batch dimensions its input did not have (broadcast batches). */
function reduceBatch(g: Tensor, shape: readonly number[]): Tensor {
  return g.ndim > shape.length ? g.sum([...Array(g.ndim - shape.length).keys()]) : g;
}

/**
 * Cholesky factor L (lower triangular, A = L·Lᵀ) of symmetric positive-definite matrices. Throws if
 * a matrix is not positive definite. Differentiable (Murray 2016): with Φ = lower triangle with the
 * diagonal halved, G_A = sym(L⁻ᵀ·Φ(Lᵀ·G_L)·L⁻¹).
 *
 * @example linalg.cholesky(tensor([[4, 2], [2, 3]])).toArray(); // [[2, 0], [1, 1.4142]]
 */
export function cholesky(a: Tensor): Tensor {
  return choleskyOp([a], {})[0]!;
}

const choleskyOp = defineOp<Record<string, never>>({
  name: 'cholesky',
  forward([a]) {
    const { batch, rows: n, matrices } = readMatrices('cholesky', a!, true);
    const factors = matrices.map((m, b) => {
      const l = choleskyFactor(m, n);
      if (l === null)
        throw new RangeError(
          `cholesky: matrix ${b} of the batch (shape ${formatShape(a!.shape)}) is not positive definite`,
        );
      return l;
    });
    return writeMatrices(batch, [n, n], factors);
  },
  save: (_, [out]) => [out!],
  backward({ grads: [gy], saved: [l] }) {
    const n = l!.shape[l!.ndim - 1]!;
    const lt = l!.transpose(-1, -2);
    const p = lt.matmul(gy!);
    const phi = p.mul(matrixOf(n, (i, j) => (i > j ? 1 : i === j ? 0.5 : 0)));
    const lInv = inv(l!);
    const s = lInv.transpose(-1, -2).matmul(phi).matmul(lInv);
    return [s.add(s.transpose(-1, -2)).mul(0.5)];
  },
});

const qrOp = defineFactorisation(
  'qr',
  false,
  ({ rows: m, cols: n, matrices }) => {
    const k = Math.min(m, n);
    const parts = matrices.map((mat) => householderQR(mat, m, n));
    return {
      shapes: [
        [m, k],
        [k, n],
      ],
      values: [parts.map((p) => p.q), parts.map((p) => p.r)],
    };
  },
  qrBackward,
);

/**
 * Reduced QR: A = Q·R with Q [..., m, k] orthonormal columns and R [..., k, n] upper triangular
 * with a non-negative diagonal, k = min(m, n). Differentiable where R is invertible (full-rank A).
 *
 * @example const { Q, R } = linalg.qr(A);
 */
export function qr(a: Tensor): { Q: Tensor; R: Tensor } {
  const [Q, R] = qrOp(a);
  return { Q: Q!, R: R! };
}

const eighOp = defineFactorisation(
  'eigh',
  true,
  ({ rows: n, matrices }) => {
    const parts = matrices.map((m) => {
      const sym = Float64Array.from(m, (_, i) => (m[i]! + m[(i % n) * n + Math.floor(i / n)]!) / 2);
      return symmetricEigen(sym, n);
    });
    return { shapes: [[n], [n, n]], values: [parts.map((p) => p.values), parts.map((p) => p.vectors)] };
  },
  eighBackward,
);

/**
 * Eigenvalues (ascending) and eigenvectors (columns) of symmetric matrices — e.g. a covariance
 * matrix for PCA. Only the matrix's symmetric part is used. Differentiable where the eigenvalues
 * are distinct (the gradient through eigenvectors is infinite at repeated eigenvalues, as in PyTorch).
 *
 * @example const { eigenvalues, eigenvectors } = linalg.eigh(cov);
 */
export function eigh(a: Tensor): { eigenvalues: Tensor; eigenvectors: Tensor } {
  const [eigenvalues, eigenvectors] = eighOp(a);
  return { eigenvalues: eigenvalues!, eigenvectors: eigenvectors! };
}

const svdOp = defineFactorisation(
  'svd',
  false,
  ({ rows: m, cols: n, matrices }) => {
    const k = Math.min(m, n);
    const parts = matrices.map((mat) => jacobiSVD(mat, m, n));
    return {
      shapes: [[m, k], [k], [k, n]],
      values: [parts.map((p) => p.u), parts.map((p) => p.s), parts.map((p) => p.vt)],
    };
  },
  svdBackward,
);

/**
 * Reduced singular value decomposition A = U·diag(S)·Vh, singular values descending.
 * Differentiable where the singular values are distinct and nonzero (as in PyTorch).
 *
 * @example const { U, S, Vh } = linalg.svd(A);
 */
export function svd(a: Tensor): { U: Tensor; S: Tensor; Vh: Tensor } {
  const [U, S, Vh] = svdOp(a);
  return { U: U!, S: S!, Vh: Vh! };
}
export { cross, eig, eigvals, matrixRank, rowEchelon } from './teaching.js';
