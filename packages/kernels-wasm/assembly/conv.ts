// Convolution support for NCHW float32 tensors (PyTorch semantics): im2col / col2im, which turn a
// 2-D convolution into SGEMMs, and the per-channel batch-norm kernels.
//
// im2col writes, per image, a [C·kh·kw, outH·outW] matrix whose row (c·kh + i)·kw + j holds input
// channel c sampled at kernel offset (i, j) for every output position, 0 where that falls into the
// padding. Then, per image:
//   conv2d forward      y[Cout, HW]   = W[Cout, C·kh·kw] · cols
//   weight gradient     gW            = gy[Cout, HW] · colsᵀ
//   input gradient      gx            = col2im(Wᵀ · gy)
// Channels are the outermost rows, so group g of a grouped convolution is the contiguous row block
// [g·(C/G)·kh·kw, (g+1)·(C/G)·kh·kw): offset the pointers, nothing else changes.
// Stride 1 along the width (the common case) copies or adds whole rows with SIMD; other strides
// gather or scatter one element at a time. Padding is written as zero fills.

import { K_ZERO, k } from './simd/constants';
import { hsum64, loadPartial, madd, storePartial } from './simd/lanes';

/** Smallest `o ≥ 0` with `o·stride + offset ≥ bound`, capped at `limit`. */
@inline
function firstAtLeast(offset: isize, stride: usize, bound: isize, limit: usize): usize {
  if (offset >= bound) return 0;
  const o = <usize>(bound - offset + <isize>stride - 1) / stride;
  return min(o, limit);
}

/** dst[0..n) = 0; short runs (the padding at a row's ends) as plain stores, not a memory.fill call. */
@inline
function zeroRun(dst: usize, n: usize): void {
  if (n > 8) {
    memory.fill(dst, 0, n << 2);
  } else {
    for (let t: usize = 0; t < n; t++) store<f32>(dst + (t << 2), 0);
  }
}

/** dst[t] = src[t·stride] for t < n; contiguous rows move as vectors (dst and src must not overlap). */
@inline
function gatherRow(dst: usize, src: usize, n: usize, stride: usize): void {
  if (stride == 1 && n >= 4) {
    const body = n & ~3;
    for (let t: usize = 0; t < body; t += 4) v128.store(dst + (t << 2), v128.load(src + (t << 2)));
    // The 1–3 last floats as one vector ending at n, overlapping the body (a copy may repeat).
    if (body < n) v128.store(dst + ((n - 4) << 2), v128.load(src + ((n - 4) << 2)));
  } else {
    const strideBytes = stride << 2;
    for (let t: usize = 0; t < n; t++) store<f32>(dst + (t << 2), load<f32>(src + t * strideBytes));
  }
}

/**
 * im2col's stride-1 rows: `rows` output rows of `lead` zeros, `n` ≥ 4 floats copied from `src`
 * (rows `srcStep` bytes apart) and `trail` zeros, written contiguously from `dst`. Pointer steps
 * only, the last 1–3 floats as one vector overlapping the body: a 10-float row (LeNet's second
 * layer) costs three vector copies and no per-row set-up.
 */
@inline
function copyRows(dst: usize, src: usize, rows: usize, lead: usize, n: usize, trail: usize, srcStep: usize): void {
  const bodyBytes = (n & ~3) << 2;
  const lastBytes = (n - 4) << 2;
  const leadBytes = lead << 2;
  const rowBytes = (lead + n + trail) << 2;
  for (let r: usize = 0; r < rows; r++) {
    for (let t: usize = 0; t < leadBytes; t += 4) store<f32>(dst + t, 0);
    const d = dst + leadBytes;
    for (let t: usize = 0; t < bodyBytes; t += 16) v128.store(d + t, v128.load(src + t));
    v128.store(d + lastBytes, v128.load(src + lastBytes));
    for (let t = leadBytes + (n << 2); t < rowBytes; t += 4) store<f32>(dst + t, 0);
    src += srcStep;
    dst += rowBytes;
  }
}

/**
 * col2im's stride-1 rows: dst[r, t] += src[r, t] for `rows` rows of `n` floats, the rows
 * `dstStep` and `srcStep` bytes apart. Pointer steps only (no per-row set-up); the 1–3 last
 * floats of a row one at a time (an overlapping vector would add them twice).
 */
@inline
function addRows(dst: usize, src: usize, rows: usize, n: usize, dstStep: usize, srcStep: usize): void {
  const bodyBytes = (n & ~3) << 2;
  const rowEnd = n << 2;
  for (let r: usize = 0; r < rows; r++) {
    for (let t: usize = 0; t < bodyBytes; t += 16) v128.store(dst + t, f32x4.add(v128.load(dst + t), v128.load(src + t)));
    for (let t = bodyBytes; t < rowEnd; t += 4) store<f32>(dst + t, load<f32>(dst + t) + load<f32>(src + t));
    src += srcStep;
    dst += dstStep;
  }
}

/** dst[t·stride] += src[t] for t < n; contiguous rows move as vectors. */
@inline
function scatterAddRow(dst: usize, src: usize, n: usize, stride: usize): void {
  if (stride == 1) {
    const body = n & ~3;
    for (let t: usize = 0; t < body; t += 4) {
      v128.store(dst + (t << 2), f32x4.add(v128.load(dst + (t << 2)), v128.load(src + (t << 2))));
    }
    for (let t = body; t < n; t++) store<f32>(dst + (t << 2), load<f32>(dst + (t << 2)) + load<f32>(src + (t << 2)));
  } else {
    const strideBytes = stride << 2;
    for (let t: usize = 0; t < n; t++) {
      const at = dst + t * strideBytes;
      store<f32>(at, load<f32>(at) + load<f32>(src + (t << 2)));
    }
  }
}

/**
 * Unfolds `batch` images x[batch, channels, height, width] into cols[batch, channels·kh·kw,
 * outH·outW] (see the file comment): cols[n, (c·kh + i)·kw + j, oy·outW + ox] =
 * x[n, c, oy·strideH − padH + i·dilationH, ox·strideW − padW + j·dilationW], 0 outside the input.
 * The caller computes outH/outW (PyTorch: ⌊(H + 2p − d·(k − 1) − 1) / s⌋ + 1).
 */
export function im2col(
  x: usize, cols: usize, batch: usize, channels: usize, height: usize, width: usize,
  kernelH: usize, kernelW: usize, strideH: usize, strideW: usize, padH: usize, padW: usize,
  dilationH: usize, dilationW: usize, outH: usize, outW: usize,
): void {
  const planeBytes = (height * width) << 2;
  const rowBytes = width << 2;
  const outRowBytes = outW << 2;
  let dst = cols;
  for (let plane: usize = 0; plane < batch * channels; plane++) {
    const src = x + plane * planeBytes;
    for (let i: usize = 0; i < kernelH; i++) {
      const offH = <isize>(i * dilationH) - <isize>padH;
      const oy0 = firstAtLeast(offH, strideH, 0, outH);
      const oy1 = max(oy0, firstAtLeast(offH, strideH, <isize>height, outH));
      for (let j: usize = 0; j < kernelW; j++) {
        const offW = <isize>(j * dilationW) - <isize>padW;
        const ox0 = firstAtLeast(offW, strideW, 0, outW);
        const ox1 = max(ox0, firstAtLeast(offW, strideW, <isize>width, outW));
        zeroRun(dst, oy0 * outW);
        dst += oy0 * outRowBytes;
        if (strideW == 1 && ox1 - ox0 >= 4 && oy1 > oy0) {
          const first = src + <usize>(<isize>(oy0 * strideH) + offH) * rowBytes + (<usize>(<isize>ox0 + offW) << 2);
          copyRows(dst, first, oy1 - oy0, ox0, ox1 - ox0, outW - ox1, strideH * rowBytes);
          dst += (oy1 - oy0) * outRowBytes;
        } else {
          for (let oy = oy0; oy < oy1; oy++) {
            const row = src + <usize>(<isize>(oy * strideH) + offH) * rowBytes;
            zeroRun(dst, ox0);
            gatherRow(dst + (ox0 << 2), row + (<usize>(<isize>(ox0 * strideW) + offW) << 2), ox1 - ox0, strideW);
            zeroRun(dst + (ox1 << 2), outW - ox1);
            dst += outRowBytes;
          }
        }
        zeroRun(dst, (outH - oy1) * outW);
        dst += (outH - oy1) * outRowBytes;
      }
    }
  }
}

/**
 * Folds cols[batch, channels·kh·kw, outH·outW] back into images x[batch, channels, height, width],
 * adding every column entry into the input element it was taken from (overlapping patches sum;
 * entries in the padding are dropped): the adjoint of {@link im2col}, with the same geometry.
 * With `accumulate` false, x is zeroed first; with true, the sums are added into x.
 */
export function col2im(
  cols: usize, x: usize, batch: usize, channels: usize, height: usize, width: usize,
  kernelH: usize, kernelW: usize, strideH: usize, strideW: usize, padH: usize, padW: usize,
  dilationH: usize, dilationW: usize, outH: usize, outW: usize, accumulate: bool,
): void {
  const planeBytes = (height * width) << 2;
  const rowBytes = width << 2;
  const outRowBytes = outW << 2;
  if (!accumulate) zeroRun(x, batch * channels * height * width);
  let src = cols;
  for (let plane: usize = 0; plane < batch * channels; plane++) {
    const dst = x + plane * planeBytes;
    for (let i: usize = 0; i < kernelH; i++) {
      const offH = <isize>(i * dilationH) - <isize>padH;
      const oy0 = firstAtLeast(offH, strideH, 0, outH);
      const oy1 = max(oy0, firstAtLeast(offH, strideH, <isize>height, outH));
      for (let j: usize = 0; j < kernelW; j++) {
        const offW = <isize>(j * dilationW) - <isize>padW;
        const ox0 = firstAtLeast(offW, strideW, 0, outW);
        const ox1 = max(ox0, firstAtLeast(offW, strideW, <isize>width, outW));
        if (strideW == 1 && oy1 > oy0) {
          const first = dst + <usize>(<isize>(oy0 * strideH) + offH) * rowBytes + (<usize>(<isize>ox0 + offW) << 2);
          addRows(first, src + oy0 * outRowBytes + (ox0 << 2), oy1 - oy0, ox1 - ox0, strideH * rowBytes, outRowBytes);
        } else {
          for (let oy = oy0; oy < oy1; oy++) {
            const row = dst + <usize>(<isize>(oy * strideH) + offH) * rowBytes;
            scatterAddRow(
              row + (<usize>(<isize>(ox0 * strideW) + offW) << 2),
              src + oy * outRowBytes + (ox0 << 2),
              ox1 - ox0,
              strideW,
            );
          }
        }
        src += outH * outRowBytes;
      }
    }
  }
}

// Batch normalisation over NCHW: statistics and normalisation per channel c, over the batch·plane
// elements x[n, c, ·] (plane = H·W; 1-D batch norm over [N, C, L] is plane = L, over [N, C] plane = 1).

const BLOCK: usize = 256;

/**
 * Σ (x[t] − shift) and Σ (x[t] − shift)² over a contiguous run of n floats, returned through the
 * two float64 slots at `sums` (added to what they hold). Float32 vectors over blocks of BLOCK
 * elements, carried in float64; subtracting a shift near the mean keeps the squares' sum accurate.
 */
function shiftedSums(p: usize, n: usize, shift: f32, sums: usize): void {
  const zero = k(K_ZERO);
  const vs = f32x4.splat(shift);
  let s: f64 = 0;
  let q: f64 = 0;
  let t: usize = 0;
  while (t < n) {
    const end = min(t + BLOCK, n);
    let a0 = zero;
    let b0 = zero;
    let a1 = zero;
    let b1 = zero;
    for (; t + 8 <= end; t += 8) {
      const d0 = f32x4.sub(v128.load(p + (t << 2)), vs);
      const d1 = f32x4.sub(v128.load(p + (t << 2), 16), vs);
      a0 = f32x4.add(a0, d0);
      a1 = f32x4.add(a1, d1);
      b0 = madd(d0, d0, b0);
      b1 = madd(d1, d1, b1);
    }
    for (; t + 4 <= end; t += 4) {
      const d = f32x4.sub(v128.load(p + (t << 2)), vs);
      a0 = f32x4.add(a0, d);
      b0 = madd(d, d, b0);
    }
    if (t < end) {
      // Partial lanes are filled with the shift, so they contribute 0.
      const d = f32x4.sub(loadPartial(p + (t << 2), end - t, vs), vs);
      a1 = f32x4.add(a1, d);
      b1 = madd(d, d, b1);
      t = end;
    }
    s += hsum64(f32x4.add(a0, a1));
    q += hsum64(f32x4.add(b0, b1));
  }
  store<f64>(sums, load<f64>(sums) + s);
  store<f64>(sums, load<f64>(sums, 8) + q, 8);
}

/**
 * Per-channel mean and biased variance (divisor batch·plane, as batch norm normalises with) of
 * x[batch, channels, plane], in one pass: mean[c], variance[c]. Sums run in float64 around a shift
 * (the channel's first element), so a large mean does not cancel the variance away. `scratch` holds
 * 16 bytes. Channels with no elements get NaN.
 */
export function channelMeanVar(
  x: usize, mean: usize, variance: usize, batch: usize, channels: usize, plane: usize, scratch: usize,
): void {
  const count = <f64>(batch * plane);
  for (let c: usize = 0; c < channels; c++) {
    store<f64>(scratch, 0);
    store<f64>(scratch, 0, 8);
    const shift = count > 0 ? load<f32>(x + ((c * plane) << 2)) : <f32>0;
    for (let n: usize = 0; n < batch; n++) shiftedSums(x + (((n * channels + c) * plane) << 2), plane, shift, scratch);
    const m = load<f64>(scratch) / count;
    const v = max<f64>(load<f64>(scratch, 8) / count - m * m, 0);
    store<f32>(mean + (c << 2), <f32>(<f64>shift + m));
    store<f32>(variance + (c << 2), <f32>(count > 0 ? v : NaN));
  }
}

/** y[t] = x[t]·a + b over n contiguous floats. */
@inline
function scaleShift(x: usize, y: usize, n: usize, a: f32, b: f32): void {
  const va = f32x4.splat(a);
  const vb = f32x4.splat(b);
  const body = n & ~3;
  for (let t: usize = 0; t < body; t += 4) v128.store(y + (t << 2), madd(v128.load(x + (t << 2)), va, vb));
  if (body < n) storePartial(y + (body << 2), madd(loadPartial(x + (body << 2), n - body, vb), va, vb), n - body);
}

/** 1 / sqrt(variance[c] + eps), in float64. */
@inline
function invStd(variance: usize, c: usize, eps: f64): f64 {
  return 1 / Math.sqrt(<f64>load<f32>(variance + (c << 2)) + eps);
}

/**
 * Batch norm forward over x[batch, channels, plane]: y = (x − mean[c]) / sqrt(variance[c] + eps) ·
 * gamma[c] + beta[c], fused into one multiply-add per element. `gamma` / `beta` = 0 (null) mean 1 / 0.
 * mean and variance are the batch statistics (training) or the running ones (evaluation).
 */
export function batchNorm2dForward(
  x: usize, y: usize, mean: usize, variance: usize, gamma: usize, beta: usize, eps: f64,
  batch: usize, channels: usize, plane: usize,
): void {
  for (let c: usize = 0; c < channels; c++) {
    const g: f64 = gamma != 0 ? <f64>load<f32>(gamma + (c << 2)) : 1;
    const b: f64 = beta != 0 ? <f64>load<f32>(beta + (c << 2)) : 0;
    const a = invStd(variance, c, eps) * g;
    const shift = <f32>(b - <f64>load<f32>(mean + (c << 2)) * a);
    for (let n: usize = 0; n < batch; n++) {
      const at = ((n * channels + c) * plane) << 2;
      scaleShift(x + at, y + at, plane, <f32>a, shift);
    }
  }
}

/** Σ gy[t] and Σ gy[t]·(x[t] − mean) over n floats, added into the two float64 slots at `sums`. */
function gradSums(x: usize, gy: usize, n: usize, mean: f32, sums: usize): void {
  const zero = k(K_ZERO);
  const vm = f32x4.splat(mean);
  let s: f64 = 0;
  let q: f64 = 0;
  let t: usize = 0;
  while (t < n) {
    const end = min(t + BLOCK, n);
    let a0 = zero;
    let b0 = zero;
    let a1 = zero;
    let b1 = zero;
    for (; t + 8 <= end; t += 8) {
      const g0 = v128.load(gy + (t << 2));
      const g1 = v128.load(gy + (t << 2), 16);
      a0 = f32x4.add(a0, g0);
      a1 = f32x4.add(a1, g1);
      b0 = madd(g0, f32x4.sub(v128.load(x + (t << 2)), vm), b0);
      b1 = madd(g1, f32x4.sub(v128.load(x + (t << 2), 16), vm), b1);
    }
    for (; t + 4 <= end; t += 4) {
      const g = v128.load(gy + (t << 2));
      a0 = f32x4.add(a0, g);
      b0 = madd(g, f32x4.sub(v128.load(x + (t << 2)), vm), b0);
    }
    if (t < end) {
      const g = loadPartial(gy + (t << 2), end - t, zero);
      a1 = f32x4.add(a1, g);
      b1 = madd(g, f32x4.sub(loadPartial(x + (t << 2), end - t, vm), vm), b1);
    }
    t = end;
    s += hsum64(f32x4.add(a0, a1));
    q += hsum64(f32x4.add(b0, b1));
  }
  store<f64>(sums, load<f64>(sums) + s);
  store<f64>(sums, load<f64>(sums, 8) + q, 8);
}

/**
 * Batch norm backward over x[batch, channels, plane] given gy. With xhat = (x − mean)·invstd and
 * invstd = 1 / sqrt(variance + eps), writes gradBeta[c] = Σ gy, gradGamma[c] = Σ gy·xhat and
 * - training (mean/variance are the batch statistics, N = batch·plane):
 *   gx = gamma·invstd / N · (N·gy − Σ gy − xhat·Σ gy·xhat);
 * - evaluation (fixed running statistics): gx = gy·gamma·invstd.
 * Any of gx, gradGamma, gradBeta may be 0 (null) to skip it; gamma = 0 means 1. Two passes over
 * each channel; `scratch` holds 16 bytes.
 */
export function batchNorm2dBackward(
  x: usize, gy: usize, mean: usize, variance: usize, gamma: usize, eps: f64,
  gx: usize, gradGamma: usize, gradBeta: usize, batch: usize, channels: usize, plane: usize,
  training: bool, scratch: usize,
): void {
  const count = <f64>(batch * plane);
  for (let c: usize = 0; c < channels; c++) {
    const m = load<f32>(mean + (c << 2));
    const invstd = invStd(variance, c, eps);
    const g: f64 = gamma != 0 ? <f64>load<f32>(gamma + (c << 2)) : 1;
    store<f64>(scratch, 0);
    store<f64>(scratch, 0, 8);
    if (training || gradGamma != 0 || gradBeta != 0) {
      for (let n: usize = 0; n < batch; n++) {
        const at = ((n * channels + c) * plane) << 2;
        gradSums(x + at, gy + at, plane, m, scratch);
      }
    }
    const sumGy = load<f64>(scratch);
    const sumGyXhat = load<f64>(scratch, 8) * invstd;
    if (gradBeta != 0) store<f32>(gradBeta + (c << 2), <f32>sumGy);
    if (gradGamma != 0) store<f32>(gradGamma + (c << 2), <f32>sumGyXhat);
    if (gx == 0) continue;
    if (training) {
      // gx = a·gy + b·x + d, with a = gamma·invstd, b = −a·invstd·ΣgyXhat/N, d = −a·Σgy/N − b·mean.
      const a = g * invstd;
      const b = -a * invstd * sumGyXhat / count;
      const d = -a * sumGy / count - b * <f64>m;
      for (let n: usize = 0; n < batch; n++) {
        const at = ((n * channels + c) * plane) << 2;
        affine2(gy + at, x + at, gx + at, plane, <f32>a, <f32>b, <f32>d);
      }
    } else {
      for (let n: usize = 0; n < batch; n++) {
        const at = ((n * channels + c) * plane) << 2;
        scaleShift(gy + at, gx + at, plane, <f32>(g * invstd), 0);
      }
    }
  }
}

/** out[t] = u[t]·a + v[t]·b + d over n contiguous floats. */
@inline
function affine2(u: usize, v: usize, out: usize, n: usize, a: f32, b: f32, d: f32): void {
  const va = f32x4.splat(a);
  const vb = f32x4.splat(b);
  const vd = f32x4.splat(d);
  const body = n & ~3;
  for (let t: usize = 0; t < body; t += 4) {
    v128.store(out + (t << 2), madd(v128.load(v + (t << 2)), vb, madd(v128.load(u + (t << 2)), va, vd)));
  }
  if (body < n) {
    const zero = k(K_ZERO);
    const r = madd(loadPartial(v + (body << 2), n - body, zero), vb, madd(loadPartial(u + (body << 2), n - body, zero), va, vd));
    storePartial(out + (body << 2), r, n - body);
  }
}
