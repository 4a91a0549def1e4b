// SGEMM: C = op(A)·op(B) + beta·C for float32, row-major, with op = identity or transpose, batched.
//
// Goto/BLIS structure: N in blocks of NC, K in blocks of KC, op(B) packed into 8-column micro-panels
// (8 contiguous floats per k, zero-padded), M in blocks of MC, op(A) packed into 4-row micro-panels;
// a 4×8 micro-kernel keeps 8 accumulators + 2 B vectors + 4 A broadcasts = 14 vectors live, within
// the ~15 xmm registers V8 gives wasm SIMD (bigger tiles spill and run slower, see KERNELS.md).
// Transposed operands are handled entirely in packing (4×4 register transposes), so Aᵀ·B and A·Bᵀ
// run at the speed of A·B. The relaxed build uses fused multiply-add in the micro-kernel.
// Products with op(B) = B, k ≤ KC and m ≤ DIRECT_MAX_M skip packing op(B) (see gemmDirect), and
// sgemmNTSum (at the end) serves Σ A·Bᵀ over a batch with long k as dot products of rows.

import { transpose4 } from './copy';
import { K_ZERO, k } from './simd/constants';
import { loadPartial, madd, storePartial } from './simd/lanes';

const MC: usize = 96;
const KC: usize = 256;
const NC: usize = 1024;
const TILE_BYTES: usize = 4 * 8 * 4;

/** Bytes of scratch that `sgemm` needs (packing buffers and an edge tile). */
export function sgemmScratchBytes(): usize {
  return (KC * NC + MC * KC) * 4 + TILE_BYTES;
}

/** Packs op(B)[pc..pc+kc, jc..jc+nc] into 8-column panels, each kc × 8 floats, zero-padded. */
function packB(transB: bool, b: usize, ldb: usize, pc: usize, jc: usize, kc: usize, nc: usize, out: usize): void {
  const zero = k(K_ZERO);
  for (let jp: usize = 0; jp < nc; jp += 8) {
    const width = min<usize>(8, nc - jp);
    const dst = out + jp * kc * 4;
    if (!transB) {
      let src = b + ((pc * ldb + jc + jp) << 2);
      const ldBytes = ldb << 2;
      for (let p: usize = 0; p < kc; p++) {
        const lo = width >= 4 ? v128.load(src) : loadPartial(src, width, zero);
        const hi = width >= 8 ? v128.load(src, 16) : width > 4 ? loadPartial(src + 16, width - 4, zero) : zero;
        v128.store(dst + (p << 5), lo);
        v128.store(dst + (p << 5), hi, 16);
        src += ldBytes;
      }
    } else if (width == 8) {
      // op(B)[p, j] = B[j, p]: rows of stored B are columns of op(B); transpose 4×4 blocks.
      const ldBytes = ldb << 2;
      const src = b + (((jc + jp) * ldb + pc) << 2);
      const kBody = kc & ~3;
      for (let p: usize = 0; p < kBody; p += 4) {
        const q = src + (p << 2);
        transpose4(v128.load(q), v128.load(q + ldBytes), v128.load(q + 2 * ldBytes), v128.load(q + 3 * ldBytes), dst + (p << 5), 32);
        const q4 = q + 4 * ldBytes;
        transpose4(v128.load(q4), v128.load(q4 + ldBytes), v128.load(q4 + 2 * ldBytes), v128.load(q4 + 3 * ldBytes), dst + (p << 5) + 16, 32);
      }
      for (let p = kBody; p < kc; p++) {
        for (let j: usize = 0; j < 8; j++) store<f32>(dst + (p << 5) + (j << 2), load<f32>(src + j * ldBytes + (p << 2)));
      }
    } else {
      for (let p: usize = 0; p < kc; p++) {
        for (let j: usize = 0; j < 8; j++) {
          const value = j < width ? load<f32>(b + (((jc + jp + j) * ldb + pc + p) << 2)) : <f32>0;
          store<f32>(dst + (p << 5) + (j << 2), value);
        }
      }
    }
  }
}

/** Packs op(A)[ic..ic+mc, pc..pc+kc] into 4-row panels, each kc × 4 floats, zero-padded. */
function packA(transA: bool, a: usize, lda: usize, ic: usize, pc: usize, mc: usize, kc: usize, out: usize): void {
  const zero = k(K_ZERO);
  const ldBytes = lda << 2;
  for (let ip: usize = 0; ip < mc; ip += 4) {
    const height = min<usize>(4, mc - ip);
    const dst = out + ip * kc * 4;
    if (transA) {
      // op(A)[i, p] = A[p, i]: 4 consecutive i are contiguous in stored A.
      let src = a + ((pc * lda + ic + ip) << 2);
      for (let p: usize = 0; p < kc; p++) {
        v128.store(dst + (p << 4), height == 4 ? v128.load(src) : loadPartial(src, height, zero));
        src += ldBytes;
      }
    } else if (height == 4) {
      const src = a + (((ic + ip) * lda + pc) << 2);
      const kBody = kc & ~3;
      for (let p: usize = 0; p < kBody; p += 4) {
        const q = src + (p << 2);
        transpose4(v128.load(q), v128.load(q + ldBytes), v128.load(q + 2 * ldBytes), v128.load(q + 3 * ldBytes), dst + (p << 4), 16);
      }
      for (let p = kBody; p < kc; p++) {
        for (let i: usize = 0; i < 4; i++) store<f32>(dst + (p << 4) + (i << 2), load<f32>(src + i * ldBytes + (p << 2)));
      }
    } else {
      const src = a + (((ic + ip) * lda + pc) << 2);
      for (let p: usize = 0; p < kc; p++) {
        for (let i: usize = 0; i < 4; i++) {
          store<f32>(dst + (p << 4) + (i << 2), i < height ? load<f32>(src + i * ldBytes + (p << 2)) : <f32>0);
        }
      }
    }
  }
}

/** 4×8 micro-kernel over packed panels: C tile (+)= Ap(4×kc)·Bp(kc×8). */
@inline
function microKernel(kc: usize, ap: usize, bp: usize, c: usize, ldcBytes: usize, accumulate: bool): void {
  let c00 = k(K_ZERO);
  let c01 = c00;
  let c10 = c00;
  let c11 = c00;
  let c20 = c00;
  let c21 = c00;
  let c30 = c00;
  let c31 = c00;
  for (let p: usize = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    const a0 = v128.load32_splat(ap);
    const a1 = v128.load32_splat(ap, 4);
    const a2 = v128.load32_splat(ap, 8);
    const a3 = v128.load32_splat(ap, 12);
    c00 = madd(a0, b0, c00);
    c01 = madd(a0, b1, c01);
    c10 = madd(a1, b0, c10);
    c11 = madd(a1, b1, c11);
    c20 = madd(a2, b0, c20);
    c21 = madd(a2, b1, c21);
    c30 = madd(a3, b0, c30);
    c31 = madd(a3, b1, c31);
    ap += 16;
    bp += 32;
  }
  if (accumulate) {
    v128.store(c, f32x4.add(v128.load(c), c00));
    v128.store(c, f32x4.add(v128.load(c, 16), c01), 16);
    c += ldcBytes;
    v128.store(c, f32x4.add(v128.load(c), c10));
    v128.store(c, f32x4.add(v128.load(c, 16), c11), 16);
    c += ldcBytes;
    v128.store(c, f32x4.add(v128.load(c), c20));
    v128.store(c, f32x4.add(v128.load(c, 16), c21), 16);
    c += ldcBytes;
    v128.store(c, f32x4.add(v128.load(c), c30));
    v128.store(c, f32x4.add(v128.load(c, 16), c31), 16);
  } else {
    v128.store(c, c00);
    v128.store(c, c01, 16);
    v128.store(c, c10, 32);
    v128.store(c, c11, 48);
    v128.store(c, c20, 64);
    v128.store(c, c21, 80);
    v128.store(c, c30, 96);
    v128.store(c, c31, 112);
  }
}

function fullTile(kc: usize, ap: usize, bp: usize, c: usize, ldcBytes: usize): void {
  microKernel(kc, ap, bp, c, ldcBytes, true);
}

/** An edge tile: computed into the scratch tile, then its valid rows × cols added into C. */
function edgeTile(kc: usize, ap: usize, bp: usize, c: usize, ldcBytes: usize, rows: usize, cols: usize, tile: usize): void {
  microKernel(kc, ap, bp, tile, 32, false);
  for (let i: usize = 0; i < rows; i++) {
    const row = c + i * ldcBytes;
    for (let j: usize = 0; j < cols; j++) {
      const at = row + (j << 2);
      store<f32>(at, load<f32>(at) + load<f32>(tile + (i << 5) + (j << 2)));
    }
  }
}

function macroKernel(mc: usize, nc: usize, kc: usize, packedA: usize, packedB: usize, c: usize, ldc: usize, tile: usize): void {
  const ldcBytes = ldc << 2;
  for (let jr: usize = 0; jr < nc; jr += 8) {
    const cols = min<usize>(8, nc - jr);
    const bp = packedB + jr * kc * 4;
    for (let ir: usize = 0; ir < mc; ir += 4) {
      const rows = min<usize>(4, mc - ir);
      const ap = packedA + ir * kc * 4;
      const cp = c + ir * ldcBytes + (jr << 2);
      if (rows == 4 && cols == 8) fullTile(kc, ap, bp, cp, ldcBytes);
      else edgeTile(kc, ap, bp, cp, ldcBytes, rows, cols, tile);
    }
  }
}

function scaleRows(c: usize, m: usize, n: usize, ldc: usize, beta: f32): void {
  const ldcBytes = ldc << 2;
  const vb = f32x4.splat(beta);
  const body = n & ~3;
  for (let i: usize = 0; i < m; i++) {
    const row = c + i * ldcBytes;
    if (beta == 0) {
      memory.fill(row, 0, n << 2);
      continue;
    }
    for (let j: usize = 0; j < body; j += 4) v128.store(row + (j << 2), f32x4.mul(v128.load(row + (j << 2)), vb));
    for (let j = body; j < n; j++) store<f32>(row + (j << 2), load<f32>(row + (j << 2)) * beta);
  }
}

// Small m (a convolution's Cout rows times im2col columns): packing op(B) would copy k·n floats for
// only m/4 uses of each panel. When op(B) is B itself and k fits one block, the micro-kernel reads B
// in place, 8 columns of a row at a time, and op(A) as broadcasts from its rows (or columns, for
// Aᵀ). Every element of C gets the same operations in the same order as on the packed path, so the
// results are bit-identical (and so for any split of M across threads).
const DIRECT_MAX_M: usize = 512;

/**
 * C rows i..i+rows, columns j..j+8 (j..j+4 unless `wide`) += op(A)[rows × kc]·B[kc × 8 (4)], with B
 * read in place. `a` points at op(A)(i, 0); consecutive rows of op(A) are `aRowBytes` apart,
 * consecutive k `aStepBytes`. `rows` (1..4) and `wide` are constants at every call site.
 */
@inline
function directTile(
  rows: i32, wide: bool, kc: usize, a: usize, aRowBytes: usize, aStepBytes: usize, b: usize, ldbBytes: usize,
  c: usize, ldcBytes: usize, overwrite: bool,
): void {
  let c00 = k(K_ZERO);
  let c01 = c00;
  let c10 = c00;
  let c11 = c00;
  let c20 = c00;
  let c21 = c00;
  let c30 = c00;
  let c31 = c00;
  const a1p = a + aRowBytes;
  const a2p = a + 2 * aRowBytes;
  const a3p = a + 3 * aRowBytes;
  let at: usize = 0;
  for (let p: usize = 0; p < kc; p++) {
    const b0 = v128.load(b);
    const b1 = wide ? v128.load(b, 16) : b0;
    const a0 = v128.load32_splat(a + at);
    c00 = madd(a0, b0, c00);
    if (wide) c01 = madd(a0, b1, c01);
    if (rows > 1) {
      const a1 = v128.load32_splat(a1p + at);
      c10 = madd(a1, b0, c10);
      if (wide) c11 = madd(a1, b1, c11);
    }
    if (rows > 2) {
      const a2 = v128.load32_splat(a2p + at);
      c20 = madd(a2, b0, c20);
      if (wide) c21 = madd(a2, b1, c21);
    }
    if (rows > 3) {
      const a3 = v128.load32_splat(a3p + at);
      c30 = madd(a3, b0, c30);
      if (wide) c31 = madd(a3, b1, c31);
    }
    at += aStepBytes;
    b += ldbBytes;
  }
  // With beta = 0 the tile is added to zeros held in a register instead of to a zeroed C: the same
  // additions (0 + −0 is +0, as before), without the zeroing pass and the loads of C.
  const zero = k(K_ZERO);
  v128.store(c, f32x4.add(overwrite ? zero : v128.load(c), c00));
  if (wide) v128.store(c, f32x4.add(overwrite ? zero : v128.load(c, 16), c01), 16);
  if (rows > 1) {
    c += ldcBytes;
    v128.store(c, f32x4.add(overwrite ? zero : v128.load(c), c10));
    if (wide) v128.store(c, f32x4.add(overwrite ? zero : v128.load(c, 16), c11), 16);
  }
  if (rows > 2) {
    c += ldcBytes;
    v128.store(c, f32x4.add(overwrite ? zero : v128.load(c), c20));
    if (wide) v128.store(c, f32x4.add(overwrite ? zero : v128.load(c, 16), c21), 16);
  }
  if (rows > 3) {
    c += ldcBytes;
    v128.store(c, f32x4.add(overwrite ? zero : v128.load(c), c30));
    if (wide) v128.store(c, f32x4.add(overwrite ? zero : v128.load(c, 16), c31), 16);
  }
}

/** C columns j..j+8 (j..j+4 unless `wide`) += op(A)·B for all m rows, B read in place. */
@inline
function directStrip(
  wide: bool, m: usize, depth: usize, a: usize, aRowBytes: usize, aStepBytes: usize, b: usize,
  ldbBytes: usize, c: usize, ldcBytes: usize, overwrite: bool,
): void {
  let i: usize = 0;
  for (; i + 4 <= m; i += 4) directTile(4, wide, depth, a + i * aRowBytes, aRowBytes, aStepBytes, b, ldbBytes, c + i * ldcBytes, ldcBytes, overwrite);
  const rest = m - i;
  const ai = a + i * aRowBytes;
  const ci = c + i * ldcBytes;
  if (rest == 3) directTile(3, wide, depth, ai, aRowBytes, aStepBytes, b, ldbBytes, ci, ldcBytes, overwrite);
  else if (rest == 2) directTile(2, wide, depth, ai, aRowBytes, aStepBytes, b, ldbBytes, ci, ldcBytes, overwrite);
  else if (rest == 1) directTile(1, wide, depth, ai, aRowBytes, aStepBytes, b, ldbBytes, ci, ldcBytes, overwrite);
}

/**
 * C += op(A)·B (C = op(A)·B when `overwrite`: C is not read) for m ≤ DIRECT_MAX_M and depth ≤ KC, B
 * unpacked (the last 1–3 columns are packed).
 */
function gemmDirect(
  transA: bool, m: usize, n: usize, depth: usize, a: usize, lda: usize, b: usize, ldb: usize,
  c: usize, ldc: usize, scratch: usize, overwrite: bool,
): void {
  const ldcBytes = ldc << 2;
  const ldbBytes = ldb << 2;
  const aRowBytes: usize = transA ? 4 : lda << 2;
  const aStepBytes: usize = transA ? lda << 2 : 4;
  let j: usize = 0;
  for (; j + 8 <= n; j += 8) directStrip(true, m, depth, a, aRowBytes, aStepBytes, b + (j << 2), ldbBytes, c + (j << 2), ldcBytes, overwrite);
  if (j + 4 <= n) {
    directStrip(false, m, depth, a, aRowBytes, aStepBytes, b + (j << 2), ldbBytes, c + (j << 2), ldcBytes, overwrite);
    j += 4;
  }
  if (j < n) {
    if (overwrite) scaleRows(c + (j << 2), m, n - j, ldc, 0); // the packed path adds into C
    // The last 1–3 columns through the packed path: one 8-column panel, zero-padded.
    const packedB = scratch;
    const packedA = scratch + KC * NC * 4;
    const tile = packedA + MC * KC * 4;
    packB(false, b, ldb, 0, j, depth, n - j, packedB);
    packA(transA, a, lda, 0, 0, m, depth, packedA);
    macroKernel(m, n - j, depth, packedA, packedB, c + (j << 2), ldc, tile);
  }
}

function gemmOne(
  transA: bool, transB: bool, m: usize, n: usize, depth: usize,
  a: usize, lda: usize, b: usize, ldb: usize, c: usize, ldc: usize, beta: f32, scratch: usize,
): void {
  if (m == 0 || n == 0) return;
  if (!transB && m <= DIRECT_MAX_M && depth <= KC && depth > 0) {
    if (beta != 1 && beta != 0) scaleRows(c, m, n, ldc, beta);
    gemmDirect(transA, m, n, depth, a, lda, b, ldb, c, ldc, scratch, beta == 0);
    return;
  }
  if (beta != 1) scaleRows(c, m, n, ldc, beta);
  if (depth == 0) return;
  const packedB = scratch;
  const packedA = scratch + KC * NC * 4;
  const tile = packedA + MC * KC * 4;
  for (let jc: usize = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc: usize = 0; pc < depth; pc += KC) {
      const kc = min(KC, depth - pc);
      packB(transB, b, ldb, pc, jc, kc, nc, packedB);
      for (let ic: usize = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(transA, a, lda, ic, pc, mc, kc, packedA);
        macroKernel(mc, nc, kc, packedA, packedB, c + ((ic * ldc + jc) << 2), ldc, tile);
      }
    }
  }
}

/**
 * C[p] = op(A[p])·op(B[p]) + beta·C[p] for p < batch, where op(A) is m×k, op(B) is k×n, C is m×n.
 * Row-major with leading dimensions lda, ldb, ldc (elements); A is stored m×k (k×m if transA), B is
 * stored k×n (n×k if transB). Batch strides are in elements; a stride of 0 reuses one matrix for
 * every batch entry. beta = 0 overwrites C without reading it. `scratch` must hold
 * `sgemmScratchBytes()` bytes and must not overlap the operands.
 */
export function sgemm(
  transA: bool, transB: bool, m: usize, n: usize, depth: usize,
  a: usize, lda: usize, b: usize, ldb: usize, c: usize, ldc: usize, beta: f32,
  batch: usize, strideA: usize, strideB: usize, strideC: usize, scratch: usize,
): void {
  for (let p: usize = 0; p < batch; p++) {
    gemmOne(transA, transB, m, n, depth, a + ((p * strideA) << 2), lda, b + ((p * strideB) << 2), ldb, c + ((p * strideC) << 2), ldc, beta, scratch);
  }
}

// A·Bᵀ summed over a batch, as dot products of rows: for the weight gradient of a convolution,
// gW = Σ over images of gy[Cout, L] · colsᵀ, where Cout and C·kh·kw are small (6 × 25 in LeNet's
// first layer) and L long. Both operands are read in place along their rows (no packing), a tile of
// 2 rows of A × 4 rows of B keeps 8 accumulators + 6 loaded vectors live, and each tile's lanes are
// summed once per image. The packed micro-kernel would waste most of a 4×8 tile on such shapes.

/**
 * Dot products of rows i0, i0+1 (if `rows` is 2) of A with rows j0..j0+cols of B over `depth`
 * floats, added into C (or written, when `overwrite`). `rows` and `cols` are constants at every
 * call site, so the branches on them fold away.
 */
@inline
function dotTile(
  rows: i32, cols: i32, depth: usize, a: usize, ldaBytes: usize, b: usize, ldbBytes: usize,
  c: usize, ldcBytes: usize, overwrite: bool,
): void {
  const zero = k(K_ZERO);
  let c00 = zero;
  let c01 = zero;
  let c02 = zero;
  let c03 = zero;
  let c10 = zero;
  let c11 = zero;
  let c12 = zero;
  let c13 = zero;
  const a1p = a + ldaBytes;
  const b1p = b + ldbBytes;
  const b2p = b + 2 * ldbBytes;
  const b3p = b + 3 * ldbBytes;
  const body = depth & ~3;
  for (let at: usize = 0; at < body << 2; at += 16) {
    const a0 = v128.load(a + at);
    const a1 = rows > 1 ? v128.load(a1p + at) : zero;
    const b0 = v128.load(b + at);
    c00 = madd(a0, b0, c00);
    if (rows > 1) c10 = madd(a1, b0, c10);
    if (cols > 1) {
      const b1 = v128.load(b1p + at);
      c01 = madd(a0, b1, c01);
      if (rows > 1) c11 = madd(a1, b1, c11);
    }
    if (cols > 2) {
      const b2 = v128.load(b2p + at);
      c02 = madd(a0, b2, c02);
      if (rows > 1) c12 = madd(a1, b2, c12);
    }
    if (cols > 3) {
      const b3 = v128.load(b3p + at);
      c03 = madd(a0, b3, c03);
      if (rows > 1) c13 = madd(a1, b3, c13);
    }
  }
  if (body < depth) {
    // The 1–3 tail floats, zero-filled.
    const at = body << 2;
    const count = depth - body;
    const a0 = loadPartial(a + at, count, zero);
    const a1 = rows > 1 ? loadPartial(a1p + at, count, zero) : zero;
    const b0 = loadPartial(b + at, count, zero);
    c00 = madd(a0, b0, c00);
    if (rows > 1) c10 = madd(a1, b0, c10);
    if (cols > 1) {
      const b1 = loadPartial(b1p + at, count, zero);
      c01 = madd(a0, b1, c01);
      if (rows > 1) c11 = madd(a1, b1, c11);
    }
    if (cols > 2) {
      const b2 = loadPartial(b2p + at, count, zero);
      c02 = madd(a0, b2, c02);
      if (rows > 1) c12 = madd(a1, b2, c12);
    }
    if (cols > 3) {
      const b3 = loadPartial(b3p + at, count, zero);
      c03 = madd(a0, b3, c03);
      if (rows > 1) c13 = madd(a1, b3, c13);
    }
  }
  // Row 0's four sums in one vector: transpose-add the accumulators, then add into C.
  const r0 = hsum4(c00, c01, c02, c03);
  const c1p = c + ldcBytes;
  storeRow(c, r0, cols, overwrite);
  if (rows > 1) storeRow(c1p, hsum4(c10, c11, c12, c13), cols, overwrite);
}

/** [Σ lanes of w, Σ lanes of x, Σ lanes of y, Σ lanes of z]. */
@inline
function hsum4(w: v128, x: v128, y: v128, z: v128): v128 {
  const wx = f32x4.add(v128.shuffle<f32>(w, x, 0, 2, 4, 6), v128.shuffle<f32>(w, x, 1, 3, 5, 7));
  const yz = f32x4.add(v128.shuffle<f32>(y, z, 0, 2, 4, 6), v128.shuffle<f32>(y, z, 1, 3, 5, 7));
  return f32x4.add(v128.shuffle<f32>(wx, yz, 0, 2, 4, 6), v128.shuffle<f32>(wx, yz, 1, 3, 5, 7));
}

/** Adds (or, when `overwrite`, stores) the low `cols` (1..4) lanes of `v` at `c`. */
@inline
function storeRow(c: usize, v: v128, cols: i32, overwrite: bool): void {
  if (cols == 4) {
    v128.store(c, overwrite ? v : f32x4.add(v128.load(c), v));
  } else {
    const zero = k(K_ZERO);
    storePartial(c, overwrite ? v : f32x4.add(loadPartial(c, cols, zero), v), cols);
  }
}

/**
 * C = Σ_{p < batch} A[p]·B[p]ᵀ + beta·C, where A[p] is m×depth (row stride lda), B[p] is n×depth
 * (row stride ldb), C is m×n (row stride ldc), A[p] = a + p·strideA and B[p] = b + p·strideB
 * (elements). beta is 0 (overwrite C without reading it) or 1. For long depths and small m, n
 * (a convolution's weight gradient); `sgemm` with transB is faster when m and n are large.
 */
export function sgemmNTSum(
  m: usize, n: usize, depth: usize, a: usize, lda: usize, b: usize, ldb: usize,
  c: usize, ldc: usize, beta: f32, batch: usize, strideA: usize, strideB: usize,
): void {
  if (m == 0 || n == 0) return;
  const ldaBytes = lda << 2;
  const ldbBytes = ldb << 2;
  const ldcBytes = ldc << 2;
  if (batch == 0 || depth == 0) {
    if (beta != 1) scaleRows(c, m, n, ldc, 0);
    return;
  }
  const mBody = m & ~1;
  const nBody = n & ~3;
  // Image by image, adding into C after the first; columns outermost, so that a tile's 4 rows of B
  // stay in cache while every row pair of A (small: m rows) passes by.
  for (let p: usize = 0; p < batch; p++) {
    const ap = a + ((p * strideA) << 2);
    const bp = b + ((p * strideB) << 2);
    const overwrite = p == 0 && beta != 1;
    for (let j: usize = 0; j < nBody; j += 4) {
      const bj = bp + j * ldbBytes;
      const cj = c + (j << 2);
      for (let i: usize = 0; i < mBody; i += 2) {
        dotTile(2, 4, depth, ap + i * ldaBytes, ldaBytes, bj, ldbBytes, cj + i * ldcBytes, ldcBytes, overwrite);
      }
      if (mBody < m) {
        dotTile(1, 4, depth, ap + mBody * ldaBytes, ldaBytes, bj, ldbBytes, cj + mBody * ldcBytes, ldcBytes, overwrite);
      }
    }
    for (let j = nBody; j < n; j++) {
      const bj = bp + j * ldbBytes;
      const cj = c + (j << 2);
      for (let i: usize = 0; i < mBody; i += 2) {
        dotTile(2, 1, depth, ap + i * ldaBytes, ldaBytes, bj, ldbBytes, cj + i * ldcBytes, ldcBytes, overwrite);
      }
      if (mBody < m) {
        dotTile(1, 1, depth, ap + mBody * ldaBytes, ldaBytes, bj, ldbBytes, cj + mBody * ldcBytes, ldcBytes, overwrite);
      }
    }
  }
}
