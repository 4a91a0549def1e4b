// Factorisations in float64: Cholesky, Householder QR, symmetric eigendecomposition (cyclic Jacobi)
// and SVD (one-sided Jacobi). Jacobi methods are slow for large matrices but accurate and simple,
// which suits the sizes these are used at here (the linear algebra of a DL course, PCA of features).

/** Lower-triangular L with A = L·Lᵀ, or null if A is not positive definite. */
export function choleskyFactor(a: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= l[j * n + k]! ** 2;
    if (!(d > 0)) return null;
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

/** Reduced QR of an m×n matrix (m ≥ n or not): Q is m×k, R is k×n with k = min(m, n); R has a
 * non-negative diagonal. Householder reflections. */
export function householderQR(a: Float64Array, m: number, n: number): { q: Float64Array; r: Float64Array } {
  const k = Math.min(m, n);
  const r = Float64Array.from(a);
  const vs: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const v = new Float64Array(m);
    let norm = 0;
    for (let i = j; i < m; i++) norm += r[i * n + j]! ** 2;
    norm = Math.sqrt(norm);
    const x0 = r[j * n + j]!;
    const alpha = x0 >= 0 ? -norm : norm;
    for (let i = j; i < m; i++) v[i] = r[i * n + j]!;
    v[j] = x0 - alpha;
    let vnorm = 0;
    for (let i = j; i < m; i++) vnorm += v[i]! ** 2;
    vs.push(v);
    if (vnorm === 0) continue;
    for (let c = j; c < n; c++) {
      let dot = 0;
      for (let i = j; i < m; i++) dot += v[i]! * r[i * n + c]!;
      const f = (2 * dot) / vnorm;
      for (let i = j; i < m; i++) r[i * n + c]! -= f * v[i]!;
    }
  }
  // Q = H0·H1·…·H(k−1) applied to the first k columns of the identity.
  const q = new Float64Array(m * k);
  for (let i = 0; i < k; i++) q[i * k + i] = 1;
  for (let j = k - 1; j >= 0; j--) {
    const v = vs[j]!;
    let vnorm = 0;
    for (let i = j; i < m; i++) vnorm += v[i]! ** 2;
    if (vnorm === 0) continue;
    for (let c = 0; c < k; c++) {
      let dot = 0;
      for (let i = j; i < m; i++) dot += v[i]! * q[i * k + c]!;
      const f = (2 * dot) / vnorm;
      for (let i = j; i < m; i++) q[i * k + c]! -= f * v[i]!;
    }
  }
  // Make R's diagonal non-negative (flip the matching column of Q).
  const rOut = new Float64Array(k * n);
  for (let i = 0; i < k; i++) {
    const s = r[i * n + i]! < 0 ? -1 : 1;
    for (let c = 0; c < n; c++) rOut[i * n + c] = c >= i ? s * r[i * n + c]! : 0;
    if (s < 0) for (let row = 0; row < m; row++) q[row * k + i] = -q[row * k + i]!;
  }
  return { q, r: rOut };
}

/**
 * A Givens rotation of two lines p, q of `a` (columns: step = row stride, across = 1; rows: step = 1,
 * across = row stride), over `length` elements: (x_p, x_q) ← (c·x_p − s·x_q, s·x_p + c·x_q).
 */
function rotate(
  a: Float64Array,
  length: number,
  step: number,
  across: number,
  p: number,
  q: number,
  c: number,
  s: number,
): void {
  for (let i = 0; i < length; i++) {
    const ip = i * step + p * across;
    const iq = i * step + q * across;
    const xp = a[ip]!;
    const xq = a[iq]!;
    a[ip] = c * xp - s * xq;
    a[iq] = s * xp + c * xq;
  }
}

/** Eigenvalues (ascending) and eigenvectors (columns of v) of a symmetric n×n matrix. */
export function symmetricEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (m[q * n + q]! - m[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        rotate(m, n, n, 1, p, q, c, s); // columns p, q
        rotate(m, n, 1, n, p, q, c, s); // rows p, q
        rotate(v, n, n, 1, p, q, c, s);
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[i * n + i]! - m[j * n + j]!);
  const values = Float64Array.from(order, (i) => m[i * n + i]!);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    for (let k = 0; k < n; k++) vectors[k * n + dst] = v[k * n + src]!;
  });
  return { values, vectors };
}

/** Reduced SVD of an m×n matrix, A = U·diag(S)·Vᵀ, singular values descending (one-sided Jacobi). */
export function jacobiSVD(
  a: Float64Array,
  m: number,
  n: number,
): { u: Float64Array; s: Float64Array; vt: Float64Array } {
  // Work on the taller orientation so that columns are orthogonalised.
  const transpose = m < n;
  const rows = transpose ? n : m;
  const cols = transpose ? m : n;
  const w = new Float64Array(rows * cols);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) w[transpose ? j * cols + i : i * cols + j] = a[i * n + j]!;
  const v = new Float64Array(cols * cols);
  for (let i = 0; i < cols; i++) v[i * cols + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let rotated = false;
    for (let p = 0; p < cols; p++) {
      for (let q = p + 1; q < cols; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < rows; i++) {
          const wp = w[i * cols + p]!;
          const wq = w[i * cols + q]!;
          alpha += wp * wp;
          beta += wq * wq;
          gamma += wp * wq;
        }
        if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        rotate(w, rows, cols, 1, p, q, c, s);
        rotate(v, cols, cols, 1, p, q, c, s);
      }
    }
    if (!rotated) break;
  }
  const norms = Array.from({ length: cols }, (_, j) => {
    let s = 0;
    for (let i = 0; i < rows; i++) s += w[i * cols + j]! ** 2;
    return Math.sqrt(s);
  });
  const order = norms.map((_, j) => j).sort((x, y) => norms[y]! - norms[x]!);
  const s = Float64Array.from(order, (j) => norms[j]!);
  const left = new Float64Array(rows * cols); // rows×cols, columns = w_j / s_j
  const right = new Float64Array(cols * cols); // columns of v
  order.forEach((src, dst) => {
    for (let i = 0; i < rows; i++)
      left[i * cols + dst] = norms[src]! > 0 ? w[i * cols + src]! / norms[src]! : 0;
    for (let i = 0; i < cols; i++) right[i * cols + dst] = v[i * cols + src]!;
  });
  // A = left·diag(s)·rightᵀ in the worked orientation; swap roles back if it was transposed.
  const k = cols;
  const u = new Float64Array(m * k);
  const vt = new Float64Array(k * n);
  const [uSrc, vSrc] = transpose ? [right, left] : [left, right];
  const uRows = m;
  const vRows = n;
  for (let i = 0; i < uRows; i++) for (let j = 0; j < k; j++) u[i * k + j] = uSrc[i * k + j]!;
  for (let i = 0; i < vRows; i++) for (let j = 0; j < k; j++) vt[j * n + i] = vSrc[i * k + j]!;
  return { u, s, vt };
}
