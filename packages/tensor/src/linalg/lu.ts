/** An LU factorisation with partial pivoting of an n×n matrix: P·A = L·U, packed in one array. */
export interface LU {
  n: number;
  /** L below the diagonal (unit diagonal implied) and U on and above it, row-major. */
  lu: Float64Array;
  /** Row i of the factorisation is row pivots[i] of A. */
  pivots: Int32Array;
  /** +1 or −1: the sign of the permutation. */
  sign: number;
  /** Whether a zero pivot was met (the matrix is singular to working precision). */
  singular: boolean;
}

/** Doolittle LU with partial pivoting, in float64. */
export function luFactor(a: Float64Array, n: number): LU {
  const lu = Float64Array.from(a);
  const pivots = Int32Array.from({ length: n }, (_, i) => i);
  let sign = 1;
  let singular = false;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(lu[i * n + k]!) > Math.abs(lu[p * n + k]!)) p = i;
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = lu[k * n + j]!;
        lu[k * n + j] = lu[p * n + j]!;
        lu[p * n + j] = t;
      }
      const t = pivots[k]!;
      pivots[k] = pivots[p]!;
      pivots[p] = t;
      sign = -sign;
    }
    const pivot = lu[k * n + k]!;
    if (pivot === 0) {
      singular = true;
      continue;
    }
    for (let i = k + 1; i < n; i++) {
      const f = lu[i * n + k]! / pivot;
      lu[i * n + k] = f;
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) lu[i * n + j]! -= f * lu[k * n + j]!;
    }
  }
  return { n, lu, pivots, sign, singular };
}

/** det(A) from its LU factorisation. */
export function luDet(f: LU): number {
  let det = f.sign;
  for (let i = 0; i < f.n; i++) det *= f.lu[i * f.n + i]!;
  return det;
}

/** Solves A·X = B for X (B is n×k row-major) using the factorisation of A. */
export function luSolve(f: LU, b: Float64Array, k: number): Float64Array {
  const { n, lu, pivots } = f;
  const x = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) x[i * k + j] = b[pivots[i]! * k + j]!;
  for (let i = 0; i < n; i++) {
    for (let m = 0; m < i; m++) {
      const l = lu[i * n + m]!;
      if (l !== 0) for (let j = 0; j < k; j++) x[i * k + j]! -= l * x[m * k + j]!;
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let m = i + 1; m < n; m++) {
      const u = lu[i * n + m]!;
      if (u !== 0) for (let j = 0; j < k; j++) x[i * k + j]! -= u * x[m * k + j]!;
    }
    const d = lu[i * n + i]!;
    for (let j = 0; j < k; j++) x[i * k + j]! /= d;
  }
  return x;
}

/** The n×n identity, row-major. */
export function identity(n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return out;
}
