// Fused gradients of elementwise unary ops: gx[i] = gy[i] * f'(x[i]), read from the op's input x
// and/or its saved output y (whichever gives the derivative most cheaply and accurately).

import { UnaryGradOp } from '../src/opcodes';
import { K_HALF, K_ONE, K_SELU_ALPHA, K_SELU_SCALE, K_ZERO, KI_ABS_MASK, KI_SIGN_MASK, k, ki } from './simd/constants';
import { loadPartial, storePartial } from './simd/lanes';

@inline
function gradVec(op: i32, x: v128, y: v128, gy: v128, alpha: v128): v128 {
  const zero = k(K_ZERO);
  const one = k(K_ONE);
  switch (op) {
    case UnaryGradOp.Neg:
      return f32x4.neg(gy);
    case UnaryGradOp.Abs: {
      // sign(x), with 0 at x = 0 (as PyTorch).
      const s = v128.and(v128.or(one, v128.and(x, ki(KI_SIGN_MASK))), f32x4.ne(x, zero));
      return f32x4.mul(gy, s);
    }
    case UnaryGradOp.Exp:
      return f32x4.mul(gy, y);
    case UnaryGradOp.Log:
      return f32x4.div(gy, x);
    case UnaryGradOp.Sqrt:
      return f32x4.div(f32x4.mul(gy, k(K_HALF)), y);
    case UnaryGradOp.Reciprocal:
      return f32x4.neg(f32x4.mul(gy, f32x4.mul(y, y)));
    case UnaryGradOp.Sigmoid:
      return f32x4.mul(gy, f32x4.mul(y, f32x4.sub(one, y)));
    case UnaryGradOp.Tanh:
      return f32x4.mul(gy, f32x4.sub(one, f32x4.mul(y, y)));
    case UnaryGradOp.Relu:
      return v128.and(gy, f32x4.gt(x, zero));
    case UnaryGradOp.LeakyRelu:
      return v128.bitselect(gy, f32x4.mul(gy, alpha), f32x4.gt(x, zero));
    case UnaryGradOp.Elu:
      // y = alpha·(e^x − 1) for x ≤ 0, so f'(x) = alpha·e^x = y + alpha.
      return f32x4.mul(gy, v128.bitselect(one, f32x4.add(y, alpha), f32x4.gt(x, zero)));
    case UnaryGradOp.Selu: {
      const scaleAlpha = f32x4.mul(k(K_SELU_SCALE), k(K_SELU_ALPHA));
      const d = v128.bitselect(k(K_SELU_SCALE), f32x4.add(y, scaleAlpha), f32x4.gt(x, zero));
      return f32x4.mul(gy, d);
    }
    case UnaryGradOp.Softsign: {
      const d = f32x4.add(one, v128.and(x, ki(KI_ABS_MASK)));
      return f32x4.div(gy, f32x4.mul(d, d));
    }
    case UnaryGradOp.Square:
      return f32x4.mul(gy, f32x4.add(x, x));
    case UnaryGradOp.Expm1:
      return f32x4.mul(gy, f32x4.add(y, one));
    case UnaryGradOp.Log1p:
      return f32x4.div(gy, f32x4.add(x, one));
    default:
      unreachable();
      return gy;
  }
}

@inline
function mapGrad(op: i32, x: usize, y: usize, gy: usize, gx: usize, n: usize, alpha: v128): void {
  const body = n & ~3;
  const zero = k(K_ZERO);
  for (let i: usize = 0; i < body; i += 4) {
    const o = i << 2;
    v128.store(gx + o, gradVec(op, v128.load(x + o), v128.load(y + o), v128.load(gy + o), alpha));
  }
  if (body < n) {
    const o = body << 2;
    const rest = n - body;
    const g = gradVec(op, loadPartial(x + o, rest, zero), loadPartial(y + o, rest, zero), loadPartial(gy + o, rest, zero), alpha);
    storePartial(gx + o, g, rest);
  }
}

/**
 * gx[i] = gy[i] * f'(x[i]) for the unary op `op`, where y = f(x) is the op's saved output. Pass any
 * valid buffer for x or y when the op does not read it (see each case). `gx` may alias `gy`.
 */
export function unaryGrad(op: i32, x: usize, y: usize, gy: usize, gx: usize, n: usize, alpha: f32): void {
  const a = f32x4.splat(alpha);
  switch (op) {
    case UnaryGradOp.Neg: mapGrad(UnaryGradOp.Neg, x, y, gy, gx, n, a); break;
    case UnaryGradOp.Abs: mapGrad(UnaryGradOp.Abs, x, y, gy, gx, n, a); break;
    case UnaryGradOp.Exp: mapGrad(UnaryGradOp.Exp, x, y, gy, gx, n, a); break;
    case UnaryGradOp.Log: mapGrad(UnaryGradOp.Log, x, y, gy, gx, n, a); break;
    case UnaryGradOp.Sqrt: mapGrad(UnaryGradOp.Sqrt, x, y, gy, gx, n, a); break;
    case UnaryGradOp.Reciprocal: mapGrad(UnaryGradOp.Reciprocal, x, y, gy, gx, n, a); break;
    case UnaryGradOp.Sigmoid: mapGrad(UnaryGradOp.Sigmoid, x, y, gy, gx, n, a); break;
    case UnaryGradOp.Tanh: mapGrad(UnaryGradOp.Tanh, x, y, gy, gx, n, a); break;
    case UnaryGradOp.Relu: mapGrad(UnaryGradOp.Relu, x, y, gy, gx, n, a); break;
    case UnaryGradOp.LeakyRelu: mapGrad(UnaryGradOp.LeakyRelu, x, y, gy, gx, n, a); break;
    case UnaryGradOp.Elu: mapGrad(UnaryGradOp.Elu, x, y, gy, gx, n, a); break;
    case UnaryGradOp.Selu: mapGrad(UnaryGradOp.Selu, x, y, gy, gx, n, a); break;
    case UnaryGradOp.Softsign: mapGrad(UnaryGradOp.Softsign, x, y, gy, gx, n, a); break;
    case UnaryGradOp.Square: mapGrad(UnaryGradOp.Square, x, y, gy, gx, n, a); break;
    case UnaryGradOp.Expm1: mapGrad(UnaryGradOp.Expm1, x, y, gy, gx, n, a); break;
    case UnaryGradOp.Log1p: mapGrad(UnaryGradOp.Log1p, x, y, gy, gx, n, a); break;
    default: unreachable();
  }
}
