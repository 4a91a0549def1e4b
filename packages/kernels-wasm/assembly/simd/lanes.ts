// Loading and storing the last 1–3 floats of a buffer as a vector, so that tails run the very same
// vector code as the body: results never depend on a length's remainder or a buffer's alignment.

/** Loads `count` (1..3) floats from `ptr` into the low lanes; the other lanes hold `fill`. */
@inline
export function loadPartial(ptr: usize, count: usize, fill: v128): v128 {
  let v = v128.load32_lane(ptr, fill, 0);
  if (count > 1) v = v128.load32_lane(ptr + 4, v, 1);
  if (count > 2) v = v128.load32_lane(ptr + 8, v, 2);
  return v;
}

/** Stores the low `count` (1..3) lanes of `v` to `ptr`. */
@inline
export function storePartial(ptr: usize, v: v128, count: usize): void {
  v128.store32_lane(ptr, v, 0);
  if (count > 1) v128.store32_lane(ptr + 4, v, 1);
  if (count > 2) v128.store32_lane(ptr + 8, v, 2);
}

/** Gathers 4 floats spaced `strideBytes` apart (used for non-contiguous operands). */
@inline
export function loadStrided(ptr: usize, strideBytes: usize): v128 {
  let v = v128.load32_zero(ptr);
  v = v128.load32_lane(ptr + strideBytes, v, 1);
  v = v128.load32_lane(ptr + 2 * strideBytes, v, 2);
  return v128.load32_lane(ptr + 3 * strideBytes, v, 3);
}

/** Gathers `count` (1..3) floats spaced `strideBytes` apart; the other lanes hold `fill`. */
@inline
export function loadStridedPartial(ptr: usize, strideBytes: usize, count: usize, fill: v128): v128 {
  let v = v128.load32_lane(ptr, fill, 0);
  if (count > 1) v = v128.load32_lane(ptr + strideBytes, v, 1);
  if (count > 2) v = v128.load32_lane(ptr + 2 * strideBytes, v, 2);
  return v;
}

/** Sum of the four lanes. */
@inline
export function hsum(v: v128): f32 {
  const s = f32x4.add(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1);
}

/** Sum of the four lanes, in float64. */
@inline
export function hsum64(v: v128): f64 {
  const lo = f64x2.promote_low_f32x4(v);
  const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  const s = f64x2.add(lo, hi);
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
}

/** Fused multiply-add `a * b + c` in the relaxed build, separate multiply and add otherwise. */
@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(a, b, c);
  } else {
    return f32x4.add(f32x4.mul(a, b), c);
  }
}

/** A whole vector at `ptr` when `full`, else the first `count` lanes (the rest 0): loop bodies with tails. */
@inline
export function loadMasked(ptr: usize, full: bool, count: usize): v128 {
  return full ? v128.load(ptr) : loadPartial(ptr, count, f32x4.splat(0));
}

/** Stores a whole vector when `full`, else its first `count` lanes. */
@inline
export function storeMasked(ptr: usize, v: v128, full: bool, count: usize): void {
  if (full) v128.store(ptr, v);
  else storePartial(ptr, v, count);
}
