// The linalg namespace: norms, determinants, inverses, solves and factorisations, with PyTorch's
// names (torch.linalg). Factorisations run in float64 in JavaScript (see decompositions.ts).
import { record } from '../autograd.js';
import { formatShape, normalizeDims } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { choleskyFactor, householderQR, jacobiSVD, symmetricEigen } from './decompositions.js';
import { eighBackward, qrBackward, svdBackward } from './factorization-grads.js';
import { identity, luDet, luFactor, luSolve } from './lu.js';
import { matrixOf, readMatrices, writeMatrices } from './matrices.js';
import { multiOutput } from './multi-output.js';

/**
 * Vector norm over `dim` (all elements if omitted): ord 2 (default), 1, Infinity, −Infinity, 0
 * (count of nonzeros) or any p. The gradient of the 2-norm at zero is zero (a subgradient).
 *
 * @example linalg.vectorNorm(tensor([3, 4])).item(); // 5
 */
export function vectorNorm(x: Tensor, ord = 2, dim?: number | readonly number[], keepDim = false): Tensor {
  x._check('vectorNorm');
  const dims = normalizeDims('vectorNorm', dim, x.ndim);
  if (ord === 2) {
    const out = x.detach().square().sum(dims, keepDim).sqrt();
    record(out, 'vectorNorm', [x], [x, out], (gy, [xs, norm]) => {
      const keep = xs!.shape.map((d, i) => (dims.includes(i) ? 1 : d));
      const n = norm!.reshape(keep);
      const safe = n.add(n.eq(0)); // avoid 0/0: the gradient is 0 where the norm is 0
      return [xs!.div(safe).mul(gy.reshape(keep))];
    });
    return out;
  }
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
  const { batch, rows: n, matrices } = readMatrices('det', a, true);
  const values = matrices.map((m) => Float64Array.of(n === 0 ? 1 : luDet(luFactor(m, n))));
  const out = writeMatrices(batch, [], values);
  record(out, 'det', [a], [a, out], (gy, [as, d]) => [
    inv(as!).transpose(-1, -2).mul(d!.mul(gy).unsqueeze(-1).unsqueeze(-1)),
  ]);
  return out;
}

/**
 * Inverse of square matrices. Throws for a singular matrix. Gradient: −A⁻ᵀ·G·A⁻ᵀ.
 *
 * @example linalg.inv(tensor([[2, 0], [0, 4]])).toArray(); // [[0.5, 0], [0, 0.25]]
 */
export function inv(a: Tensor): Tensor {
  const { batch, rows: n, matrices } = readMatrices('inv', a, true);
  const inverses = matrices.map((m, b) => {
    const f = luFactor(m, n);
    if (f.singular)
      throw new RangeError(`inv: matrix ${b} of the batch (shape ${formatShape(a.shape)}) is singular`);
    return luSolve(f, identity(n), n);
  });
  const out = writeMatrices(batch, [n, n], inverses);
  record(out, 'inv', [a], [out], (gy, [y]) => {
    const yt = y!.transpose(-1, -2);
    return [yt.matmul(gy).matmul(yt).neg()];
  });
  return out;
}

/**
 * Solves A·X = B for X. A is [..., n, n]; B is [..., n, k] or a vector [n]. Throws for singular A.
 * Gradients: G_B = A⁻ᵀ·G_X, G_A = −G_B·Xᵀ.
 *
 * @example linalg.solve(tensor([[3, 1], [1, 2]]), tensor([9, 8])).toArray(); // [2, 3]
 */
export function solve(a: Tensor, b: Tensor): Tensor {
  b._check('solve');
  const vector = b.ndim === 1;
  const bm = vector ? b.unsqueeze(-1) : b;
  const A = readMatrices('solve', a, true);
  const B = readMatrices('solve', bm);
  const n = A.rows;
  if (B.rows !== n)
    throw new RangeError(
      `solve: A of shape ${formatShape(a.shape)} and B of shape ${formatShape(b.shape)} are not aligned (${n} != ${B.rows})`,
    );
  if (A.matrices.length !== B.matrices.length && A.matrices.length !== 1 && B.matrices.length !== 1) {
    throw new RangeError(
      `solve: batch shapes of A ${formatShape(a.shape)} and B ${formatShape(b.shape)} differ`,
    );
  }
  const count = Math.max(A.matrices.length, B.matrices.length);
  const batch = A.matrices.length >= B.matrices.length ? A.batch : B.batch;
  const factors = A.matrices.map((m, i) => {
    const f = luFactor(m, n);
    if (f.singular)
      throw new RangeError(`solve: matrix ${i} of A (shape ${formatShape(a.shape)}) is singular`);
    return f;
  });
  const solutions = Array.from({ length: count }, (_, i) =>
    luSolve(factors[factors.length === 1 ? 0 : i]!, B.matrices[B.matrices.length === 1 ? 0 : i]!, B.cols),
  );
  let out = writeMatrices(batch, [n, B.cols], solutions);
  record(out, 'solve', [a, bm], [a, out], (gy, [as, x]) => {
    const gb = solve(as!.transpose(-1, -2), gy);
    const ga = gb.matmul(x!.transpose(-1, -2)).neg();
    return [reduceBatch(ga, as!.shape), reduceBatch(gb, bm.shape)];
  });
  if (vector) out = out.squeeze(-1);
  return out;
}

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
  const { batch, rows: n, matrices } = readMatrices('cholesky', a, true);
  const factors = matrices.map((m, b) => {
    const l = choleskyFactor(m, n);
    if (l === null)
      throw new RangeError(
        `cholesky: matrix ${b} of the batch (shape ${formatShape(a.shape)}) is not positive definite`,
      );
    return l;
  });
  const out = writeMatrices(batch, [n, n], factors);
  record(out, 'cholesky', [a], [out], (gy, [l]) => {
    const lt = l!.transpose(-1, -2);
    const p = lt.matmul(gy);
    const phi = p.mul(matrixOf(n, (i, j) => (i > j ? 1 : i === j ? 0.5 : 0)));
    const lInv = inv(l!);
    const s = lInv.transpose(-1, -2).matmul(phi).matmul(lInv);
    return [s.add(s.transpose(-1, -2)).mul(0.5)];
  });
  return out;
}

/**
 * Reduced QR: A = Q·R with Q [..., m, k] orthonormal columns and R [..., k, n] upper triangular
 * with a non-negative diagonal, k = min(m, n). Differentiable where R is invertible (full-rank A).
 *
 * @example const { Q, R } = linalg.qr(A);
 */
export function qr(a: Tensor): { Q: Tensor; R: Tensor } {
  const { batch, rows: m, cols: n, matrices } = readMatrices('qr', a);
  const k = Math.min(m, n);
  const parts = matrices.map((mat) => householderQR(mat, m, n));
  const [Q, R] = multiOutput(
    'qr',
    a,
    batch,
    [
      [m, k],
      [k, n],
    ],
    [parts.map((p) => p.q), parts.map((p) => p.r)],
    qrBackward,
  );
  return { Q: Q!, R: R! };
}

/**
 * Eigenvalues (ascending) and eigenvectors (columns) of symmetric matrices — e.g. a covariance
 * matrix for PCA. Only the matrix's symmetric part is used. Differentiable where the eigenvalues
 * are distinct (the gradient through eigenvectors is infinite at repeated eigenvalues, as in PyTorch).
 *
 * @example const { eigenvalues, eigenvectors } = linalg.eigh(cov);
 */
export function eigh(a: Tensor): { eigenvalues: Tensor; eigenvectors: Tensor } {
  const { batch, rows: n, matrices } = readMatrices('eigh', a, true);
  const parts = matrices.map((m) => {
    const sym = Float64Array.from(m, (_, i) => (m[i]! + m[(i % n) * n + Math.floor(i / n)]!) / 2);
    return symmetricEigen(sym, n);
  });
  const [eigenvalues, eigenvectors] = multiOutput(
    'eigh',
    a,
    batch,
    [[n], [n, n]],
    [parts.map((p) => p.values), parts.map((p) => p.vectors)],
    eighBackward,
  );
  return { eigenvalues: eigenvalues!, eigenvectors: eigenvectors! };
}

/**
 * Reduced singular value decomposition A = U·diag(S)·Vh, singular values descending.
 * Differentiable where the singular values are distinct and nonzero (as in PyTorch).
 *
 * @example const { U, S, Vh } = linalg.svd(A);
 */
export function svd(a: Tensor): { U: Tensor; S: Tensor; Vh: Tensor } {
  const { batch, rows: m, cols: n, matrices } = readMatrices('svd', a);
  const k = Math.min(m, n);
  const parts = matrices.map((mat) => jacobiSVD(mat, m, n));
  const [U, S, Vh] = multiOutput(
    'svd',
    a,
    batch,
    [[m, k], [k], [k, n]],
    [parts.map((p) => p.u), parts.map((p) => p.s), parts.map((p) => p.vt)],
    svdBackward,
  );
  return { U: U!, S: S!, Vh: Vh! };
}
