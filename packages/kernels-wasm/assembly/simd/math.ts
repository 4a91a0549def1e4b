// Vector transcendentals on f32x4. Each follows a Cephes single-precision routine; the accuracy of
// each, measured against float64 over its whole domain, is stated in the package README and checked by
// the tests. Special values follow IEEE/C (NaN in → NaN out, exp(-inf) = 0, log(0) = -inf, …).

import {
  K_EXP_HI,
  K_EXP_LO,
  K_EXP_P0,
  K_EXP_SHORT_LO,
  K_EXP_SHORT_P0,
  K_EXPM1_P0,
  K_FLT_MIN,
  K_HALF,
  K_LN2_HI,
  K_LN2_LO,
  K_LOG_P0,
  K_LOG2E,
  K_ONE,
  K_ROUND_MAGIC,
  K_SQRT_HALF,
  K_TANH_P0,
  K_TANH_SMALL,
  K_TWO,
  K_TWO23,
  K_TWO24,
  K_ZERO,
  KI_23,
  KI_126,
  KI_ABS_MASK,
  KI_BIAS,
  KI_HALF_BITS,
  KI_INF,
  KI_MANTISSA,
  KI_NAN,
  KI_NEG_INF,
  KI_ONE,
  KI_ROUND_MAGIC_BITS,
  KI_SIGN_MASK,
  k,
  ki,
} from './constants';

/** `a * b + c` without fusing, so that both builds give identical elementwise results. */
@inline
function mulAdd(a: v128, b: v128, c: v128): v128 {
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Horner evaluation of `count` (5..9) table coefficients from `first`, highest degree first. Written
 * out rather than looped: the count is a compile-time constant and the loop would not be unrolled. */
@inline
function horner(x: v128, first: i32, count: i32): v128 {
  let p = mulAdd(k(first), x, k(first + 1));
  p = mulAdd(p, x, k(first + 2));
  p = mulAdd(p, x, k(first + 3));
  p = mulAdd(p, x, k(first + 4));
  if (count > 5) p = mulAdd(p, x, k(first + 5));
  if (count > 6) p = mulAdd(p, x, k(first + 6));
  if (count > 7) p = mulAdd(p, x, k(first + 7));
  if (count > 8) p = mulAdd(p, x, k(first + 8));
  return p;
}

/** e^x. Range reduction x = n·ln2 + r, |r| ≤ ln2/2, degree-6 polynomial, scaling by 2^n in two steps
 * so that results down to the subnormals and up to overflow come out right. */
@inline
export function expv(x: v128): v128 {
  // pmax/pmin keep a NaN in x (they return x when a comparison with NaN is false).
  x = f32x4.pmin(f32x4.pmax(x, k(K_EXP_LO)), k(K_EXP_HI));
  const t = mulAdd(x, k(K_LOG2E), k(K_ROUND_MAGIC));
  const n = f32x4.sub(t, k(K_ROUND_MAGIC));
  const ni = i32x4.sub(t, ki(KI_ROUND_MAGIC_BITS));
  let r = f32x4.sub(x, f32x4.mul(n, k(K_LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(n, k(K_LN2_LO)));
  const p = horner(r, K_EXP_P0, 6);
  const y = f32x4.add(mulAdd(p, f32x4.mul(r, r), r), k(K_ONE));
  const half = i32x4.shr_s(ni, 1);
  const rest = i32x4.sub(ni, half);
  const scale1 = i32x4.shl(i32x4.add(half, ki(KI_BIAS)), 23);
  const scale2 = i32x4.shl(i32x4.add(rest, ki(KI_BIAS)), 23);
  return f32x4.mul(f32x4.mul(y, scale1), scale2);
}

/** e^x for x ≤ 0 only (softmax's exp(x − max)), about 40% cheaper than {@link expv}: a degree-5
 * polynomial (relative error ≤ 1.7e-7 ≈ 3u) and one-step scaling. Results below 2^−126 (x < −87.34)
 * flush to 0, and e^−inf = 0 exactly (masked logits get probability 0). NaN stays NaN. */
@inline
export function expNonPositive(x: v128): v128 {
  const tiny = f32x4.lt(x, k(K_EXP_SHORT_LO));
  const t = mulAdd(x, k(K_LOG2E), k(K_ROUND_MAGIC));
  const n = f32x4.sub(t, k(K_ROUND_MAGIC));
  const ni = i32x4.sub(t, ki(KI_ROUND_MAGIC_BITS));
  let r = f32x4.sub(x, f32x4.mul(n, k(K_LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(n, k(K_LN2_LO)));
  let p = mulAdd(k(K_EXP_SHORT_P0), r, k(K_EXP_SHORT_P0 + 1));
  p = mulAdd(p, r, k(K_EXP_SHORT_P0 + 2));
  p = mulAdd(p, r, k(K_EXP_SHORT_P0 + 3));
  const y = f32x4.add(mulAdd(p, f32x4.mul(r, r), r), k(K_ONE));
  const scale = i32x4.shl(i32x4.add(ni, ki(KI_BIAS)), 23);
  return v128.andnot(f32x4.mul(y, scale), tiny);
}

/** Natural logarithm: x = m·2^e with m in [√½, √2), degree-9 polynomial in m − 1. */
@inline
export function logv(x0: v128): v128 {
  const subnormal = f32x4.lt(x0, k(K_FLT_MIN));
  const x = v128.bitselect(f32x4.mul(x0, k(K_TWO23)), x0, subnormal);
  let e = i32x4.sub(i32x4.shr_u(x, 23), ki(KI_126));
  e = i32x4.sub(e, v128.and(subnormal, ki(KI_23)));
  let m = v128.or(v128.and(x, ki(KI_MANTISSA)), ki(KI_HALF_BITS)); // m in [0.5, 1)
  const below = f32x4.lt(m, k(K_SQRT_HALF));
  e = i32x4.add(e, below); // e - 1 where m < √½
  m = f32x4.sub(f32x4.add(m, v128.and(m, below)), k(K_ONE)); // 2m − 1 or m − 1
  const ef = f32x4.convert_i32x4_s(e);
  const z = f32x4.mul(m, m);
  let y = f32x4.mul(f32x4.mul(horner(m, K_LOG_P0, 9), m), z);
  y = mulAdd(ef, k(K_LN2_LO), y);
  y = f32x4.sub(y, f32x4.mul(k(K_HALF), z));
  let r = f32x4.add(m, y);
  r = mulAdd(ef, k(K_LN2_HI), r);
  r = v128.bitselect(ki(KI_NAN), r, f32x4.lt(x0, k(K_ZERO)));
  r = v128.bitselect(ki(KI_NEG_INF), r, f32x4.eq(x0, k(K_ZERO)));
  r = v128.bitselect(ki(KI_INF), r, i32x4.eq(x0, ki(KI_INF)));
  return v128.bitselect(x0, r, f32x4.ne(x0, x0));
}

/** e^x − 1, accurate near 0: Taylor series (to x^9/9!) for |x| < 0.5, exp(x) − 1 beyond. */
@inline
export function expm1v(x: v128): v128 {
  const small = f32x4.lt(v128.and(x, ki(KI_ABS_MASK)), k(K_HALF));
  // x + x²·(1/2 + x·(1/6 + x·(… + x/9!)))
  let p = horner(x, K_EXPM1_P0, 7);
  p = mulAdd(p, x, k(K_HALF));
  const series = mulAdd(f32x4.mul(x, x), p, x);
  const direct = f32x4.sub(expv(x), k(K_ONE));
  return v128.bitselect(series, direct, small);
}

/** ln(1 + x), accurate near 0: log(u)·x/(u − 1) with u = 1 + x (Goldberg's correction). */
@inline
export function log1pv(x: v128): v128 {
  const u = f32x4.add(x, k(K_ONE));
  const um1 = f32x4.sub(u, k(K_ONE));
  let r = f32x4.mul(logv(u), f32x4.div(x, um1));
  r = v128.bitselect(x, r, f32x4.eq(um1, k(K_ZERO)));
  return v128.bitselect(x, r, i32x4.eq(x, ki(KI_INF)));
}

/** tanh: odd polynomial for |x| < 0.625, 1 − 2/(e^{2|x|} + 1) with x's sign beyond. */
@inline
export function tanhv(x: v128): v128 {
  const ax = v128.and(x, ki(KI_ABS_MASK));
  const z = f32x4.mul(x, x);
  const small = f32x4.add(f32x4.mul(f32x4.mul(horner(z, K_TANH_P0, 5), z), x), x);
  const e = expv(f32x4.add(ax, ax));
  let large = f32x4.sub(k(K_ONE), f32x4.div(k(K_TWO), f32x4.add(e, k(K_ONE))));
  large = v128.or(large, v128.and(x, ki(KI_SIGN_MASK)));
  return v128.bitselect(small, large, f32x4.lt(ax, k(K_TANH_SMALL)));
}

/** Logistic sigmoid: e = e^{−|x|}, then 1/(1 + e) for x ≥ 0 and e/(1 + e) for x < 0, which stays
 * accurate (down to subnormal results) for large negative x where 1/(1 + e^{−x}) would overflow. */
@inline
export function sigmoidv(x: v128): v128 {
  const e = expv(v128.or(x, ki(KI_SIGN_MASK)));
  const r = f32x4.div(k(K_ONE), f32x4.add(k(K_ONE), e));
  return v128.bitselect(f32x4.mul(e, r), r, f32x4.lt(x, k(K_ZERO)));
}

/** Lanes of `b` that are integers (every float of magnitude ≥ 2^24 is one; ±inf counts as even). */
@inline
function isInteger(b: v128): v128 {
  return f32x4.eq(f32x4.trunc(b), b);
}

/** Lanes of `b` that are odd integers. */
@inline
function isOddInteger(b: v128): v128 {
  const exact = f32x4.lt(v128.and(b, ki(KI_ABS_MASK)), k(K_TWO24));
  const odd = i32x4.eq(v128.and(i32x4.trunc_sat_f32x4_s(b), ki(KI_ONE)), ki(KI_ONE));
  return v128.and(v128.and(exact, odd), isInteger(b));
}

/** a^b with C's special cases (as PyTorch): exp(b·ln|a|); negated where a's sign bit is set and b
 * is an odd integer; NaN for finite negative a and non-integer b; 1 for b = 0, for a = 1, and for
 * a = −1 with b = ±inf (even with NaN on the other side). */
@inline
export function powv(a: v128, b: v128): v128 {
  const aAbs = v128.and(a, ki(KI_ABS_MASK));
  let r = expv(f32x4.mul(b, logv(aAbs)));
  const finiteNegative = v128.and(f32x4.lt(a, k(K_ZERO)), i32x4.ne(aAbs, ki(KI_INF)));
  r = v128.bitselect(ki(KI_NAN), r, v128.andnot(finiteNegative, isInteger(b)));
  const signBit = i32x4.ne(v128.and(a, ki(KI_SIGN_MASK)), k(K_ZERO));
  r = v128.bitselect(f32x4.neg(r), r, v128.and(signBit, isOddInteger(b)));
  const bInf = i32x4.eq(v128.and(b, ki(KI_ABS_MASK)), ki(KI_INF));
  const one = v128.or(
    v128.or(f32x4.eq(b, k(K_ZERO)), f32x4.eq(a, k(K_ONE))),
    v128.and(f32x4.eq(aAbs, k(K_ONE)), bInf),
  );
  return v128.bitselect(k(K_ONE), r, one);
}

/** a^n for an integer n with |n| ≤ 64, by repeated squaring: as exact as multiplication allows. */
@inline
export function powIntv(a: v128, n: i32): v128 {
  let m = n < 0 ? -n : n;
  let result = k(K_ONE);
  let base = a;
  while (m > 0) {
    if (m & 1) result = f32x4.mul(result, base);
    base = f32x4.mul(base, base);
    m >>= 1;
  }
  return n < 0 ? f32x4.div(k(K_ONE), result) : result;
}
