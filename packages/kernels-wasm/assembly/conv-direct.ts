// Direct (no im2col columns) 2-D convolution, stride 1 and dilation 1, over zero-padded input planes:
// a grey image's first layer, depthwise layers, and small multi-channel layers (LeNet-5's second).
//
// The input comes as xpad[batch, groups·inPerGroup, planeH, planeW]: each plane already holds its
// padding, and every row is long enough for whole vectors of outputs (planeW ≥ 4·⌈outW/4⌉ + kw − 1,
// planeH ≥ outH + kh − 1, the extra columns zero), so the loops read without bounds tests and the last
// vector of a row only needs a partial store. Output channel o = g·perGroup + c reads the planes of
// group g, xpad[n, g·inPerGroup + k] for k < inPerGroup, with w[o, k, i, j]:
//   forward          y[n, o, y, x] = bias[o] + Σ_k Σ_ij w[o, k, i, j] · xpad[n, g·inPerGroup + k][y + i, x + j]
//   weight gradient  gw[o, k, i, j] = Σ_n,y,x gy[n, o, y, x] · xpad[n, g·inPerGroup + k][y + i, x + j]
// The input gradient is the forward of gy padded by k − 1 − padding with the kernel flipped and its
// two channel axes swapped within each group (the caller arranges it).
// Tiles keep their accumulators in registers: the forward up to 2 channels × 4 vectors of a row (the
// input vector of a tap is loaded once for all of them; the tile sums over input channels and taps),
// the weight gradient 2 channels × up to 4 taps or 1 channel × up to 5 taps of a kernel row (vector
// sums over the plane, one horizontal sum per tile and image; summing a tile over several images
// before the horizontal sum, with masked loads for a row's last vector, ran slower: LeNet-5 layer 1
// 311 → 575 µs). The tile functions are inlined with
// constant sizes, so each size compiles to straight-line code.

import { hsum, loadPartial, madd, storeMasked, storePartial } from './simd/lanes';

/**
 * Copies planes x[planes, height, width] into zeroed padded planes out[planes, outHeight, outWidth]
 * at row padH, column padW (outHeight ≥ height + padH, outWidth ≥ width + padW).
 */
export function padPlanes(
  x: usize, out: usize, planes: usize, height: usize, width: usize, padH: usize, padW: usize,
  outHeight: usize, outWidth: usize,
): void {
  const rowBytes = width << 2;
  const outRowBytes = outWidth << 2;
  const outPlaneBytes = outHeight * outRowBytes;
  const right = outWidth - width - padW;
  const body = width & ~3;
  for (let p: usize = 0; p < planes; p++) {
    const src = x + p * height * rowBytes;
    const plane = out + p * outPlaneBytes;
    memory.fill(plane, 0, padH * outRowBytes);
    for (let r: usize = 0; r < height; r++) {
      const s = src + r * rowBytes;
      const d = plane + (padH + r) * outRowBytes;
      zeros(d, padW);
      const dx = d + (padW << 2);
      for (let t: usize = 0; t < body; t += 4) v128.store(dx + (t << 2), v128.load(s + (t << 2)));
      if (body < width) storePartial(dx + (body << 2), loadPartial(s + (body << 2), width - body, f32x4.splat(0)), width - body);
      zeros(dx + rowBytes, right);
    }
    memory.fill(plane + (padH + height) * outRowBytes, 0, (outHeight - padH - height) * outRowBytes);
  }
}

/** dst[0..n) = 0 with vector stores (short runs: a row's padding). */
@inline
function zeros(dst: usize, n: usize): void {
  const zero = f32x4.splat(0);
  let t: usize = 0;
  for (; t + 4 <= n; t += 4) v128.store(dst + (t << 2), zero);
  if (t < n) storePartial(dst + (t << 2), zero, n - t);
}

/** Stores `V` (1..4) vectors of a row at `dst`, the last one's first `last` lanes only. */
@inline
function storeRow(dst: usize, V: i32, last: usize, a0: v128, a1: v128, a2: v128, a3: v128): void {
  if (V == 1) storeMasked(dst, a0, last == 4, last);
  else v128.store(dst, a0);
  if (V == 2) storeMasked(dst + 16, a1, last == 4, last);
  else if (V > 2) v128.store(dst, a1, 16);
  if (V == 3) storeMasked(dst + 32, a2, last == 4, last);
  else if (V > 3) v128.store(dst, a2, 32);
  if (V == 4) storeMasked(dst + 48, a3, last == 4, last);
}

/**
 * One forward tile: `C` (1..2) output channels × `V` (1..4) vectors of one output row, summed over
 * `planes` input planes `planeBytes` apart. `src` is the first padded plane at the tile's first input
 * row and column, `w` the first channel's filter (`planes` kernels, `filterBytes` in all), `bias` its
 * bias (0: none), `dst` its output; the last vector stores `last` lanes.
 */
@inline
function forwardTile(
  C: i32, V: i32, src: usize, w: usize, bias: usize, dst: usize, outPlaneBytes: usize,
  rowBytes: usize, planes: usize, planeBytes: usize, filterBytes: usize, kh: usize, kw: usize,
  last: usize,
): void {
  const zero = f32x4.splat(0);
  const b0 = bias != 0 ? v128.load32_splat(bias) : zero;
  const b1 = C > 1 && bias != 0 ? v128.load32_splat(bias, 4) : zero;
  let a00 = b0, a01 = b0, a02 = b0, a03 = b0;
  let a10 = b1, a11 = b1, a12 = b1, a13 = b1;
  let wp = w;
  for (let k: usize = 0; k < planes; k++) {
    let row = src + k * planeBytes;
    for (let i: usize = 0; i < kh; i++) {
      for (let j: usize = 0; j < kw; j++) {
        const p = row + (j << 2);
        const w0 = v128.load32_splat(wp);
        const w1 = C > 1 ? v128.load32_splat(wp + filterBytes) : zero;
        let x = v128.load(p);
        a00 = madd(x, w0, a00);
        if (C > 1) a10 = madd(x, w1, a10);
        if (V > 1) {
          x = v128.load(p, 16);
          a01 = madd(x, w0, a01);
          if (C > 1) a11 = madd(x, w1, a11);
        }
        if (V > 2) {
          x = v128.load(p, 32);
          a02 = madd(x, w0, a02);
          if (C > 1) a12 = madd(x, w1, a12);
        }
        if (V > 3) {
          x = v128.load(p, 48);
          a03 = madd(x, w0, a03);
          if (C > 1) a13 = madd(x, w1, a13);
        }
        wp += 4;
      }
      row += rowBytes;
    }
  }
  storeRow(dst, V, last, a00, a01, a02, a03);
  if (C > 1) storeRow(dst + outPlaneBytes, V, last, a10, a11, a12, a13);
}

/** {@link forwardTile} with constant sizes (each call compiles to its own straight-line code). */
@inline
function forwardTileOf(
  C: usize, V: usize, src: usize, w: usize, bias: usize, dst: usize, outPlaneBytes: usize,
  rowBytes: usize, planes: usize, planeBytes: usize, filterBytes: usize, kh: usize, kw: usize,
  last: usize,
): void {
  if (C == 2) {
    if (V == 4) forwardTile(2, 4, src, w, bias, dst, outPlaneBytes, rowBytes, planes, planeBytes, filterBytes, kh, kw, last);
    else if (V == 3) forwardTile(2, 3, src, w, bias, dst, outPlaneBytes, rowBytes, planes, planeBytes, filterBytes, kh, kw, last);
    else if (V == 2) forwardTile(2, 2, src, w, bias, dst, outPlaneBytes, rowBytes, planes, planeBytes, filterBytes, kh, kw, last);
    else forwardTile(2, 1, src, w, bias, dst, outPlaneBytes, rowBytes, planes, planeBytes, filterBytes, kh, kw, last);
  } else {
    if (V == 4) forwardTile(1, 4, src, w, bias, dst, outPlaneBytes, rowBytes, planes, planeBytes, filterBytes, kh, kw, last);
    else if (V == 3) forwardTile(1, 3, src, w, bias, dst, outPlaneBytes, rowBytes, planes, planeBytes, filterBytes, kh, kw, last);
    else if (V == 2) forwardTile(1, 2, src, w, bias, dst, outPlaneBytes, rowBytes, planes, planeBytes, filterBytes, kh, kw, last);
    else forwardTile(1, 1, src, w, bias, dst, outPlaneBytes, rowBytes, planes, planeBytes, filterBytes, kh, kw, last);
  }
}

/**
 * y[batch, groups·perGroup, outH, outW] = the stride-1 convolution of padded planes
 * xpad[batch, groups·inPerGroup, planeH, planeW] (see the file comment) by
 * w[groups·perGroup, inPerGroup, kh, kw], plus bias[groups·perGroup] (0: none).
 */
export function convDirectForward(
  xpad: usize, w: usize, bias: usize, y: usize, batch: usize, groups: usize, inPerGroup: usize,
  perGroup: usize, planeH: usize, planeW: usize, kh: usize, kw: usize, outH: usize, outW: usize,
): void {
  const rowBytes = planeW << 2;
  const planeBytes = planeH * rowBytes;
  const outRowBytes = outW << 2;
  const outPlaneBytes = outH * outRowBytes;
  const filterBytes = (inPerGroup * kh * kw) << 2;
  const cout = groups * perGroup;
  const vectors = (outW + 3) >> 2;
  const lastLanes = outW - ((vectors - 1) << 2);
  for (let n: usize = 0; n < batch; n++) {
    for (let g: usize = 0; g < groups; g++) {
      const src = xpad + (n * groups + g) * inPerGroup * planeBytes;
      for (let c: usize = 0; c < perGroup; c += 2) {
        const C = min<usize>(2, perGroup - c);
        const o = g * perGroup + c;
        const wo = w + o * filterBytes;
        const bo = bias != 0 ? bias + (o << 2) : 0;
        const out = y + (n * cout + o) * outPlaneBytes;
        for (let oy: usize = 0; oy < outH; oy++) {
          for (let v: usize = 0; v < vectors; v += 4) {
            const V = min<usize>(4, vectors - v);
            const last = v + V == vectors ? lastLanes : 4;
            const s = src + oy * rowBytes + (v << 4);
            const d = out + oy * outRowBytes + (v << 4);
            forwardTileOf(
              C, V, s, wo, bo, d, outPlaneBytes, rowBytes, inPerGroup, planeBytes, filterBytes, kh, kw, last,
            );
          }
        }
      }
    }
  }
}

/**
 * One weight-gradient tile over one image: `C` (1..2) channels × `J` (1..5; 1..4 for 2 channels)
 * taps of one kernel row,
 * over the output columns [x0, x1) of every row. `src` is the padded plane at that kernel row and
 * the tile's first column, `gy` the first channel's output gradient plane; adds each tap's sum into
 * gw (first channel's, first tap at `gw`; the second channel's `filterBytes` after it). With `whole` the columns are whole vectors; else [x0, x1)
 * is a row's last 1–3 outputs, loaded as partial vectors (zeros past them in both operands: an Inf
 * in the input beyond a tap's reach must not make 0·Inf = NaN).
 */
@inline
function weightGradTile(
  C: i32, J: i32, whole: bool, src: usize, gy: usize, gw: usize, outPlaneBytes: usize,
  rowBytes: usize, filterBytes: usize, outH: usize, outW: usize, x0: usize, x1: usize,
): void {
  const zero = f32x4.splat(0);
  const count = x1 - x0;
  let s00 = zero, s01 = zero, s02 = zero, s03 = zero, s04 = zero;
  let s10 = zero, s11 = zero, s12 = zero, s13 = zero, s14 = zero;
  for (let oy: usize = 0; oy < outH; oy++) {
    const row = src + oy * rowBytes;
    const grow = gy + oy * (outW << 2);
    for (let x = x0; x < x1; x += 4) {
      const q = grow + (x << 2);
      const g0 = whole ? v128.load(q) : loadPartial(q, count, zero);
      const g1 = C < 2 ? zero : whole ? v128.load(q + outPlaneBytes) : loadPartial(q + outPlaneBytes, count, zero);
      const p = row + (x << 2);
      let v = whole ? v128.load(p) : loadPartial(p, count, zero);
      s00 = madd(v, g0, s00);
      if (C > 1) s10 = madd(v, g1, s10);
      if (J > 1) {
        v = whole ? v128.load(p, 4) : loadPartial(p + 4, count, zero);
        s01 = madd(v, g0, s01);
        if (C > 1) s11 = madd(v, g1, s11);
      }
      if (J > 2) {
        v = whole ? v128.load(p, 8) : loadPartial(p + 8, count, zero);
        s02 = madd(v, g0, s02);
        if (C > 1) s12 = madd(v, g1, s12);
      }
      if (J > 3) {
        v = whole ? v128.load(p, 12) : loadPartial(p + 12, count, zero);
        s03 = madd(v, g0, s03);
        if (C > 1) s13 = madd(v, g1, s13);
      }
      if (J > 4) {
        v = whole ? v128.load(p, 16) : loadPartial(p + 16, count, zero);
        s04 = madd(v, g0, s04);
        if (C > 1) s14 = madd(v, g1, s14);
      }
    }
  }
  addSums(gw, J, s00, s01, s02, s03, s04);
  if (C > 1) addSums(gw + filterBytes, J, s10, s11, s12, s13, s14);
}

/** gw[t] += the lane sum of s_t for the first `J` taps. */
@inline
function addSums(gw: usize, J: i32, s0: v128, s1: v128, s2: v128, s3: v128, s4: v128): void {
  store<f32>(gw, load<f32>(gw) + hsum(s0));
  if (J > 1) store<f32>(gw, load<f32>(gw, 4) + hsum(s1), 4);
  if (J > 2) store<f32>(gw, load<f32>(gw, 8) + hsum(s2), 8);
  if (J > 3) store<f32>(gw, load<f32>(gw, 12) + hsum(s3), 12);
  if (J > 4) store<f32>(gw, load<f32>(gw, 16) + hsum(s4), 16);
}

/**
 * {@link weightGradTile} with constant sizes over the whole vectors of the rows; the rows' last 1–3
 * outputs (if any) one tap at a time, in a tile of one tap.
 */
@inline
function weightGradTileOf(
  C: usize, J: usize, src: usize, gy: usize, gw: usize, outPlaneBytes: usize, rowBytes: usize,
  filterBytes: usize, outH: usize, outW: usize,
): void {
  const full = outW & ~3;
  if (full > 0) {
    if (C == 2) {
      if (J == 4) weightGradTile(2, 4, true, src, gy, gw, outPlaneBytes, rowBytes, filterBytes, outH, outW, 0, full);
      else if (J == 3) weightGradTile(2, 3, true, src, gy, gw, outPlaneBytes, rowBytes, filterBytes, outH, outW, 0, full);
      else if (J == 2) weightGradTile(2, 2, true, src, gy, gw, outPlaneBytes, rowBytes, filterBytes, outH, outW, 0, full);
      else weightGradTile(2, 1, true, src, gy, gw, outPlaneBytes, rowBytes, filterBytes, outH, outW, 0, full);
    } else {
      if (J == 5) weightGradTile(1, 5, true, src, gy, gw, outPlaneBytes, rowBytes, filterBytes, outH, outW, 0, full);
      else if (J == 4) weightGradTile(1, 4, true, src, gy, gw, outPlaneBytes, rowBytes, filterBytes, outH, outW, 0, full);
      else if (J == 3) weightGradTile(1, 3, true, src, gy, gw, outPlaneBytes, rowBytes, filterBytes, outH, outW, 0, full);
      else if (J == 2) weightGradTile(1, 2, true, src, gy, gw, outPlaneBytes, rowBytes, filterBytes, outH, outW, 0, full);
      else weightGradTile(1, 1, true, src, gy, gw, outPlaneBytes, rowBytes, filterBytes, outH, outW, 0, full);
    }
  }
  if (full < outW) {
    for (let j: usize = 0; j < J; j++) {
      const s = src + (j << 2);
      const at = gw + (j << 2);
      if (C == 2) weightGradTile(2, 1, false, s, gy, at, outPlaneBytes, rowBytes, filterBytes, outH, outW, full, outW);
      else weightGradTile(1, 1, false, s, gy, at, outPlaneBytes, rowBytes, filterBytes, outH, outW, full, outW);
    }
  }
}

/** Σ of n contiguous floats (vector sums, then the 1–3 last). */
@inline
function planeSum(p: usize, n: usize): f32 {
  let s = f32x4.splat(0);
  const body = n & ~3;
  for (let t: usize = 0; t < body; t += 4) s = f32x4.add(s, v128.load(p + (t << 2)));
  if (body < n) s = f32x4.add(s, loadPartial(p + (body << 2), n - body, f32x4.splat(0)));
  return hsum(s);
}

/**
 * The weight gradient gw[groups·perGroup, inPerGroup, kh, kw] of {@link convDirectForward} given
 * gy[batch, groups·perGroup, outH, outW], and (unless `gb` is 0) the bias gradient gb[o] = Σ gy[·, o];
 * both overwritten, for the output channels o in [first, first + count) only (the pointers are those
 * of the whole tensors), so that ranges of channels can run apart.
 */
export function convDirectWeightGrad(
  xpad: usize, gy: usize, gw: usize, gb: usize, batch: usize, groups: usize, inPerGroup: usize,
  perGroup: usize, first: usize, count: usize, planeH: usize, planeW: usize, kh: usize, kw: usize,
  outH: usize, outW: usize,
): void {
  const rowBytes = planeW << 2;
  const planeBytes = planeH * rowBytes;
  const outPlane = outH * outW;
  const outPlaneBytes = outPlane << 2;
  const kernelBytes = (kh * kw) << 2;
  const filterBytes = inPerGroup * kernelBytes;
  const cout = groups * perGroup;
  const end = first + count;
  // Two channels share each input load when a kernel row fits in 4 taps (8 accumulators); wider
  // rows take one channel and 5 taps (V8 spills 10 accumulators and 3 operands, ~40% slower).
  const pair: usize = kw <= 4 ? 2 : 1;
  memory.fill(gw + first * filterBytes, 0, count * filterBytes);
  if (gb != 0) memory.fill(gb + (first << 2), 0, count << 2);
  const imageBytes = groups * inPerGroup * planeBytes;
  const gyImageBytes = cout * outPlaneBytes;
  for (let n: usize = 0; n < batch; n++) {
    for (let o = first; o < end; ) {
      // A tile's channels share their input planes: the same group.
      const g = o / perGroup;
      const C = min<usize>(pair, min<usize>(end, (g + 1) * perGroup) - o);
      const gyo = gy + n * gyImageBytes + o * outPlaneBytes;
      for (let k: usize = 0; k < inPerGroup; k++) {
        const src = xpad + n * imageBytes + (g * inPerGroup + k) * planeBytes;
        for (let i: usize = 0; i < kh; i++) {
          for (let j: usize = 0; j < kw; j += 5) {
            const J = min<usize>(5, kw - j);
            const s = src + i * rowBytes + (j << 2);
            const at = gw + o * filterBytes + k * kernelBytes + ((i * kw + j) << 2);
            weightGradTileOf(C, J, s, gyo, at, outPlaneBytes, rowBytes, filterBytes, outH, outW);
          }
        }
      }
      if (gb != 0) {
        for (let c: usize = 0; c < C; c++) {
          const at = gb + ((o + c) << 2);
          store<f32>(at, load<f32>(at) + planeSum(gyo + c * outPlaneBytes, outPlane));
        }
      }
      o += C;
    }
  }
}
