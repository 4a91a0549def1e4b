// Linear algebra the course notes teach by hand: cross products, rank, row reduction and the
// eigen-decomposition of general (non-symmetric) real matrices. The elimination and eigenvalue
// routines run in float64 in JavaScript, like the other factorisations (see decompositions.ts).
import { checkOptions, describeValue } from '../errors.js';
import { broadcastShapes, formatShape, normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { householderQR, jacobiSVD } from './decompositions.js';
import { readMatrices, writeMatrices } from './matrices.js';

/** Machine epsilon of float32, the precision of the tensors' values. */
const FLOAT32_EPS = 2 ** -23;

/**
 * Cross product of 3-vectors along `dim` (default −1), broadcasting `a` and `b` like PyTorch's
 * `torch.linalg.cross`. Composed of differentiable ops, so gradients flow to both inputs.
 *
 * @example linalg.cross(tensor([1, 0, 0]), tensor([0, 1, 0])).toArray(); // [0, 0, 1]
 */
export function cross(a: Tensor, b: Tensor, options?: { dim?: number }): Tensor {
  a._check('cross');
  b._check('cross');
  checkOptions('cross', options, ['dim']);
  const rawDim = options?.dim ?? -1;
  if (!Number.isInteger(rawDim))
    throw new TypeError(`cross: dim must be an integer, got ${describeValue(rawDim)}`);
  const shape = broadcastShapes('cross', a.shape, b.shape);
  const dim = normalizeDim('cross', rawDim, shape.length);
  if (
    shape[dim] !== 3 ||
    a.shape[dim - shape.length + a.ndim] !== 3 ||
    b.shape[dim - shape.length + b.ndim] !== 3
  )
    throw new RangeError(
      `cross: dimension ${rawDim} must have size 3 in both inputs, got shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
    );
  const x = a.expand(shape);
  const y = b.expand(shape);
  // (a × b)_i = a_{i+1}·b_{i+2} − a_{i+2}·b_{i+1}, indices mod 3: rolling by −1 brings a_{i+1} to i.
  return x
    .roll(-1, dim)
    .mul(y.roll(-2, dim))
    .sub(x.roll(-2, dim).mul(y.roll(-1, dim)));
}

/** The default tolerance for "zero" relative to the largest magnitude `scale` of an m×n matrix. */
const defaultTol = (scale: number, m: number, n: number) => Math.max(m, n) * FLOAT32_EPS * scale;

/**
 * Rank of matrices ([..., m, n]): the number of singular values above `tol` (default
 * max(m, n)·ε_float32·σ_max, as PyTorch for float32). Returns an int32 tensor of the batch shape.
 * Not differentiable (a count).
 *
 * @example linalg.matrixRank(tensor([[1, 2], [2, 4]])).item(); // 1
 */
export function matrixRank(a: Tensor, options?: { tol?: number }): Tensor {
  checkOptions('matrixRank', options, ['tol']);
  const tol = options?.tol;
  if (tol !== undefined && !(typeof tol === 'number' && tol >= 0))
    throw new RangeError(`matrixRank: tol must be a number >= 0, got ${describeValue(tol)}`);
  const { batch, rows, cols, matrices } = readMatrices('matrixRank', a);
  const ranks = matrices.map((m) => {
    const s = jacobiSVD(m, rows, cols).s;
    const limit = tol ?? defaultTol(s[0] ?? 0, rows, cols);
    return Float64Array.of(s.filter((v) => v > limit).length);
  });
  return writeMatrices(batch, [], ranks).int();
}

/**
 * The reduced row-echelon form of a matrix [m, n] and its pivot columns, by Gauss–Jordan
 * elimination with partial pivoting in float64 — the hand method of the notes, for teaching and
 * checking. Entries with magnitude ≤ `tol` (default max(m, n)·ε_float32·max|A|) count as zero.
 * The rank is `pivots.length`. Not differentiable: the result carries no gradient.
 *
 * @example
 * const { rref, pivots } = linalg.rowEchelon(tensor([[3, -4, 9], [6, 5, 2]]));
 * // rref ≈ [[1, 0, 1.359], [0, 1, -1.231]], pivots = [0, 1]
 */
export function rowEchelon(a: Tensor, options?: { tol?: number }): { rref: Tensor; pivots: number[] } {
  checkOptions('rowEchelon', options, ['tol']);
  const tol = options?.tol;
  if (tol !== undefined && !(typeof tol === 'number' && tol >= 0))
    throw new RangeError(`rowEchelon: tol must be a number >= 0, got ${describeValue(tol)}`);
  if (a.ndim !== 2) throw new RangeError(`rowEchelon: expected a matrix, got shape ${formatShape(a.shape)}`);
  const { rows, cols, matrices } = readMatrices('rowEchelon', a);
  const m = matrices[0]!;
  const scale = m.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
  const { pivots } = reduceRows(m, rows, cols, tol ?? defaultTol(scale, rows, cols));
  return { rref: writeMatrices([], [rows, cols], [m]), pivots };
}

/** Gauss–Jordan elimination of the row-major m×n `a` in place; returns the pivot columns. */
function reduceRows(a: Float64Array, m: number, n: number, tol: number): { pivots: number[] } {
  const pivots: number[] = [];
  let r = 0;
  for (let c = 0; c < n && r < m; c++) {
    let best = r;
    for (let i = r + 1; i < m; i++) if (Math.abs(a[i * n + c]!) > Math.abs(a[best * n + c]!)) best = i;
    if (Math.abs(a[best * n + c]!) <= tol) {
      for (let i = r; i < m; i++) a[i * n + c] = 0;
      continue;
    }
    for (let j = 0; j < n; j++) [a[r * n + j], a[best * n + j]] = [a[best * n + j]!, a[r * n + j]!];
    const p = a[r * n + c]!;
    for (let j = 0; j < n; j++) a[r * n + j]! /= p;
    for (let i = 0; i < m; i++) {
      const f = a[i * n + c]!;
      if (i === r || f === 0) continue;
      for (let j = 0; j < n; j++) a[i * n + j]! -= f * a[r * n + j]!;
      a[i * n + c] = 0;
    }
    pivots.push(c);
    r++;
  }
  return { pivots };
}

/**
 * Eigenvalues of general real square matrices ([..., n, n]) whose eigenvalues are all real, in
 * descending order (as the notes order them). Shifted QR iteration in float64; throws if the
 * matrix has complex eigenvalues (this library has no complex dtype). Not differentiable: the
 * result carries no gradient (use {@link eigh} for symmetric matrices, which is).
 *
 * @example linalg.eigvals(tensor([[2, 1], [1, 2]])).toArray(); // [3, 1]
 */
export function eigvals(a: Tensor): Tensor {
  const { batch, rows: n, matrices } = readMatrices('eigvals', a, true);
  return writeMatrices(
    batch,
    [n],
    matrices.map((m, b) => realEigenvalues('eigvals', m, n, b)),
  );
}

/**
 * Eigenvalues (descending, see {@link eigvals}) and unit-norm eigenvectors (columns, largest
 * component positive) of general real matrices with real eigenvalues: A·v = λ·v. Each vector is a
 * null vector of A − λI (from its SVD); for a repeated eigenvalue the vectors span its eigenspace,
 * and a defective matrix (too few independent eigenvectors) gets repeated, parallel columns, as in
 * PyTorch. Throws for complex eigenvalues. Not differentiable: the results carry no gradient.
 *
 * @example const { eigenvalues, eigenvectors } = linalg.eig(tensor([[6, 2], [2, 3]])); // 7, 2
 */
export function eig(a: Tensor): { eigenvalues: Tensor; eigenvectors: Tensor } {
  const { batch, rows: n, matrices } = readMatrices('eig', a, true);
  const values = matrices.map((m, b) => realEigenvalues('eig', m, n, b));
  const vectors = matrices.map((m, b) => eigenvectorsOf(m, n, values[b]!));
  return {
    eigenvalues: writeMatrices(batch, [n], values),
    eigenvectors: writeMatrices(batch, [n, n], vectors),
  };
}

/** Frobenius norm of a flat array. */
const frobenius = (a: Float64Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));

/** The real eigenvalues of the n×n `a`, descending; throws (naming `fn`) on complex ones. */
function realEigenvalues(fn: string, a: Float64Array, n: number, index: number): Float64Array {
  const h = Float64Array.from(a);
  const norm = frobenius(a) || 1;
  const small = 1e-14 * norm;
  const values: number[] = [];
  const at = (i: number, j: number) => h[i * n + j]!;
  /** True if row `i` is (numerically) zero left of column `end`. */
  const zeroLeft = (i: number, end: number) => {
    for (let j = 0; j < end; j++) if (Math.abs(at(i, j)) > small) return false;
    return true;
  };
  let p = n;
  let stall = 0;
  while (p > 0) {
    if (p === 1 || zeroLeft(p - 1, p - 1)) {
      values.push(at(p - 1, p - 1));
      p--;
      stall = 0;
      continue;
    }
    // The trailing 2×2 block [[x, y], [z, w]] and its eigenvalues (x+w)/2 ± √disc.
    const x = at(p - 2, p - 2);
    const y = at(p - 2, p - 1);
    const z = at(p - 1, p - 2);
    const w = at(p - 1, p - 1);
    const disc = ((x - w) / 2) ** 2 + y * z;
    if (p === 2 || (zeroLeft(p - 2, p - 2) && zeroLeft(p - 1, p - 2))) {
      if (disc < -1e-12 * norm * norm) {
        const re = (x + w) / 2;
        const im = Math.sqrt(-disc);
        throw new RangeError(
          `${fn}: matrix ${index} of the batch has complex eigenvalues ${re.toPrecision(4)} ± ${im.toPrecision(4)}i; only matrices with real eigenvalues are supported (use eigh for symmetric matrices)`,
        );
      }
      const root = Math.sqrt(Math.max(disc, 0));
      values.push((x + w) / 2 + root, (x + w) / 2 - root);
      p -= 2;
      stall = 0;
      continue;
    }
    if (++stall > 200 * n)
      throw new RangeError(`${fn}: the QR iteration did not converge for matrix ${index} of the batch`);
    // Wilkinson shift (the 2×2 eigenvalue nearer w), or w if the block's eigenvalues are complex;
    // an exceptional shift every 11 stalled steps breaks cycles.
    let mu = disc >= 0 ? (x + w) / 2 + Math.sign(w - x || 1) * Math.sqrt(disc) : w;
    if (stall % 11 === 0) mu = w + 0.75 * Math.abs(z);
    const block = new Float64Array(p * p);
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) block[i * p + j] = at(i, j) - (i === j ? mu : 0);
    const { q, r } = householderQR(block, p, p);
    // H ← R·Q + μI on the active block; the rest of H (already deflated rows) is not needed.
    for (let i = 0; i < p; i++)
      for (let j = 0; j < p; j++) {
        let s = i === j ? mu : 0;
        for (let k = i; k < p; k++) s += r[i * p + k]! * q[k * p + j]!;
        h[i * n + j] = s;
      }
  }
  return Float64Array.from(values.sort((u, v) => v - u));
}

/** Unit eigenvectors (columns) for the eigenvalues `values` of the n×n `a`. */
function eigenvectorsOf(a: Float64Array, n: number, values: Float64Array): Float64Array {
  const out = new Float64Array(n * n);
  const tol = 1e-7 * (frobenius(a) || 1);
  let col = 0;
  while (col < n) {
    // Group (numerically) equal eigenvalues: their eigenspace is the null space of A − λI.
    let count = 1;
    while (col + count < n && Math.abs(values[col + count]! - values[col]!) <= tol) count++;
    const shifted = Float64Array.from(a, (v, i) => v - (i % (n + 1) === 0 ? values[col]! : 0));
    const { vt } = jacobiSVD(shifted, n, n);
    for (let k = 0; k < count; k++) {
      const row = n - 1 - (k % n); // right singular vectors of the smallest singular values
      const v = vt.subarray(row * n, row * n + n);
      const big = v.reduce((best, e, i) => (Math.abs(e) > Math.abs(v[best]!) ? i : best), 0);
      const sign = v[big]! < 0 ? -1 : 1;
      for (let i = 0; i < n; i++) out[i * n + col + k] = sign * v[i]!;
    }
    col += count;
  }
  return out;
}
