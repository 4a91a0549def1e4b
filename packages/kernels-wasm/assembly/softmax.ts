// Row softmax and log-softmax over contiguous [rows, cols] float32, max-subtracted for stability,
// and their fused backward passes.

import { maxRow, sumRow } from './reduce';
import { K_ZERO, k } from './simd/constants';
import { hsum64, loadPartial, storePartial } from './simd/lanes';
import { expNonPositive } from './simd/math';

const BLOCK: usize = 1024;

/** Writes exp(x - shift) to `out` (if `write`) and returns the sum of those values in float64. */
@inline
function expShiftedRow(x: usize, out: usize, cols: usize, shift: v128, write: bool): f64 {
  const zero = k(K_ZERO);
  let total: f64 = 0;
  let i: usize = 0;
  while (i < cols) {
    const end = min(i + BLOCK, cols);
    let acc = zero;
    let acc1 = zero;
    // Two independent exp chains per iteration keep the (long, serial) polynomial pipelines full.
    for (; i + 8 <= end; i += 8) {
      const q = x + (i << 2);
      const e0 = expNonPositive(f32x4.sub(v128.load(q), shift));
      const e1 = expNonPositive(f32x4.sub(v128.load(q, 16), shift));
      if (write) {
        v128.store(out + (i << 2), e0);
        v128.store(out + (i << 2), e1, 16);
      }
      acc = f32x4.add(acc, e0);
      acc1 = f32x4.add(acc1, e1);
    }
    acc = f32x4.add(acc, acc1);
    for (; i + 4 <= end; i += 4) {
      const e = expNonPositive(f32x4.sub(v128.load(x + (i << 2)), shift));
      if (write) v128.store(out + (i << 2), e);
      acc = f32x4.add(acc, e);
    }
    if (i < end) {
      const rest = end - i;
      // Padding lanes are -inf so that their exp is exactly 0.
      const e = expNonPositive(f32x4.sub(loadPartial(x + (i << 2), rest, f32x4.splat(-Infinity)), shift));
      if (write) storePartial(out + (i << 2), e, rest);
      acc = f32x4.add(acc, e);
      i = end;
    }
    total += hsum64(acc);
  }
  return total;
}

/** out[r, :] = (x[r, :] − first) − second, or x[r, :] · scale when `multiply` (normalising a row). */
@inline
function normaliseRow(x: usize, out: usize, cols: usize, a: v128, b: v128, multiply: bool): void {
  const zero = k(K_ZERO);
  const body = cols & ~3;
  for (let i: usize = 0; i < body; i += 4) {
    const v = v128.load(x + (i << 2));
    v128.store(out + (i << 2), multiply ? f32x4.mul(v, a) : f32x4.sub(f32x4.sub(v, a), b));
  }
  if (body < cols) {
    const rest = cols - body;
    const v = loadPartial(x + (body << 2), rest, zero);
    storePartial(out + (body << 2), multiply ? f32x4.mul(v, a) : f32x4.sub(f32x4.sub(v, a), b), rest);
  }
}

/**
 * Softmax (or log-softmax when `log`) of each row of a contiguous [rows, cols] matrix.
 * `out` may be `x`. A row that is all -inf, or contains +inf or NaN, gives NaN (as in PyTorch).
 */
export function softmax(x: usize, out: usize, rows: usize, cols: usize, log: bool): void {
  const rowBytes = cols << 2;
  for (let r: usize = 0; r < rows; r++) {
    const src = x + r * rowBytes;
    const dst = out + r * rowBytes;
    const m = maxRow(src, cols);
    const shift = f32x4.splat(m);
    if (log) {
      const logSum = <f32>Math.log(expShiftedRow(src, dst, cols, shift, false));
      // (x − m) − log(sum): subtracting m first keeps the result exact for the largest entry.
      normaliseRow(src, dst, cols, shift, f32x4.splat(logSum), false);
    } else {
      const sum = expShiftedRow(src, dst, cols, shift, true);
      normaliseRow(dst, dst, cols, f32x4.splat(<f32>(1.0 / sum)), shift, true);
    }
  }
}

/** Sum of a[i] * b[i] over `n` contiguous floats, in float64. */
export function dotRow(a: usize, b: usize, n: usize): f64 {
  const zero = k(K_ZERO);
  let total: f64 = 0;
  let i: usize = 0;
  while (i < n) {
    const end = min(i + BLOCK, n);
    let acc = zero;
    for (; i + 4 <= end; i += 4) {
      acc = f32x4.add(acc, f32x4.mul(v128.load(a + (i << 2)), v128.load(b + (i << 2))));
    }
    if (i < end) {
      const rest = end - i;
      acc = f32x4.add(acc, f32x4.mul(loadPartial(a + (i << 2), rest, zero), loadPartial(b + (i << 2), rest, zero)));
      i = end;
    }
    total += hsum64(acc);
  }
  return total;
}

/**
 * Gradient of row softmax / log-softmax given its output `y` and the output gradient `gy`:
 * softmax: gx = y * (gy - Σ gy·y); log-softmax: gx = gy - exp(y) * Σ gy. `gx` may alias `gy`.
 */
export function softmaxBackward(y: usize, gy: usize, gx: usize, rows: usize, cols: usize, log: bool): void {
  const rowBytes = cols << 2;
  const zero = k(K_ZERO);
  const body = cols & ~3;
  for (let r: usize = 0; r < rows; r++) {
    const yr = y + r * rowBytes;
    const gyr = gy + r * rowBytes;
    const gxr = gx + r * rowBytes;
    if (log) {
      const s = f32x4.splat(<f32>sumRow(gyr, cols));
      for (let i: usize = 0; i < body; i += 4) {
        const o = i << 2;
        v128.store(gxr + o, f32x4.sub(v128.load(gyr + o), f32x4.mul(expNonPositive(v128.load(yr + o)), s)));
      }
      if (body < cols) {
        const o = body << 2;
        const rest = cols - body;
        const g = f32x4.sub(loadPartial(gyr + o, rest, zero), f32x4.mul(expNonPositive(loadPartial(yr + o, rest, zero)), s));
        storePartial(gxr + o, g, rest);
      }
    } else {
      const d = f32x4.splat(<f32>dotRow(gyr, yr, cols));
      for (let i: usize = 0; i < body; i += 4) {
        const o = i << 2;
        v128.store(gxr + o, f32x4.mul(v128.load(yr + o), f32x4.sub(v128.load(gyr + o), d)));
      }
      if (body < cols) {
        const o = body << 2;
        const rest = cols - body;
        const g = f32x4.mul(loadPartial(yr + o, rest, zero), f32x4.sub(loadPartial(gyr + o, rest, zero), d));
        storePartial(gxr + o, g, rest);
      }
    }
  }
}
