// Scalar constants that the vector math splat-loads inside loops. V8 rebuilds a `v128.const` or a
// `splat(constant)` with three instructions on every iteration; `v128.load32_splat` from a table is one.

const TABLE: usize = memory.data<f32>([
  0.0, // 0
  1.0, // 1
  0.5, // 2
  2.0, // 3
  1.4426950408889634, // 4  log2(e)
  12582912.0, // 5  1.5 * 2^23: adding it rounds to the nearest integer
  0.693359375, // 6  ln(2), high part (exact in few bits)
  -2.12194440e-4, // 7  ln(2), low part
  1.9875691500e-4, // 8  exp polynomial (Cephes expf)
  1.3981999507e-3, // 9
  8.3334519073e-3, // 10
  4.1665795894e-2, // 11
  1.6666665459e-1, // 12
  5.0000001201e-1, // 13
  88.8, // 14 exp input clamp, high (result overflows to +inf anyway)
  -104.0, // 15 exp input clamp, low (result below the smallest subnormal)
  1.17549435e-38, // 16 smallest normal float
  8388608.0, // 17 2^23
  0.707106781186547524, // 18 sqrt(1/2)
  7.0376836292e-2, // 19 log polynomial (Cephes logf)
  -1.1514610310e-1, // 20
  1.1676998740e-1, // 21
  -1.2420140846e-1, // 22
  1.4249322787e-1, // 23
  -1.6668057665e-1, // 24
  2.0000714765e-1, // 25
  -2.4999993993e-1, // 26
  3.3333331174e-1, // 27
  -5.70498872745e-3, // 28 tanh polynomial for |x| < 0.625 (Cephes tanhf)
  2.06390887954e-2, // 29
  -5.37397155531e-2, // 30
  1.33314422036e-1, // 31
  -3.33332819422e-1, // 32
  0.625, // 33
  1.0 / 362880.0, // 34 expm1 Taylor coefficients 1/9!, 1/8!, …, 1/3! (highest degree first)
  1.0 / 40320.0, // 35
  1.0 / 5040.0, // 36
  1.0 / 720.0, // 37
  1.0 / 120.0, // 38
  1.0 / 24.0, // 39
  1.0 / 6.0, // 40
  1.6732632423543772, // 41 SELU alpha
  1.0507009873554805, // 42 SELU scale
  -1.0, // 43
  16777216.0, // 44 2^24: floats at or above are all even integers
  8.31252709031105e-3, // 45 exp polynomial for x ≤ 0, fitted to minimise relative error on [−ln2/2, ln2/2]
  4.189011827111244e-2, // 46 (scripts/fit-exp.py): e^r ≈ 1 + r + r²·(c2 + c3·r + c4·r² + c5·r³)
  0.16667114198207855, // 47
  0.499992311000824, // 48
  -87.33654475, // 49 ln(2^-126): below it e^x is subnormal and the one-step scaling would fail
]);

export const K_ZERO = 0;
export const K_ONE = 1;
export const K_HALF = 2;
export const K_TWO = 3;
export const K_LOG2E = 4;
export const K_ROUND_MAGIC = 5;
export const K_LN2_HI = 6;
export const K_LN2_LO = 7;
export const K_EXP_P0 = 8;
export const K_EXP_HI = 14;
export const K_EXP_LO = 15;
export const K_FLT_MIN = 16;
export const K_TWO23 = 17;
export const K_SQRT_HALF = 18;
export const K_LOG_P0 = 19;
export const K_TANH_P0 = 28;
export const K_TANH_SMALL = 33;
export const K_EXPM1_P0 = 34;
export const K_SELU_ALPHA = 41;
export const K_SELU_SCALE = 42;
export const K_MINUS_ONE = 43;
export const K_TWO24 = 44;
export const K_EXP_SHORT_P0 = 45;
export const K_EXP_SHORT_LO = 49;

const INT_TABLE: usize = memory.data<i32>([
  0x4b400000, // 0 bit pattern of 1.5 * 2^23
  127, // 1 exponent bias
  126, // 2
  23, // 3
  0x007fffff, // 4 mantissa mask
  0x3f000000, // 5 bit pattern of 0.5
  0x7fffffff, // 6 abs mask
  0x80000000, // 7 sign mask
  0x7f800000, // 8 +inf
  0xff800000, // 9 -inf
  0x7fc00000, // 10 quiet NaN
  1, // 11
]);

export const KI_ROUND_MAGIC_BITS = 0;
export const KI_BIAS = 1;
export const KI_126 = 2;
export const KI_23 = 3;
export const KI_MANTISSA = 4;
export const KI_HALF_BITS = 5;
export const KI_ABS_MASK = 6;
export const KI_SIGN_MASK = 7;
export const KI_INF = 8;
export const KI_NEG_INF = 9;
export const KI_NAN = 10;
export const KI_ONE = 11;

/** The float constant at `index`, in all four lanes. */
@inline
export function k(index: i32): v128 {
  return v128.load32_splat(TABLE + (<usize>index << 2));
}

/** The 32-bit integer constant at `index`, in all four lanes. */
@inline
export function ki(index: i32): v128 {
  return v128.load32_splat(INT_TABLE + (<usize>index << 2));
}
