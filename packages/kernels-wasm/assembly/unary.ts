// Elementwise unary kernels: out[i] = f(x[i]) over contiguous float32 buffers (out may alias x).

import { UnaryOp } from '../src/opcodes';
import { K_ONE, K_SELU_ALPHA, K_SELU_SCALE, K_ZERO, KI_ABS_MASK, KI_SIGN_MASK, k, ki } from './simd/constants';
import { loadPartial, storePartial } from './simd/lanes';
import { expm1v, expv, log1pv, logv, sigmoidv, tanhv } from './simd/math';

/** One vector of the unary op `op` (a compile-time constant wherever this is inlined). */
@inline
export function unaryVec(op: i32, x: v128, alpha: v128): v128 {
  switch (op) {
    case UnaryOp.Neg:
      return f32x4.neg(x);
    case UnaryOp.Abs:
      return v128.and(x, ki(KI_ABS_MASK));
    case UnaryOp.Sign: {
      // ±1 with x's sign where x ≠ 0, 0 where x = 0, NaN kept.
      const one = v128.or(k(K_ONE), v128.and(x, ki(KI_SIGN_MASK)));
      const r = v128.and(one, f32x4.ne(x, k(K_ZERO)));
      return v128.bitselect(x, r, f32x4.ne(x, x));
    }
    case UnaryOp.Exp:
      return expv(x);
    case UnaryOp.Log:
      return logv(x);
    case UnaryOp.Sqrt:
      return f32x4.sqrt(x);
    case UnaryOp.Reciprocal:
      return f32x4.div(k(K_ONE), x);
    case UnaryOp.Sigmoid:
      return sigmoidv(x);
    case UnaryOp.Tanh:
      return tanhv(x);
    case UnaryOp.Relu:
      return f32x4.pmax(x, k(K_ZERO)); // x < 0 ? 0 : x — keeps NaN
    case UnaryOp.LeakyRelu:
      return v128.bitselect(f32x4.mul(x, alpha), x, f32x4.lt(x, k(K_ZERO)));
    case UnaryOp.Elu:
      return v128.bitselect(x, f32x4.mul(alpha, expm1v(x)), f32x4.gt(x, k(K_ZERO)));
    case UnaryOp.Selu: {
      const negative = f32x4.mul(k(K_SELU_ALPHA), expm1v(x));
      return f32x4.mul(k(K_SELU_SCALE), v128.bitselect(x, negative, f32x4.gt(x, k(K_ZERO))));
    }
    case UnaryOp.Softsign:
      return f32x4.div(x, f32x4.add(k(K_ONE), v128.and(x, ki(KI_ABS_MASK))));
    case UnaryOp.Step: {
      const r = v128.and(k(K_ONE), f32x4.gt(x, alpha));
      return v128.bitselect(x, r, f32x4.ne(x, x));
    }
    case UnaryOp.Square:
      return f32x4.mul(x, x);
    case UnaryOp.Expm1:
      return expm1v(x);
    case UnaryOp.Log1p:
      return log1pv(x);
    default:
      unreachable();
      return x;
  }
}

@inline
function mapUnary(op: i32, x: usize, out: usize, n: usize, alpha: v128): void {
  const body = n & ~3;
  for (let i: usize = 0; i < body; i += 4) {
    v128.store(out + (i << 2), unaryVec(op, v128.load(x + (i << 2)), alpha));
  }
  if (body < n) {
    const rest = n - body;
    storePartial(out + (body << 2), unaryVec(op, loadPartial(x + (body << 2), rest, k(K_ZERO)), alpha), rest);
  }
}

/**
 * out[i] = op(x[i]) for i < n. `alpha` is the parameter of LeakyRelu (slope), Elu (alpha) and Step
 * (threshold), ignored by the other ops. `out` may be `x`.
 */
export function unary(op: i32, x: usize, out: usize, n: usize, alpha: f32): void {
  const a = f32x4.splat(alpha);
  // Each case inlines the loop with a constant op, so the switch inside unaryVec folds away.
  switch (op) {
    case UnaryOp.Neg: mapUnary(UnaryOp.Neg, x, out, n, a); break;
    case UnaryOp.Abs: mapUnary(UnaryOp.Abs, x, out, n, a); break;
    case UnaryOp.Sign: mapUnary(UnaryOp.Sign, x, out, n, a); break;
    case UnaryOp.Exp: mapUnary(UnaryOp.Exp, x, out, n, a); break;
    case UnaryOp.Log: mapUnary(UnaryOp.Log, x, out, n, a); break;
    case UnaryOp.Sqrt: mapUnary(UnaryOp.Sqrt, x, out, n, a); break;
    case UnaryOp.Reciprocal: mapUnary(UnaryOp.Reciprocal, x, out, n, a); break;
    case UnaryOp.Sigmoid: mapUnary(UnaryOp.Sigmoid, x, out, n, a); break;
    case UnaryOp.Tanh: mapUnary(UnaryOp.Tanh, x, out, n, a); break;
    case UnaryOp.Relu: mapUnary(UnaryOp.Relu, x, out, n, a); break;
    case UnaryOp.LeakyRelu: mapUnary(UnaryOp.LeakyRelu, x, out, n, a); break;
    case UnaryOp.Elu: mapUnary(UnaryOp.Elu, x, out, n, a); break;
    case UnaryOp.Selu: mapUnary(UnaryOp.Selu, x, out, n, a); break;
    case UnaryOp.Softsign: mapUnary(UnaryOp.Softsign, x, out, n, a); break;
    case UnaryOp.Step: mapUnary(UnaryOp.Step, x, out, n, a); break;
    case UnaryOp.Square: mapUnary(UnaryOp.Square, x, out, n, a); break;
    case UnaryOp.Expm1: mapUnary(UnaryOp.Expm1, x, out, n, a); break;
    case UnaryOp.Log1p: mapUnary(UnaryOp.Log1p, x, out, n, a); break;
    default: unreachable();
  }
}
