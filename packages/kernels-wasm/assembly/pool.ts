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
  // The common 2×2 window with stride 2 and no padding takes a SIMD path for full windows.
  const pairs = kernelH == 2 && kernelW == 2 && strideH == 2 && strideW == 2 && padH == 0 && padW == 0 &&
    dilationH == 1 && dilationW == 1;
  let o: usize = 0;
  for (let p: usize = 0; p < planes; p++) {
    const src = x + ((p * height * width) << 2);
    for (let oy: usize = 0; oy < outH; oy++) {
      let done: usize = 0;
      if (pairs && (oy << 1) + 1 < height) {
        done = maxPool2x2Row(src, out + (o << 2), indices + (o << 2), oy, width, outW);
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
 * One output row of 2×2 / stride-2 max pooling, four outputs per step: rows 2·oy and 2·oy + 1 are
 * split into even and odd columns, and the four taps of each window are compared in window order
 * with the scalar path's rule (a later tap wins if greater, or if NaN), indices alongside. Returns how
 * many outputs it wrote (the rest of the row, whose windows pass the last 8 columns, is left to the
 * scalar path).
 */
function maxPool2x2Row(src: usize, out: usize, indices: usize, oy: usize, width: usize, outW: usize): usize {
  const row0 = src + (((oy << 1) * width) << 2);
  const row1 = row0 + (width << 2);
  const base = <i32>((oy << 1) * width);
  const stepIndex = i32x4(0, 2, 4, 6);
  const offset1 = i32x4.splat(1);
  const offset2 = i32x4.splat(<i32>width);
  const offset3 = i32x4.splat(<i32>width + 1);
  let ox: usize = 0;
  while (ox + 4 <= outW && (ox << 1) + 8 <= width) {
    const at = ox << 3;
    const a = v128.load(row0 + at);
    const b = v128.load(row0 + at, 16);
    const c = v128.load(row1 + at);
    const d = v128.load(row1 + at, 16);
    // Taps in window order: (y, x), (y, x+1), (y+1, x), (y+1, x+1).
    const t0 = v128.shuffle<f32>(a, b, 0, 2, 4, 6);
    const t1 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
    const t2 = v128.shuffle<f32>(c, d, 0, 2, 4, 6);
    const t3 = v128.shuffle<f32>(c, d, 1, 3, 5, 7);
    let best = t0;
    let which = i32x4.splat(0);
    let take = v128.or(f32x4.gt(t1, best), f32x4.ne(t1, t1));
    best = v128.bitselect(t1, best, take);
    which = v128.bitselect(offset1, which, take);
    take = v128.or(f32x4.gt(t2, best), f32x4.ne(t2, t2));
    best = v128.bitselect(t2, best, take);
    which = v128.bitselect(offset2, which, take);
    take = v128.or(f32x4.gt(t3, best), f32x4.ne(t3, t3));
    best = v128.bitselect(t3, best, take);
    which = v128.bitselect(offset3, which, take);
    const first = i32x4.add(i32x4.splat(base + <i32>(ox << 1)), stepIndex);
    v128.store(out + (ox << 2), best);
    v128.store(indices + (ox << 2), i32x4.add(first, which));
    ox += 4;
  }
  return ox;
}

/**
 * Gradient of {@link maxPool2d}: gx[p, indices[p, o]] += gy[p, o] (several outputs may pick the
 * same input; they sum). gx is zeroed first unless `accumulate`. Indices outside the plane (from
 * windows wholly in the padding) are skipped.
 */
export function maxPool2dBackward(
  gy: usize, indices: usize, gx: usize, planes: usize, height: usize, width: usize,
  outH: usize, outW: usize, accumulate: bool,
): void {
  const plane = height * width;
  const outPlane = outH * outW;
  clearUnless(accumulate, gx, planes * plane);
  let o: usize = 0;
  for (let p: usize = 0; p < planes; p++) {
    const dst = gx + ((p * plane) << 2);
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
