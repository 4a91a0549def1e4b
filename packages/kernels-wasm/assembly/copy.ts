// Layout kernels: strided gather into a contiguous buffer (contiguous(), permute, broadcast
// materialisation), blocked 2-D transposes, and fills.

import { K_ZERO, k } from './simd/constants';
import { loadPartial, loadStrided, storePartial } from './simd/lanes';

/** The 4×4 in-register transpose used by the transpose kernel and the SGEMM packing. */
@inline
export function transpose4(r0: v128, r1: v128, r2: v128, r3: v128, out: usize, ldOutBytes: usize): void {
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(out, v128.shuffle<f64>(t0, t2, 0, 2));
  v128.store(out + ldOutBytes, v128.shuffle<f64>(t0, t2, 1, 3));
  v128.store(out + 2 * ldOutBytes, v128.shuffle<f64>(t1, t3, 0, 2));
  v128.store(out + 3 * ldOutBytes, v128.shuffle<f64>(t1, t3, 1, 3));
}

/**
 * out = transpose of a [rows, cols] matrix whose rows are `ldSrc` elements apart; out is a
 * contiguous [cols, rows] matrix. Works on 4×4 blocks in registers, scalar at the edges.
 */
export function transpose2d(src: usize, out: usize, rows: usize, cols: usize, ldSrc: usize): void {
  const ldSrcBytes = ldSrc << 2;
  const ldOutBytes = rows << 2;
  const rowBody = rows & ~3;
  const colBody = cols & ~3;
  for (let i: usize = 0; i < rowBody; i += 4) {
    const s = src + i * ldSrcBytes;
    for (let j: usize = 0; j < colBody; j += 4) {
      const q = s + (j << 2);
      transpose4(
        v128.load(q),
        v128.load(q + ldSrcBytes),
        v128.load(q + 2 * ldSrcBytes),
        v128.load(q + 3 * ldSrcBytes),
        out + ((j * rows + i) << 2),
        ldOutBytes,
      );
    }
    for (let j = colBody; j < cols; j++) {
      for (let r: usize = 0; r < 4; r++) {
        store<f32>(out + ((j * rows + i + r) << 2), load<f32>(s + r * ldSrcBytes + (j << 2)));
      }
    }
  }
  for (let i = rowBody; i < rows; i++) {
    const s = src + i * ldSrcBytes;
    for (let j: usize = 0; j < cols; j++) store<f32>(out + ((j * rows + i) << 2), load<f32>(s + (j << 2)));
  }
}

/** Copies `n` elements spaced `stride` elements apart into contiguous `out`. */
@inline
function gatherRun(src: usize, stride: usize, out: usize, n: usize): void {
  if (stride == 1) {
    memory.copy(out, src, n << 2);
    return;
  }
  const strideBytes = stride << 2;
  const body = n & ~3;
  for (let i: usize = 0; i < body; i += 4) v128.store(out + (i << 2), loadStrided(src + i * strideBytes, strideBytes));
  for (let i = body; i < n; i++) store<f32>(out + (i << 2), load<f32>(src + i * strideBytes));
}

/**
 * Gathers a strided n-d view into contiguous `out` (32-bit elements: float32 or int32 alike).
 * `meta` points to int32s: shape[ndim], strides[ndim] (elements, non-negative; 0 broadcasts), then
 * ndim ints of scratch. A view whose last two dimensions are transposed (stride 1 on the second-last)
 * goes through the blocked transpose.
 */
export function copyStrided(src: usize, out: usize, ndim: i32, meta: usize): void {
  if (ndim <= 0) {
    store<u32>(out, load<u32>(src));
    return;
  }
  const shape = meta;
  const strides = meta + (<usize>ndim << 2);
  const counters = strides + (<usize>ndim << 2);
  const last = <usize>(ndim - 1) << 2;
  const n = <usize>load<i32>(shape + last);
  const inner = <usize>load<i32>(strides + last);
  let transposed = false;
  let rows: usize = 1;
  let outerDims = ndim - 1;
  if (ndim >= 2 && inner != 1 && load<i32>(strides + last - 4) == 1 && n >= 4) {
    rows = <usize>load<i32>(shape + last - 4);
    transposed = rows >= 4;
    if (transposed) outerDims = ndim - 2;
  }
  let outer: usize = 1;
  for (let d = 0; d < outerDims; d++) {
    outer *= <usize>load<i32>(shape + (<usize>d << 2));
    store<i32>(counters + (<usize>d << 2), 0);
  }
  const runElements = transposed ? rows * n : n;
  if (runElements == 0) return;
  let ps = src;
  let po = out;
  for (let o: usize = 0; o < outer; o++) {
    if (transposed) {
      // out[r, c] = src[r + c * inner]: the transpose of a [n, rows] matrix with row stride `inner`.
      transpose2d(ps, po, n, rows, inner);
    } else {
      gatherRun(ps, inner, po, n);
    }
    po += runElements << 2;
    for (let d = outerDims - 1; d >= 0; d--) {
      const at = <usize>d << 2;
      const count = load<i32>(counters + at) + 1;
      const size = load<i32>(shape + at);
      const step = <usize>load<i32>(strides + at) << 2;
      if (count < size) {
        store<i32>(counters + at, count);
        ps += step;
        break;
      }
      store<i32>(counters + at, 0);
      ps -= <usize>(size - 1) * step;
    }
  }
}

/**
 * Scatters contiguous `src` into a strided n-d view `out` (the inverse of {@link copyStrided}); with
 * `accumulate`, adds into the view instead (float32 only). `meta` as for copyStrided: shape[ndim],
 * strides of `out`[ndim] (elements, non-negative), ndim ints of scratch. With a stride of 0 the
 * view repeats elements: plain copies then keep the last value, accumulation sums them all.
 */
export function copyIntoStrided(src: usize, out: usize, ndim: i32, meta: usize, accumulate: bool): void {
  if (ndim <= 0) {
    if (accumulate) store<f32>(out, load<f32>(out) + load<f32>(src));
    else store<u32>(out, load<u32>(src));
    return;
  }
  const shape = meta;
  const strides = meta + (<usize>ndim << 2);
  const counters = strides + (<usize>ndim << 2);
  const last = <usize>(ndim - 1) << 2;
  const n = <usize>load<i32>(shape + last);
  const inner = <usize>load<i32>(strides + last);
  const innerBytes = inner << 2;
  let outer: usize = 1;
  for (let d = 0; d < ndim - 1; d++) {
    outer *= <usize>load<i32>(shape + (<usize>d << 2));
    store<i32>(counters + (<usize>d << 2), 0);
  }
  if (n == 0) return;
  let ps = src;
  let po = out;
  for (let o: usize = 0; o < outer; o++) {
    if (accumulate) {
      if (inner == 1) {
        const body = n & ~3;
        for (let i: usize = 0; i < body; i += 4) {
          v128.store(po + (i << 2), f32x4.add(v128.load(po + (i << 2)), v128.load(ps + (i << 2))));
        }
        for (let i = body; i < n; i++) store<f32>(po + (i << 2), load<f32>(po + (i << 2)) + load<f32>(ps + (i << 2)));
      } else {
        for (let i: usize = 0; i < n; i++) store<f32>(po + i * innerBytes, load<f32>(po + i * innerBytes) + load<f32>(ps + (i << 2)));
      }
    } else if (inner == 1) {
      memory.copy(po, ps, n << 2);
    } else {
      for (let i: usize = 0; i < n; i++) store<u32>(po + i * innerBytes, load<u32>(ps + (i << 2)));
    }
    ps += n << 2;
    for (let d = ndim - 2; d >= 0; d--) {
      const at = <usize>d << 2;
      const count = load<i32>(counters + at) + 1;
      const size = load<i32>(shape + at);
      const step = <usize>load<i32>(strides + at) << 2;
      if (count < size) {
        store<i32>(counters + at, count);
        po += step;
        break;
      }
      store<i32>(counters + at, 0);
      po -= <usize>(size - 1) * step;
    }
  }
}

/** out[i] = value for i < n (float32). */
export function fill(out: usize, n: usize, value: f32): void {
  const v = f32x4.splat(value);
  const body = n & ~3;
  for (let i: usize = 0; i < body; i += 4) v128.store(out + (i << 2), v);
  if (body < n) storePartial(out + (body << 2), v, n - body);
}

/** out[i] = value for i < n (int32). */
export function fillI32(out: usize, n: usize, value: i32): void {
  const v = i32x4.splat(value);
  const body = n & ~3;
  for (let i: usize = 0; i < body; i += 4) v128.store(out + (i << 2), v);
  if (body < n) storePartial(out + (body << 2), v, n - body);
}

/** out[i] = (float) x[i]: int32 to float32. */
export function i32ToF32(x: usize, out: usize, n: usize): void {
  const body = n & ~3;
  for (let i: usize = 0; i < body; i += 4) v128.store(out + (i << 2), f32x4.convert_i32x4_s(v128.load(x + (i << 2))));
  if (body < n) {
    storePartial(out + (body << 2), f32x4.convert_i32x4_s(loadPartial(x + (body << 2), n - body, k(K_ZERO))), n - body);
  }
}

/** out[i] = trunc(x[i]) as int32, saturating (NaN → 0): float32 to int32. */
export function f32ToI32(x: usize, out: usize, n: usize): void {
  const body = n & ~3;
  for (let i: usize = 0; i < body; i += 4) v128.store(out + (i << 2), i32x4.trunc_sat_f32x4_s(v128.load(x + (i << 2))));
  if (body < n) {
    storePartial(out + (body << 2), i32x4.trunc_sat_f32x4_s(loadPartial(x + (body << 2), n - body, k(K_ZERO))), n - body);
  }
}
