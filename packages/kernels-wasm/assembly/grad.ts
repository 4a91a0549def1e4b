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

/** Whether {@link gradVec} reads x for `op` (a constant once inlined). */
@inline
function readsX(op: i32): bool {
  return op == UnaryOp.Abs || op == UnaryOp.Log || op == UnaryOp.Relu || op == UnaryOp.LeakyRelu ||
    op == UnaryOp.Elu || op == UnaryOp.Selu || op == UnaryOp.Softsign || op == UnaryOp.Square ||
    op == UnaryOp.Log1p;
}

/** Whether {@link gradVec} reads y for `op` (a constant once inlined). */
@inline
function readsY(op: i32): bool {
  return op == UnaryOp.Exp || op == UnaryOp.Sqrt || op == UnaryOp.Reciprocal || op == UnaryOp.Sigmoid ||
    op == UnaryOp.Tanh || op == UnaryOp.Elu || op == UnaryOp.Selu || op == UnaryOp.Expm1;
}

// Only the operands an op reads are loaded: the compiler cannot drop an unused load (it may trap),
// and relu's backward read a third buffer for nothing (a quarter more memory traffic).
@inline
function mapGrad(op: i32, x: usize, y: usize, gy: usize, gx: usize, n: usize, alpha: v128): void {
  const body = n & ~3;
  const zero = k(K_ZERO);
  for (let i: usize = 0; i < body; i += 4) {
    const o = i << 2;
    const xv = readsX(op) ? v128.load(x + o) : zero;
    const yv = readsY(op) ? v128.load(y + o) : zero;
    v128.store(gx + o, gradVec(op, xv, yv, v128.load(gy + o), alpha));
  }
  if (body < n) {
    const o = body << 2;
    const rest = n - body;
    const xv = readsX(op) ? loadPartial(x + o, rest, zero) : zero;
    const yv = readsY(op) ? loadPartial(y + o, rest, zero) : zero;
    storePartial(gx + o, gradVec(op, xv, yv, loadPartial(gy + o, rest, zero), alpha), rest);
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
    case UnaryOp.Neg: gradNeg(x, y, gy, gx, n, a); break;
    case UnaryOp.Abs: gradAbs(x, y, gy, gx, n, a); break;
    case UnaryOp.Exp: gradExp(x, y, gy, gx, n, a); break;
    case UnaryOp.Log: gradLog(x, y, gy, gx, n, a); break;
    case UnaryOp.Sqrt: gradSqrt(x, y, gy, gx, n, a); break;
    case UnaryOp.Reciprocal: gradReciprocal(x, y, gy, gx, n, a); break;
    case UnaryOp.Sigmoid: gradSigmoid(x, y, gy, gx, n, a); break;
    case UnaryOp.Tanh: gradTanh(x, y, gy, gx, n, a); break;
    case UnaryOp.Relu: gradRelu(x, y, gy, gx, n, a); break;
    case UnaryOp.LeakyRelu: gradLeakyRelu(x, y, gy, gx, n, a); break;
    case UnaryOp.Elu: gradElu(x, y, gy, gx, n, a); break;
    case UnaryOp.Selu: gradSelu(x, y, gy, gx, n, a); break;
    case UnaryOp.Softsign: gradSoftsign(x, y, gy, gx, n, a); break;
    case UnaryOp.Square: gradSquare(x, y, gy, gx, n, a); break;
    case UnaryOp.Expm1: gradExpm1(x, y, gy, gx, n, a); break;
    case UnaryOp.Log1p: gradLog1p(x, y, gy, gx, n, a); break;
    case UnaryOp.Sign: gradSign(x, y, gy, gx, n, a); break;
    case UnaryOp.Step: gradStep(x, y, gy, gx, n, a); break;
    default: unreachable();
  }
}

// One function per op, not one inlined loop per case of the switch above: the optimizer folded those
// loops, identical but for the constant op, back into one loop that switched on op at every vector
// (relu's backward ran at half speed).
function gradNeg(x: usize, y: usize, gy: usize, gx: usize, n: usize, a: v128): void { mapGrad(UnaryOp.Neg, x, y, gy, gx, n, a); }
function gradAbs(x: usize, y: usize, gy: usize, gx: usize, n: usize, a: v128): void { mapGrad(UnaryOp.Abs, x, y, gy, gx, n, a); }
function gradExp(x: usize, y: usize, gy: usize, gx: usize, n: usize, a: v128): void { mapGrad(UnaryOp.Exp, x, y, gy, gx, n, a); }
function gradLog(x: usize, y: usize, gy: usize, gx: usize, n: usize, a: v128): void { mapGrad(UnaryOp.Log, x, y, gy, gx, n, a); }
function gradSqrt(x: usize, y: usize, gy: usize, gx: usize, n: usize, a: v128): void { mapGrad(UnaryOp.Sqrt, x, y, gy, gx, n, a); }
function gradReciprocal(x: usize, y: usize, gy: usize, gx: usize, n: usize, a: v128): void { mapGrad(UnaryOp.Reciprocal, x, y, gy, gx, n, a); }
function gradSigmoid(x: usize, y: usize, gy: usize, gx: usize, n: usize, a: v128): void { mapGrad(UnaryOp.Sigmoid, x, y, gy, gx, n, a); }
function gradTanh(x: usize, y: usize, gy: usize, gx: usize, n: usize, a: v128): void { mapGrad(UnaryOp.Tanh, x, y, gy, gx, n, a); }
function gradRelu(x: usize, y: usize, gy: usize, gx: usize, n: usize, a: v128): void { mapGrad(UnaryOp.Relu, x, y, gy, gx, n, a); }
function gradLeakyRelu(x: usize, y: usize, gy: usize, gx: usize, n: usize, a: v128): void { mapGrad(UnaryOp.LeakyRelu, x, y, gy, gx, n, a); }
function gradElu(x: usize, y: usize, gy: usize, gx: usize, n: usize, a: v128): void { mapGrad(UnaryOp.Elu, x, y, gy, gx, n, a); }
function gradSelu(x: usize, y: usize, gy: usize, gx: usize, n: usize, a: v128): void { mapGrad(UnaryOp.Selu, x, y, gy, gx, n, a); }
function gradSoftsign(x: usize, y: usize, gy: usize, gx: usize, n: usize, a: v128): void { mapGrad(UnaryOp.Softsign, x, y, gy, gx, n, a); }
function gradSquare(x: usize, y: usize, gy: usize, gx: usize, n: usize, a: v128): void { mapGrad(UnaryOp.Square, x, y, gy, gx, n, a); }
function gradExpm1(x: usize, y: usize, gy: usize, gx: usize, n: usize, a: v128): void { mapGrad(UnaryOp.Expm1, x, y, gy, gx, n, a); }
function gradLog1p(x: usize, y: usize, gy: usize, gx: usize, n: usize, a: v128): void { mapGrad(UnaryOp.Log1p, x, y, gy, gx, n, a); }
function gradSign(x: usize, y: usize, gy: usize, gx: usize, n: usize, a: v128): void { mapGrad(UnaryOp.Sign, x, y, gy, gx, n, a); }
function gradStep(x: usize, y: usize, gy: usize, gx: usize, n: usize, a: v128): void { mapGrad(UnaryOp.Step, x, y, gy, gx, n, a); }
