// Reductions along one axis of a contiguous tensor viewed as [outer, len, inner]:
// out[o, j] = reduce_k x[o, k, j]. A whole-tensor reduction is outer = inner = 1.
//
// Sums are accumulated in float32 vectors (16 lanes) over blocks of SUM_BLOCK elements and the block sums are
// carried in float64, so a long row sums with an error that does not grow with its length.
// max/min propagate NaN; argmax/argmin return the first index of the extreme value, and treat NaN
// as the extreme (as PyTorch does).

import { ReduceOp } from '../src/opcodes';
import { K_ZERO, KI_INF, KI_NAN, KI_NEG_INF, k, ki } from './simd/constants';
import { hsum64, loadPartial } from './simd/lanes';

const SUM_BLOCK: usize = 256;

/** Sum of `len` contiguous floats at `p`. */
export function sumRow(p: usize, len: usize): f64 {
  let total: f64 = 0;
  for (let i: usize = 0; i < len; i += SUM_BLOCK) total += hsum64(blockLanes(p + (i << 2), min(SUM_BLOCK, len - i)));
  return total;
}

/** A block of `len` ≤ SUM_BLOCK floats summed into four float32 lanes (16 at a time, then 4, then the rest). */
@inline
function blockLanes(p: usize, len: usize): v128 {
  const zero = k(K_ZERO);
  let a0 = zero;
  let a1 = zero;
  let a2 = zero;
  let a3 = zero;
  let i: usize = 0;
  for (; i + 16 <= len; i += 16) {
    const q = p + (i << 2);
    a0 = f32x4.add(a0, v128.load(q));
    a1 = f32x4.add(a1, v128.load(q, 16));
    a2 = f32x4.add(a2, v128.load(q, 32));
    a3 = f32x4.add(a3, v128.load(q, 48));
  }
  for (; i + 4 <= len; i += 4) a0 = f32x4.add(a0, v128.load(p + (i << 2)));
  if (i < len) a1 = f32x4.add(a1, loadPartial(p + (i << 2), len - i, zero));
  return f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3));
}

/**
 * out[o] = sumRow of row o for `outer` rows of `len` ≤ SUM_BLOCK floats (bit-identical), two rows
 * at a time: the horizontal float64 sums of both share vectors. Per-row overhead dominated short
 * rows such as a conv bias gradient's (sums over 28 or 10 columns): 1.7× faster.
 */
function sumShortRows(x: usize, out: usize, outer: usize, len: usize): void {
  const rowBytes = len << 2;
  const zero = f64x2.splat(0);
  let o: usize = 0;
  for (; o + 2 <= outer; o += 2) {
    const s0 = blockLanes(x + o * rowBytes, len);
    const s1 = blockLanes(x + (o + 1) * rowBytes, len);
    // hsum64 of each row, (l0 + l2) + (l1 + l3), then added to sumRow's total of 0.
    const pairs0 = f64x2.add(f64x2.promote_low_f32x4(s0), f64x2.promote_low_f32x4(v128.shuffle<f32>(s0, s0, 2, 3, 0, 1)));
    const pairs1 = f64x2.add(f64x2.promote_low_f32x4(s1), f64x2.promote_low_f32x4(v128.shuffle<f32>(s1, s1, 2, 3, 0, 1)));
    const sums = f64x2.add(v128.shuffle<f64>(pairs0, pairs1, 0, 2), v128.shuffle<f64>(pairs0, pairs1, 1, 3));
    v128.store64_lane(out + (o << 2), f32x4.demote_f64x2_zero(f64x2.add(zero, sums)), 0);
  }
  if (o < outer) store<f32>(out + (o << 2), <f32>sumRow(x + o * rowBytes, len));
}

/** pmax/pmin: one instruction each (f32x4.max/min lower to several to honour NaN and −0). A NaN in
 * `b` is lost here, so callers track NaN separately with {@link nanLanes}. */
@inline
function extremeVec(isMax: bool, a: v128, b: v128): v128 {
  return isMax ? f32x4.pmax(a, b) : f32x4.pmin(a, b);
}

/** Lanes that are NaN in `v`, OR-ed into `seen`. */
@inline
function nanLanes(seen: v128, v: v128): v128 {
  return v128.or(seen, f32x4.ne(v, v));
}

@inline
function extremeRow(isMax: bool, p: usize, len: usize): f32 {
  const worst = isMax ? ki(KI_NEG_INF) : ki(KI_INF);
  let a0 = worst;
  let a1 = worst;
  let nan = k(K_ZERO);
  let i: usize = 0;
  for (; i + 8 <= len; i += 8) {
    const q = p + (i << 2);
    const v0 = v128.load(q);
    const v1 = v128.load(q, 16);
    a0 = extremeVec(isMax, a0, v0);
    a1 = extremeVec(isMax, a1, v1);
    nan = nanLanes(nanLanes(nan, v0), v1);
  }
  for (; i < len; i += 4) {
    const v = len - i >= 4 ? v128.load(p + (i << 2)) : loadPartial(p + (i << 2), len - i, worst);
    a0 = extremeVec(isMax, a0, v);
    nan = nanLanes(nan, v);
  }
  if (v128.any_true(nan)) return NaN;
  const v = extremeVec(isMax, a0, a1);
  const w = extremeVec(isMax, v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  const x = extremeVec(isMax, w, v128.shuffle<f32>(w, w, 1, 0, 3, 2));
  return f32x4.extract_lane(x, 0);
}

/** Largest of `len` contiguous floats (NaN if any is NaN, -inf if len is 0). */
export function maxRow(p: usize, len: usize): f32 {
  return extremeRow(true, p, len);
}

/** Lanes where `v` beats `best`: strictly greater (smaller for min), or NaN where best is not. */
@inline
function beatsVec(isMax: bool, v: v128, best: v128): v128 {
  const strictly = isMax ? f32x4.gt(v, best) : f32x4.lt(v, best);
  return v128.or(strictly, v128.andnot(f32x4.ne(v, v), f32x4.ne(best, best)));
}

@inline
function beatsScalar(isMax: bool, v: f32, i: i32, best: f32, bestIndex: i32): bool {
  const vNaN = v != v;
  const bestNaN = best != best;
  if (vNaN || bestNaN) return vNaN && (!bestNaN || i < bestIndex);
  if (v == best) return i < bestIndex;
  return isMax ? v > best : v < best;
}

@inline
function argExtremeRow(isMax: bool, p: usize, len: usize): i32 {
  if (len == 0) return -1;
  const worst = isMax ? ki(KI_NEG_INF) : ki(KI_INF);
  const four = i32x4.splat(4);
  let index = i32x4(0, 1, 2, 3);
  let bestIndex = index;
  let best = len >= 4 ? v128.load(p) : loadPartial(p, len, worst);
  let i: usize = 4;
  for (; i + 4 <= len; i += 4) {
    index = i32x4.add(index, four);
    const v = v128.load(p + (i << 2));
    const m = beatsVec(isMax, v, best);
    best = v128.bitselect(v, best, m);
    bestIndex = v128.bitselect(index, bestIndex, m);
  }
  if (i < len) {
    index = i32x4.add(index, four);
    const v = loadPartial(p + (i << 2), len - i, worst);
    const m = beatsVec(isMax, v, best);
    best = v128.bitselect(v, best, m);
    bestIndex = v128.bitselect(index, bestIndex, m);
  }
  // Lanes hold interleaved candidates: the winner is the best value, ties to the smallest index.
  let value = f32x4.extract_lane(best, 0);
  let at = i32x4.extract_lane(bestIndex, 0);
  for (let lane = 1; lane < 4; lane++) {
    const v = lane == 1 ? f32x4.extract_lane(best, 1) : lane == 2 ? f32x4.extract_lane(best, 2) : f32x4.extract_lane(best, 3);
    const j = lane == 1 ? i32x4.extract_lane(bestIndex, 1) : lane == 2 ? i32x4.extract_lane(bestIndex, 2) : i32x4.extract_lane(bestIndex, 3);
    if (<usize>j < len && beatsScalar(isMax, v, j, value, at)) {
      value = v;
      at = j;
    }
  }
  return at;
}

/** Column reductions: 4 adjacent columns at a time, walking down the `len` rows. */
@inline
function reduceColumns(op: i32, x: usize, out: usize, len: usize, inner: usize): void {
  const rowBytes = inner << 2;
  const zero = k(K_ZERO);
  for (let j: usize = 0; j < inner; j += 4) {
    const width = min<usize>(4, inner - j);
    const column = x + (j << 2);
    const target = out + (j << 2);
    if (op == ReduceOp.Sum) {
      let lo = f64x2.splat(0);
      let hi = f64x2.splat(0);
      let r: usize = 0;
      while (r < len) {
        const end = min(r + SUM_BLOCK, len);
        let acc = zero;
        for (; r < end; r++) {
          const q = column + r * rowBytes;
          acc = f32x4.add(acc, width == 4 ? v128.load(q) : loadPartial(q, width, zero));
        }
        lo = f64x2.add(lo, f64x2.promote_low_f32x4(acc));
        hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.shuffle<f32>(acc, acc, 2, 3, 0, 1)));
      }
      const sums = v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
      storeWidth(target, sums, width);
    } else if (op == ReduceOp.Max || op == ReduceOp.Min) {
      const isMax = op == ReduceOp.Max;
      let acc = isMax ? ki(KI_NEG_INF) : ki(KI_INF);
      let nan = zero;
      for (let r: usize = 0; r < len; r++) {
        const q = column + r * rowBytes;
        const v = width == 4 ? v128.load(q) : loadPartial(q, width, zero);
        acc = extremeVec(isMax, acc, v);
        nan = nanLanes(nan, v);
      }
      storeWidth(target, v128.bitselect(ki(KI_NAN), acc, nan), width);
    } else {
      const isMax = op == ReduceOp.ArgMax;
      let best = zero;
      let bestIndex = i32x4.splat(len == 0 ? -1 : 0);
      for (let r: usize = 0; r < len; r++) {
        const q = column + r * rowBytes;
        const v = width == 4 ? v128.load(q) : loadPartial(q, width, zero);
        const m = r == 0 ? i32x4.splat(-1) : beatsVec(isMax, v, best);
        best = v128.bitselect(v, best, m);
        bestIndex = v128.bitselect(i32x4.splat(<i32>r), bestIndex, m);
      }
      storeWidth(target, bestIndex, width);
    }
  }
}

@inline
function storeWidth(p: usize, v: v128, width: usize): void {
  if (width == 4) {
    v128.store(p, v);
  } else {
    v128.store32_lane(p, v, 0);
    if (width > 1) v128.store32_lane(p + 4, v, 1);
    if (width > 2) v128.store32_lane(p + 8, v, 2);
  }
}

/**
 * Reduces a contiguous [outer, len, inner] float32 tensor along its middle axis into [outer, inner]:
 * float32 for Sum/Max/Min, int32 for ArgMax/ArgMin. For len = 0: sum 0, max -inf, min +inf, arg -1.
 */
export function reduce(op: i32, x: usize, out: usize, outer: usize, len: usize, inner: usize): void {
  if (op == ReduceOp.Sum && inner == 1 && len <= SUM_BLOCK) {
    sumShortRows(x, out, outer, len);
    return;
  }
  const sliceBytes = (len * inner) << 2;
  const outBytes = inner << 2;
  for (let o: usize = 0; o < outer; o++) {
    const src = x + o * sliceBytes;
    const dst = out + o * outBytes;
    if (inner == 1) {
      switch (op) {
        case ReduceOp.Sum: store<f32>(dst, <f32>sumRow(src, len)); break;
        case ReduceOp.Max: store<f32>(dst, extremeRow(true, src, len)); break;
        case ReduceOp.Min: store<f32>(dst, extremeRow(false, src, len)); break;
        case ReduceOp.ArgMax: store<i32>(dst, argExtremeRow(true, src, len)); break;
        case ReduceOp.ArgMin: store<i32>(dst, argExtremeRow(false, src, len)); break;
        default: unreachable();
      }
    } else {
      switch (op) {
        case ReduceOp.Sum: reduceColumns(ReduceOp.Sum, src, dst, len, inner); break;
        case ReduceOp.Max: reduceColumns(ReduceOp.Max, src, dst, len, inner); break;
        case ReduceOp.Min: reduceColumns(ReduceOp.Min, src, dst, len, inner); break;
        case ReduceOp.ArgMax: reduceColumns(ReduceOp.ArgMax, src, dst, len, inner); break;
        case ReduceOp.ArgMin: reduceColumns(ReduceOp.ArgMin, src, dst, len, inner); break;
        default: unreachable();
      }
    }
  }
}

/** Sum of squares of `n` contiguous floats, in float64 (for norms: gradient clipping, distances). */
export function sumSquares(p: usize, n: usize): f64 {
  let total: f64 = 0;
  let i: usize = 0;
  const zero = k(K_ZERO);
  while (i < n) {
    const end = min(i + SUM_BLOCK, n);
    let a0 = zero;
    let a1 = zero;
    for (; i + 8 <= end; i += 8) {
      const q = p + (i << 2);
      const v0 = v128.load(q);
      const v1 = v128.load(q, 16);
      a0 = f32x4.add(a0, f32x4.mul(v0, v0));
      a1 = f32x4.add(a1, f32x4.mul(v1, v1));
    }
    for (; i < end; i += 4) {
      const v = end - i >= 4 ? v128.load(p + (i << 2)) : loadPartial(p + (i << 2), end - i, zero);
      a0 = f32x4.add(a0, f32x4.mul(v, v));
    }
    i = end;
    total += hsum64(f32x4.add(a0, a1));
  }
  return total;
}
