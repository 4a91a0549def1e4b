// 2-D pooling over NCHW float32 tensors with PyTorch semantics, on `planes` = batch·channels
// independent [height, width] planes. 1-D pooling is the 2-D kernel with height 1 (kernel 1, stride
// 1, padding 0 along H). Output sizes come from the caller (ceilMode is applied there), so every
// window start lies in the input or its left/top padding.
//
// These loops are scalar — a pooling window reads each input a few times at most — except the
// common 2×2 / stride-2 max pooling, whose scalar loop measured as the costliest kernel of a
// LeNet-5 step (its per-element branch), and which has a SIMD path.

/** gx[0..n) = 0 unless accumulating. */
@inline
function clearUnless(accumulate: bool, gx: usize, n: usize): void {
  if (!accumulate && n > 0) memory.fill(gx, 0, n << 2);
}

/**
 * Max pooling: out[p, oy, ox] = max of x[p] over the window starting at (oy·strideH − padH,
 * ox·strideW − padW) with `kernel` taps `dilation` apart; padding counts as −∞. indices[p, oy, ox]
 * (int32) is the flat index iy·width + ix of the maximum within its plane, as PyTorch returns it:
 * the first maximum, or the last NaN (NaN propagates). A window wholly in the padding gives −∞ at
 * the index of its first tap inside the bounds below/right of the padding, as PyTorch does.
 */
export function maxPool2d(
  x: usize, out: usize, indices: usize, planes: usize, height: usize, width: usize,
  kernelH: usize, kernelW: usize, strideH: usize, strideW: usize, padH: usize, padW: usize,
  dilationH: usize, dilationW: usize, outH: usize, outW: usize,
): void {
  const h = <isize>height;
  const w = <isize>width;
  // The common 2×2 window with stride 2 and no padding takes a fast path for its whole windows (all
  // of a row's unless ceilMode added a partial last one).
  const pairs = kernelH == 2 && kernelW == 2 && strideH == 2 && strideW == 2 && padH == 0 && padW == 0 &&
    dilationH == 1 && dilationW == 1;
  const whole = pairs ? min(outW, width >> 1) : 0;
  let o: usize = 0;
  for (let p: usize = 0; p < planes; p++) {
    const src = x + ((p * height * width) << 2);
    for (let oy: usize = 0; oy < outH; oy++) {
      let done: usize = 0;
      if (pairs && (oy << 1) + 1 < height) {
        maxPool2x2Row(src, out + (o << 2), indices + (o << 2), oy, width, whole);
        done = whole;
        o += done;
        if (done == outW) continue;
      }
      let y0 = <isize>(oy * strideH) - <isize>padH;
      const y1 = min<isize>(y0 + <isize>((kernelH - 1) * dilationH) + 1, h);
      while (y0 < 0) y0 += <isize>dilationH;
      for (let ox: usize = done; ox < outW; ox++) {
        let x0 = <isize>(ox * strideW) - <isize>padW;
        const x1 = min<isize>(x0 + <isize>((kernelW - 1) * dilationW) + 1, w);
        while (x0 < 0) x0 += <isize>dilationW;
        let best = -Infinity as f32;
        let at = <i32>(y0 * w + x0);
        for (let iy = y0; iy < y1; iy += <isize>dilationH) {
          const row = src + (<usize>(iy * w) << 2);
          for (let ix = x0; ix < x1; ix += <isize>dilationW) {
            const v = load<f32>(row + (<usize>ix << 2));
            if (v > best || v != v) {
              best = v;
              at = <i32>(iy * w + ix);
            }
          }
        }
        store<f32>(out + (o << 2), best);
        store<i32>(indices + (o << 2), at);
        o++;
      }
    }
  }
}

/**
 * The first `count` outputs of row `oy` of 2×2 / stride-2 max pooling (their windows lie wholly in
 * rows 2·oy, 2·oy + 1), four per step; when `count` is not a multiple of four the last step
 * overlaps the one before (recomputing the same outputs) instead of leaving a tail to a slower loop.
 * Rows narrower than four outputs go through a scalar loop with the same rule.
 */
@inline
function maxPool2x2Row(src: usize, out: usize, indices: usize, oy: usize, width: usize, count: usize): void {
  const row0 = src + (((oy << 1) * width) << 2);
  const row1 = row0 + (width << 2);
  const base = <i32>((oy << 1) * width);
  const w = <i32>width;
  if (count < 4) {
    for (let ox: usize = 0; ox < count; ox++) {
      const q = ox << 3;
      const at = base + <i32>(ox << 1);
      let best = load<f32>(row0 + q);
      let which = 0;
      let v = load<f32>(row0 + q, 4);
      if (v > best || v != v) { best = v; which = 1; }
      v = load<f32>(row1 + q);
      if (v > best || v != v) { best = v; which = w; }
      v = load<f32>(row1 + q, 4);
      if (v > best || v != v) { best = v; which = w + 1; }
      store<f32>(out + (ox << 2), best);
      store<i32>(indices + (ox << 2), at + which);
    }
    return;
  }
  const first = i32x4.add(i32x4.splat(base), i32x4(0, 2, 4, 6));
  const last = count - 4;
  for (let ox: usize = 0; ; ox += 4) {
    if (ox > last) ox = last;
    const at = i32x4.add(first, i32x4.splat(<i32>(ox << 1)));
    maxPool2x2Quad(row0 + (ox << 3), row1 + (ox << 3), out + (ox << 2), indices + (ox << 2), at, w);
    if (ox == last) break;
  }
}

/**
 * Four 2×2 windows from 8 columns of two rows: the taps (y, x), (y, x+1), (y+1, x), (y+1, x+1) of
 * window i are lanes i of t0..t3, and `at` holds each window's first flat index. Without NaN the
 * result is the first maximum: pmax (a < b ? b : a) keeps its left operand on ties, so a tree of
 * pmax over the taps in window order gives the first maximum's bits (−0 before +0 stays −0), and
 * its index is that of the first tap equal to it. Vectors holding a NaN (or ∞ − ∞, which the NaN
 * test below cannot tell apart) take the scalar rule tap by tap: a later tap wins if greater, or
 * if NaN.
 */
@inline
function maxPool2x2Quad(row0: usize, row1: usize, out: usize, indices: usize, at: v128, width: i32): void {
  const a = v128.load(row0);
  const b = v128.load(row0, 16);
  const c = v128.load(row1);
  const d = v128.load(row1, 16);
  const t0 = v128.shuffle<f32>(a, b, 0, 2, 4, 6);
  const t1 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
  const t2 = v128.shuffle<f32>(c, d, 0, 2, 4, 6);
  const t3 = v128.shuffle<f32>(c, d, 1, 3, 5, 7);
  const sum = f32x4.add(f32x4.add(a, b), f32x4.add(c, d));
  let best: v128;
  let which: v128;
  if (!v128.any_true(f32x4.ne(sum, sum))) {
    best = f32x4.pmax(f32x4.pmax(t0, t1), f32x4.pmax(t2, t3));
    // The first tap equal to the maximum: tap 3 (offset width + 1) unless tap 2, 1 or 0 is.
    which = i32x4.add(i32x4.splat(width + 1), f32x4.eq(t2, best));
    which = v128.bitselect(i32x4.splat(1), which, f32x4.eq(t1, best));
    which = v128.andnot(which, f32x4.eq(t0, best));
  } else {
    best = t0;
    which = i32x4.splat(0);
    let take = v128.or(f32x4.gt(t1, best), f32x4.ne(t1, t1));
    best = v128.bitselect(t1, best, take);
    which = v128.bitselect(i32x4.splat(1), which, take);
    take = v128.or(f32x4.gt(t2, best), f32x4.ne(t2, t2));
    best = v128.bitselect(t2, best, take);
    which = v128.bitselect(i32x4.splat(width), which, take);
    take = v128.or(f32x4.gt(t3, best), f32x4.ne(t3, t3));
    best = v128.bitselect(t3, best, take);
    which = v128.bitselect(i32x4.splat(width + 1), which, take);
  }
  v128.store(out, best);
  v128.store(indices, i32x4.add(at, which));
}

/**
 * Gradient of {@link maxPool2d}: gx[p, indices[p, o]] += gy[p, o] (several outputs may pick the
 * same input; they sum). gx is zeroed first unless `accumulate`, a plane at a time: the scatter
 * then adds into a plane still in cache instead of into a whole cleared tensor already evicted.
 * Indices outside the plane (from windows wholly in the padding) are skipped.
 */
export function maxPool2dBackward(
  gy: usize, indices: usize, gx: usize, planes: usize, height: usize, width: usize,
  outH: usize, outW: usize, accumulate: bool,
): void {
  const plane = height * width;
  const outPlane = outH * outW;
  // Small planes are cleared a few at a time (about 4 KB): a fill per 400-byte plane cost more than it saved.
  const group = max<usize>(1, 1024 / max<usize>(plane, 1));
  let o: usize = 0;
  for (let p: usize = 0; p < planes; p++) {
    const dst = gx + ((p * plane) << 2);
    if (p % group == 0) clearUnless(accumulate, dst, min(group, planes - p) * plane);
    for (let t: usize = 0; t < outPlane; t++) {
      const at = <usize>load<i32>(indices + (o << 2));
      if (at < plane) store<f32>(dst + (at << 2), load<f32>(dst + (at << 2)) + load<f32>(gy + (o << 2)));
      o++;
    }
  }
}

/**
 * Average pooling, PyTorch's rules: the window [oy·s − p, oy·s − p + k) is first cut at the far
 * padding edge (height + padH), giving the divisor with `countIncludePad`; then cut to the input,
 * giving the divisor without it. A `divisorOverride` > 0 replaces both. A window with no input
 * element gives 0.
 */
export function avgPool2d(
  x: usize, out: usize, planes: usize, height: usize, width: usize,
  kernelH: usize, kernelW: usize, strideH: usize, strideW: usize, padH: usize, padW: usize,
  outH: usize, outW: usize, countIncludePad: bool, divisorOverride: i32,
): void {
  const h = <isize>height;
  const w = <isize>width;
  let o: usize = 0;
  for (let p: usize = 0; p < planes; p++) {
    const src = x + ((p * height * width) << 2);
    for (let oy: usize = 0; oy < outH; oy++) {
      let y0 = <isize>(oy * strideH) - <isize>padH;
      let y1 = min<isize>(y0 + <isize>kernelH, h + <isize>padH);
      const spanH = y1 - y0;
      y0 = max<isize>(y0, 0);
      y1 = min<isize>(y1, h);
      for (let ox: usize = 0; ox < outW; ox++) {
        let x0 = <isize>(ox * strideW) - <isize>padW;
        let x1 = min<isize>(x0 + <isize>kernelW, w + <isize>padW);
        const spanW = x1 - x0;
        x0 = max<isize>(x0, 0);
        x1 = min<isize>(x1, w);
        let result: f32 = 0;
        if (y0 < y1 && x0 < x1) {
          let sum: f32 = 0;
          for (let iy = y0; iy < y1; iy++) {
            const row = src + (<usize>(iy * w) << 2);
            for (let ix = x0; ix < x1; ix++) sum += load<f32>(row + (<usize>ix << 2));
          }
          const divisor = divisorOverride > 0 ? divisorOverride : countIncludePad ? <i32>(spanH * spanW) : <i32>((y1 - y0) * (x1 - x0));
          result = sum / <f32>divisor;
        }
        store<f32>(out + (o << 2), result);
        o++;
      }
    }
  }
}

/** Gradient of {@link avgPool2d} (same geometry and divisor rules): each gy spreads gy / divisor over
 * its window's input elements. gx is zeroed first unless `accumulate`. */
export function avgPool2dBackward(
  gy: usize, gx: usize, planes: usize, height: usize, width: usize,
  kernelH: usize, kernelW: usize, strideH: usize, strideW: usize, padH: usize, padW: usize,
  outH: usize, outW: usize, countIncludePad: bool, divisorOverride: i32, accumulate: bool,
): void {
  const h = <isize>height;
  const w = <isize>width;
  clearUnless(accumulate, gx, planes * height * width);
  let o: usize = 0;
  for (let p: usize = 0; p < planes; p++) {
    const dst = gx + ((p * height * width) << 2);
    for (let oy: usize = 0; oy < outH; oy++) {
      let y0 = <isize>(oy * strideH) - <isize>padH;
      let y1 = min<isize>(y0 + <isize>kernelH, h + <isize>padH);
      const spanH = y1 - y0;
      y0 = max<isize>(y0, 0);
      y1 = min<isize>(y1, h);
      for (let ox: usize = 0; ox < outW; ox++) {
        let x0 = <isize>(ox * strideW) - <isize>padW;
        let x1 = min<isize>(x0 + <isize>kernelW, w + <isize>padW);
        const spanW = x1 - x0;
        x0 = max<isize>(x0, 0);
        x1 = min<isize>(x1, w);
        if (y0 < y1 && x0 < x1) {
          const divisor = divisorOverride > 0 ? divisorOverride : countIncludePad ? <i32>(spanH * spanW) : <i32>((y1 - y0) * (x1 - x0));
          const g = load<f32>(gy + (o << 2)) / <f32>divisor;
          for (let iy = y0; iy < y1; iy++) {
            const row = dst + (<usize>(iy * w) << 2);
            for (let ix = x0; ix < x1; ix++) store<f32>(row + (<usize>ix << 2), load<f32>(row + (<usize>ix << 2)) + g);
          }
        }
        o++;
      }
    }
  }
}

/** Start of adaptive window i: ⌊i·size / outSize⌋. */
@inline
function adaptiveStart(i: usize, size: usize, outSize: usize): usize {
  return (i * size) / outSize;
}

/** End of adaptive window i: ⌈(i + 1)·size / outSize⌉. */
@inline
function adaptiveEnd(i: usize, size: usize, outSize: usize): usize {
  return ((i + 1) * size + outSize - 1) / outSize;
}

/**
 * Adaptive average pooling to [outH, outW]: output (oy, ox) averages rows [⌊oy·H/outH⌋,
 * ⌈(oy+1)·H/outH⌉) and the columns likewise (PyTorch's windows, which may overlap).
 */
export function adaptiveAvgPool2d(x: usize, out: usize, planes: usize, height: usize, width: usize, outH: usize, outW: usize): void {
  let o: usize = 0;
  for (let p: usize = 0; p < planes; p++) {
    const src = x + ((p * height * width) << 2);
    for (let oy: usize = 0; oy < outH; oy++) {
      const y0 = adaptiveStart(oy, height, outH);
      const y1 = adaptiveEnd(oy, height, outH);
      for (let ox: usize = 0; ox < outW; ox++) {
        const x0 = adaptiveStart(ox, width, outW);
        const x1 = adaptiveEnd(ox, width, outW);
        let sum: f32 = 0;
        for (let iy = y0; iy < y1; iy++) {
          const row = src + ((iy * width) << 2);
          for (let ix = x0; ix < x1; ix++) sum += load<f32>(row + (ix << 2));
        }
        store<f32>(out + (o << 2), sum / <f32>((y1 - y0) * (x1 - x0)));
        o++;
      }
    }
  }
}

/** Gradient of {@link adaptiveAvgPool2d}: each gy spreads gy / window size over its window. gx is
 * zeroed first unless `accumulate`. */
export function adaptiveAvgPool2dBackward(
  gy: usize, gx: usize, planes: usize, height: usize, width: usize, outH: usize, outW: usize, accumulate: bool,
): void {
  clearUnless(accumulate, gx, planes * height * width);
  let o: usize = 0;
  for (let p: usize = 0; p < planes; p++) {
    const dst = gx + ((p * height * width) << 2);
    for (let oy: usize = 0; oy < outH; oy++) {
      const y0 = adaptiveStart(oy, height, outH);
      const y1 = adaptiveEnd(oy, height, outH);
      for (let ox: usize = 0; ox < outW; ox++) {
        const x0 = adaptiveStart(ox, width, outW);
        const x1 = adaptiveEnd(ox, width, outW);
        const g = load<f32>(gy + (o << 2)) / <f32>((y1 - y0) * (x1 - x0));
        for (let iy = y0; iy < y1; iy++) {
          const row = dst + ((iy * width) << 2);
          for (let ix = x0; ix < x1; ix++) store<f32>(row + (ix << 2), load<f32>(row + (ix << 2)) + g);
        }
        o++;
      }
    }
  }
}
