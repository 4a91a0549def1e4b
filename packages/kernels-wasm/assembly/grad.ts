// Fused gradients of elementwise unary ops: gx[i] = gy[i] * f'(x[i]), read from the op's input x
// and/or its saved output y (whichever gives the derivative most cheaply and accurately).

import { UnaryOp } from '../src/opcodes';
import { K_HALF, K_ONE, K_SELU_ALPHA, K_SELU_SCALE, K_ZERO, KI_ABS_MASK, KI_SIGN_MASK, k, ki } from './simd/constants';
import { loadPartial, storePartial } from './simd/lanes';

@inline
function gradVec(op: i32, x: v128, y: v128, gy: v128, alpha: v128): v128 {
  const zero = k(K_ZERO);
  const one = k(K_ONE);
  switch (op) {
    case UnaryOp.Neg:
      return f32x4.neg(gy);
    case UnaryOp.Abs: {
      // sign(x), with 0 at x = 0 (as PyTorch).
      const s = v128.and(v128.or(one, v128.and(x, ki(KI_SIGN_MASK))), f32x4.ne(x, zero));
      return f32x4.mul(gy, s);
    }
    case UnaryOp.Exp:
      return f32x4.mul(gy, y);
    case UnaryOp.Log:
      return f32x4.div(gy, x);
    case UnaryOp.Sqrt:
      return f32x4.div(f32x4.mul(gy, k(K_HALF)), y);
    case UnaryOp.Reciprocal:
      return f32x4.neg(f32x4.mul(gy, f32x4.mul(y, y)));
    case UnaryOp.Sigmoid:
      return f32x4.mul(gy, f32x4.mul(y, f32x4.sub(one, y)));
    case UnaryOp.Tanh:
      return f32x4.mul(gy, f32x4.sub(one, f32x4.mul(y, y)));
    case UnaryOp.Relu:
      return v128.and(gy, f32x4.gt(x, zero));
    case UnaryOp.LeakyRelu:
      return v128.bitselect(gy, f32x4.mul(gy, alpha), f32x4.gt(x, zero));
    case UnaryOp.Elu:
      // y = alpha·(e^x − 1) for x ≤ 0, so f'(x) = alpha·e^x = y + alpha.
      return f32x4.mul(gy, v128.bitselect(one, f32x4.add(y, alpha), f32x4.gt(x, zero)));
    case UnaryOp.Selu: {
      const scaleAlpha = f32x4.mul(k(K_SELU_SCALE), k(K_SELU_ALPHA));
      const d = v128.bitselect(k(K_SELU_SCALE), f32x4.add(y, scaleAlpha), f32x4.gt(x, zero));
      return f32x4.mul(gy, d);
    }
    case UnaryOp.Softsign: {
      const d = f32x4.add(one, v128.and(x, ki(KI_ABS_MASK)));
      return f32x4.div(gy, f32x4.mul(d, d));
    }
    case UnaryOp.Square:
      return f32x4.mul(gy, f32x4.add(x, x));
    case UnaryOp.Expm1:
      return f32x4.mul(gy, f32x4.add(y, one));
    case UnaryOp.Log1p:
      return f32x4.div(gy, f32x4.add(x, one));
    case UnaryOp.Sign:
    case UnaryOp.Step:
      // Zero almost everywhere (PyTorch's sign backward gives zeros, not gy·0: NaN stays out).
      return zero;
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
 * gx[i] = gy[i] * f'(x[i]) for the unary op `op` (the same code as for `unary`), where y = f(x) is
 * the op's saved output. Pass any valid buffer for x or y when the op does not read it (see each
 * case). Sign and Step give zeros. `gx` may alias `gy`.
 */
export function unaryGrad(op: i32, x: usize, y: usize, gy: usize, gx: usize, n: usize, alpha: f32): void {
  const a = f32x4.splat(alpha);
  switch (op) {
    case UnaryOp.Neg: mapGrad(UnaryOp.Neg, x, y, gy, gx, n, a); break;
    case UnaryOp.Abs: mapGrad(UnaryOp.Abs, x, y, gy, gx, n, a); break;
    case UnaryOp.Exp: mapGrad(UnaryOp.Exp, x, y, gy, gx, n, a); break;
    case UnaryOp.Log: mapGrad(UnaryOp.Log, x, y, gy, gx, n, a); break;
    case UnaryOp.Sqrt: mapGrad(UnaryOp.Sqrt, x, y, gy, gx, n, a); break;
    case UnaryOp.Reciprocal: mapGrad(UnaryOp.Reciprocal, x, y, gy, gx, n, a); break;
    case UnaryOp.Sigmoid: mapGrad(UnaryOp.Sigmoid, x, y, gy, gx, n, a); break;
    case UnaryOp.Tanh: mapGrad(UnaryOp.Tanh, x, y, gy, gx, n, a); break;
    case UnaryOp.Relu: mapGrad(UnaryOp.Relu, x, y, gy, gx, n, a); break;
    case UnaryOp.LeakyRelu: mapGrad(UnaryOp.LeakyRelu, x, y, gy, gx, n, a); break;
    case UnaryOp.Elu: mapGrad(UnaryOp.Elu, x, y, gy, gx, n, a); break;
    case UnaryOp.Selu: mapGrad(UnaryOp.Selu, x, y, gy, gx, n, a); break;
    case UnaryOp.Softsign: mapGrad(UnaryOp.Softsign, x, y, gy, gx, n, a); break;
    case UnaryOp.Square: mapGrad(UnaryOp.Square, x, y, gy, gx, n, a); break;
    case UnaryOp.Expm1: mapGrad(UnaryOp.Expm1, x, y, gy, gx, n, a); break;
    case UnaryOp.Log1p: mapGrad(UnaryOp.Log1p, x, y, gy, gx, n, a); break;
    case UnaryOp.Sign: mapGrad(UnaryOp.Sign, x, y, gy, gx, n, a); break;
    case UnaryOp.Step: mapGrad(UnaryOp.Step, x, y, gy, gx, n, a); break;
    default: unreachable();
  }
}
