// Backward rules of the factorisations (real case), as PyTorch derives them (FunctionsManual.cpp:
// linalg_eig_backward, linalg_qr_backward, svd_backward). Each is undefined where the factorisation
// is not differentiable: repeated eigenvalues / singular values, rank-deficient R.
import { eye } from '../creation.js';
import { where } from '../ops/elementwise.js';
import { cat } from '../ops/indexing.js';
import type { Tensor } from '../tensor.js';
import { identity, luFactor, luSolve } from './lu.js';
import { matrixOf, readMatrices, writeMatrices } from './matrices.js';

const mT = (t: Tensor): Tensor => t.transpose(-1, -2);

/** 1 / (x_j − x_i) off the diagonal, as a matrix to multiply by; 0 on the diagonal. */
function inverseGaps(x: Tensor): Tensor {
  const n = x.shape[x.ndim - 1]!;
  const identity = eye(n);
  return identity
    .sub(1)
    .neg()
    .div(x.unsqueeze(-2).sub(x.unsqueeze(-1)).add(identity));
}

/**
 * term ∘ factor, but 0 wherever term is 0. An output that does not reach the loss has a zero
 * gradient, and its term must stay zero even where factor is infinite (repeated eigenvalues or
 * singular values, zero singular values) instead of becoming 0·∞ = NaN; PyTorch skips such terms.
 */
function scaleNonzero(term: Tensor, factor: Tensor): Tensor {
  return where(term.eq(0), 0, term.mul(factor));
}

/**
 * eigh: A = V·diag(λ)·Vᵀ. G_A = V·(diag(g_λ) + F ∘ ½(VᵀG_V − G_VᵀV))·Vᵀ with F_ij = 1/(λ_j − λ_i),
 * symmetric because eigh reads only A's symmetric part.
 */
export function eighBackward([gValues, gVectors]: Tensor[], [values, vectors]: Tensor[]): Tensor {
  const n = values!.shape[values!.ndim - 1]!;
  const m = mT(vectors!).matmul(gVectors!);
  const skew = m.sub(mT(m)).mul(0.5);
  const inner = scaleNonzero(skew, inverseGaps(values!)).add(eye(n).mul(gValues!.unsqueeze(-1)));
  return vectors!.matmul(inner).matmul(mT(vectors!));
}

/** R⁻¹ of a batch of square matrices (in float64 by LU, no graph). */
function inverseOf(r: Tensor): Tensor {
  const { batch, rows: n, matrices } = readMatrices('qr backward', r, true);
  return writeMatrices(
    batch,
    [n, n],
    matrices.map((m) => luSolve(luFactor(m, n), identity(n), n)),
  );
}

/** QR backward for m ≥ n: G_A = (G_Q + Q·copyUpper(G_R·Rᵀ − QᵀG_Q))·R⁻ᵀ, copyUpper mirroring the upper triangle. */
function tallQRBackward(q: Tensor, r: Tensor, gQ: Tensor, gR: Tensor): Tensor {
  const n = r.shape[r.ndim - 1]!;
  const m = gR.matmul(mT(r)).sub(mT(q).matmul(gQ));
  const upper = m.mul(matrixOf(n, (i, j) => (i <= j ? 1 : 0)));
  const symmetric = upper.add(mT(upper)).sub(m.mul(eye(n)));
  return q
    .matmul(symmetric)
    .add(gQ)
    .matmul(mT(inverseOf(r)));
}

/**
 * qr: A = Q·R. Tall or square A as {@link tallQRBackward}; wide A = [X | Y] is X = Q·U (square)
 * and Y = Q·V, so G_Y = Q·G_V and X's rule sees G_Q + Y·G_Vᵀ.
 */
export function qrBackward([gQ, gR]: Tensor[], [q, r]: Tensor[]): Tensor {
  const m = q!.shape[q!.ndim - 2]!;
  const n = r!.shape[r!.ndim - 1]!;
  if (m >= n) return tallQRBackward(q!, r!, gQ!, gR!);
  const gV = gR!.slice(-1, m);
  const y = q!.matmul(r!.slice(-1, m)); // A's last n − m columns, rebuilt rather than kept alive
  const gX = tallQRBackward(q!, r!.slice(-1, 0, m), gQ!.add(y.matmul(mT(gV))), gR!.slice(-1, 0, m));
  return cat([gX, q!.matmul(gV)], -1);
}

/**
 * svd: A = U·diag(S)·Vh. G_A = U·[(F ∘ skew(UᵀG_U))·S + S·(F ∘ skew(VᵀG_V)) + diag(G_S)]·Vh
 * + (I − UUᵀ)·G_U·S⁻¹·Vh + U·S⁻¹·G_Vᵀ·(I − VVᵀ), with skew(X) = X − Xᵀ and F_ij = 1/(S_j² − S_i²).
 */
export function svdBackward([gU, gS, gVh]: Tensor[], [u, s, vh]: Tensor[]): Tensor {
  const m = u!.shape[u!.ndim - 2]!;
  const n = vh!.shape[vh!.ndim - 1]!;
  const k = s!.shape[s!.ndim - 1]!;
  const v = mT(vh!);
  const gV = mT(gVh!);
  const f = inverseGaps(s!.square());
  const uTgU = mT(u!).matmul(gU!);
  const vTgV = vh!.matmul(gV);
  const inner = scaleNonzero(uTgU.sub(mT(uTgU)), f)
    .mul(s!.unsqueeze(-2))
    .add(s!.unsqueeze(-1).mul(scaleNonzero(vTgV.sub(mT(vTgV)), f)))
    .add(eye(k).mul(gS!.unsqueeze(-1)));
  let gA = u!.matmul(inner).matmul(vh!);
  const sInverseRow = s!.reciprocal().unsqueeze(-2);
  if (m > k) gA = gA.add(scaleNonzero(gU!.sub(u!.matmul(uTgU)), sInverseRow).matmul(vh!));
  if (n > k) gA = gA.add(u!.matmul(mT(scaleNonzero(gV.sub(v.matmul(vTgV)), sInverseRow))));
  return gA;
}
