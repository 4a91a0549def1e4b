// Elementwise operations: binary arithmetic with NumPy broadcasting, unary math and activations,
// clamp, where, comparisons and casts, each with its backward rule.
import { BinaryOp, UnaryOp } from '@myelin/kernels-wasm';
import { record } from '../autograd.js';
import { describeValue } from '../errors.js';
import { kernels } from '../runtime.js';
import { broadcastShapes, broadcastStrides, type Shape } from '../shape.js';
import { type DType, Tensor, type TensorLike } from '../tensor.js';
import { contiguousRaw, release, requireDims, requireFloat, sameShape, sumToShape } from './common.js';

/** Runs a binary kernel with broadcasting; no autograd. */
function binaryForward(op: BinaryOp, name: string, a: Tensor, b: TensorLike): Tensor {
  a._check(name);
  requireFloat(name, a);
  if (typeof b === 'number') {
    const out = Tensor._empty(a.shape);
    kernels.withScalar(b, (scalar) => {
      if (a.isContiguous) kernels.binaryScalar(op, a._ptr, scalar, out._ptr, a.size);
      else kernels.binaryStrided(op, a._ptr, a.strides, scalar, new Array(a.ndim).fill(0), out._ptr, a.shape);
    });
    return out;
  }
  if (!(b instanceof Tensor))
    throw new TypeError(`${name}: expected a tensor or a number as the second operand, got ${typeof b}`);
  b._check(name);
  requireFloat(name, b);
  const shape = broadcastShapes(name, a.shape, b.shape);
  requireDims(name, shape);
  const out = Tensor._empty(shape);
  if (out.size === 0) return out;
  if (a.isContiguous && b.isContiguous && sameShape(a.shape, b.shape)) {
    kernels.binary(op, a._ptr, b._ptr, out._ptr, out.size);
  } else if (b.size === 1 && a.isContiguous && sameShape(a.shape, shape)) {
    kernels.binaryScalar(op, a._ptr, b._ptr, out._ptr, out.size, false);
  } else if (a.size === 1 && b.isContiguous && sameShape(b.shape, shape)) {
    kernels.binaryScalar(op, b._ptr, a._ptr, out._ptr, out.size, true);
  } else {
    const sa = broadcastStrides(a.shape, a.strides, shape);
    const sb = broadcastStrides(b.shape, b.strides, shape);
    kernels.binaryStrided(op, a._ptr, sa, b._ptr, sb, out._ptr, shape);
  }
  return out;
}

type Grads = [Tensor | null, Tensor | null];

/** The operands a binary rule reads (null when the op did not save them: add and sub need none). */
interface Operands {
  a: Tensor | null;
  b: TensorLike | null;
  out: Tensor | null;
}

/** What a binary op's backward reads: nothing, its inputs, or its inputs and output. */
type BinarySaves = 'none' | 'inputs' | 'inputsAndOut';

/**
 * Records a binary op whose backward maps gy to the broadcast-shaped gradients of a and b (null where
 * `needs` says an input wants none); they are then summed back to each input's shape.
 */
function binary(
  op: BinaryOp,
  name: string,
  a: Tensor,
  b: TensorLike,
  saves: BinarySaves,
  grads: (gy: Tensor, operands: Operands, needs: readonly [boolean, boolean]) => Grads,
): Tensor {
  const out = binaryForward(op, name, a, b);
  const inputs = typeof b === 'number' ? [a] : [a, b];
  const saved = saves === 'none' ? [] : saves === 'inputs' ? inputs : [...inputs, out];
  const shapeA = a.shape;
  const shapeB = typeof b === 'number' ? null : b.shape;
  record(out, name, inputs, saved, (gy, s, needs) => {
    const operands: Operands = {
      a: s[0] ?? null,
      b: typeof b === 'number' ? b : (s[1] ?? null),
      out: saves === 'inputsAndOut' ? s[s.length - 1]! : null,
    };
    const [ga, gb] = grads(gy, operands, [needs[0]!, shapeB !== null && needs[1]!]);
    const result: (Tensor | null)[] = [ga === null || !needs[0] ? null : sumToShape(ga, shapeA)];
    if (shapeB !== null) result.push(gb === null || !needs[1] ? null : sumToShape(gb, shapeB));
    return result;
  });
  return out;
}

/** a + b with broadcasting. */
export function add(a: Tensor, b: TensorLike): Tensor {
  return binary(BinaryOp.Add, 'add', a, b, 'none', (gy) => [gy, gy]);
}

/** a − b with broadcasting. */
export function sub(a: Tensor, b: TensorLike): Tensor {
  return binary(BinaryOp.Sub, 'sub', a, b, 'none', (gy, _, [, needB]) => [gy, needB ? gy.neg() : null]);
}

/** a · b elementwise with broadcasting. */
export function mul(a: Tensor, b: TensorLike): Tensor {
  return binary(BinaryOp.Mul, 'mul', a, b, 'inputs', (gy, o, [needA, needB]) => [
    needA ? gy.mul(o.b!) : null,
    needB ? gy.mul(o.a!) : null,
  ]);
}

/** a / b with broadcasting. */
export function div(a: Tensor, b: TensorLike): Tensor {
  return binary(BinaryOp.Div, 'div', a, b, 'inputs', (gy, o, [needA, needB]) => [
    needA ? gy.div(o.b!) : null,
    needB
      ? gy
          .mul(o.a!)
          .div((o.b as Tensor).square())
          .neg()
      : null,
  ]);
}

/** a ^ b with broadcasting. d/da = b·a^(b−1); d/db = a^b·ln a (0 where a = 0 and b ≥ 0, as PyTorch). */
export function pow(a: Tensor, b: TensorLike): Tensor {
  return binary(BinaryOp.Pow, 'pow', a, b, 'inputsAndOut', (gy, o, [needA, needB]) => {
    const aa = o.a!;
    const bb = o.b!;
    if (typeof bb === 'number') return [bb === 0 ? gy.mul(0) : gy.mul(aa.pow(bb - 1)).mul(bb), null];
    const ga = needA ? gy.mul(bb).mul(aa.pow(bb.sub(1))) : null;
    const gb = needB ? where(aa.eq(0).mul(bb.ge(0)), 0, gy.mul(o.out!).mul(aa.log())) : null;
    return [ga, gb];
  });
}

/** Gradient share of the first operand of maximum/minimum: 1 where it wins, ½ on ties. */
function winnerShare(first: Tensor, second: TensorLike, wins: BinaryOp): Tensor {
  const win = binaryForward(wins, 'maximum', first, second);
  const tie = binaryForward(BinaryOp.Eq, 'maximum', first, second);
  return win.add(tie.mul(0.5));
}

/** Elementwise maximum (NaN propagates; ties share the gradient equally, as PyTorch). */
export function maximum(a: Tensor, b: TensorLike): Tensor {
  return binary(BinaryOp.Maximum, 'maximum', a, b, 'inputs', (gy, o, [needA, needB]) => [
    needA ? gy.mul(winnerShare(o.a!, o.b!, BinaryOp.Gt)) : null,
    needB ? gy.mul(winnerShare(o.b as Tensor, o.a!, BinaryOp.Gt)) : null,
  ]);
}

/** Elementwise minimum (NaN propagates; ties share the gradient equally). */
export function minimum(a: Tensor, b: TensorLike): Tensor {
  return binary(BinaryOp.Minimum, 'minimum', a, b, 'inputs', (gy, o, [needA, needB]) => [
    needA ? gy.mul(winnerShare(o.a!, o.b!, BinaryOp.Lt)) : null,
    needB ? gy.mul(winnerShare(o.b as Tensor, o.a!, BinaryOp.Lt)) : null,
  ]);
}

/** Comparison giving float32 1/0 (no gradient). */
export function compare(op: BinaryOp, name: string, a: Tensor, b: TensorLike): Tensor {
  return binaryForward(op, name, a, b);
}

/** What a unary op's gradient kernel reads: its input x, its output y, both or neither. */
type Saves = 'x' | 'y' | 'xy' | 'none';

function unary(op: UnaryOp, saves: Saves, name: string, x: Tensor, alpha = 0): Tensor {
  x._check(name);
  requireFloat(name, x);
  const xc = contiguousRaw(x);
  const out = Tensor._empty(x.shape);
  kernels.unary(op, xc._ptr, out._ptr, x.size, alpha);
  const saved = saves === 'x' ? [xc] : saves === 'y' ? [out] : saves === 'xy' ? [xc, out] : [];
  record(out, name, [x], saved, (gy, s) => {
    // One opcode serves the op and its fused gradient kernel (sign and step write zeros, as PyTorch).
    const gyc = contiguousRaw(gy);
    const xs = saves === 'x' || saves === 'xy' ? s[0]! : gyc;
    const ys = saves === 'y' ? s[0]! : saves === 'xy' ? s[1]! : gyc;
    const gx = Tensor._empty(x.shape);
    kernels.unaryGrad(op, xs._ptr, ys._ptr, gyc._ptr, gx._ptr, gx.size, alpha);
    release(gyc, gy);
    return [gx];
  });
  release(xc, x);
  return out;
}

export const neg = (x: Tensor) => unary(UnaryOp.Neg, 'none', 'neg', x);
export const abs = (x: Tensor) => unary(UnaryOp.Abs, 'x', 'abs', x);
export const sign = (x: Tensor) => unary(UnaryOp.Sign, 'none', 'sign', x);
export const exp = (x: Tensor) => unary(UnaryOp.Exp, 'y', 'exp', x);
export const log = (x: Tensor) => unary(UnaryOp.Log, 'x', 'log', x);
export const sqrt = (x: Tensor) => unary(UnaryOp.Sqrt, 'y', 'sqrt', x);
export const reciprocal = (x: Tensor) => unary(UnaryOp.Reciprocal, 'y', 'reciprocal', x);
export const square = (x: Tensor) => unary(UnaryOp.Square, 'x', 'square', x);
export const expm1 = (x: Tensor) => unary(UnaryOp.Expm1, 'y', 'expm1', x);
export const log1p = (x: Tensor) => unary(UnaryOp.Log1p, 'x', 'log1p', x);
export const sigmoid = (x: Tensor) => unary(UnaryOp.Sigmoid, 'y', 'sigmoid', x);
export const tanh = (x: Tensor) => unary(UnaryOp.Tanh, 'y', 'tanh', x);
export const relu = (x: Tensor) => unary(UnaryOp.Relu, 'x', 'relu', x);
export const leakyRelu = (x: Tensor, slope: number) => unary(UnaryOp.LeakyRelu, 'x', 'leakyRelu', x, slope);
export const elu = (x: Tensor, alpha: number) => unary(UnaryOp.Elu, 'xy', 'elu', x, alpha);
export const selu = (x: Tensor) => unary(UnaryOp.Selu, 'xy', 'selu', x);
export const softsign = (x: Tensor) => unary(UnaryOp.Softsign, 'x', 'softsign', x);
export const step = (x: Tensor, threshold: number) => unary(UnaryOp.Step, 'none', 'step', x, threshold);

/** Clamps into [min, max]; the gradient passes where min ≤ x ≤ max (as PyTorch). */
export function clamp(x: Tensor, min?: number, max?: number): Tensor {
  x._check('clamp');
  requireFloat('clamp', x);
  if (min === undefined && max === undefined) throw new TypeError('clamp: give at least one of min and max');
  for (const [name, bound] of [
    ['min', min],
    ['max', max],
  ] as const) {
    if (bound !== undefined && typeof bound !== 'number')
      throw new TypeError(`clamp: ${name} must be a number, got ${describeValue(bound)}`);
  }
  if (min !== undefined && max !== undefined && min > max)
    throw new RangeError(`clamp: min ${min} is greater than max ${max}`);
  const xc = contiguousRaw(x);
  const n = x.size;
  const out = Tensor._empty(x.shape);
  if (min !== undefined)
    kernels.withScalar(min, (bound) => kernels.binaryScalar(BinaryOp.Maximum, xc._ptr, bound, out._ptr, n));
  if (max !== undefined) {
    const from = min !== undefined ? out._ptr : xc._ptr;
    kernels.withScalar(max, (bound) => kernels.binaryScalar(BinaryOp.Minimum, from, bound, out._ptr, n));
  }
  release(xc, x);
  record(out, 'clamp', [x], [x], (gy, [xs]) => {
    let mask = min !== undefined ? xs!.ge(min) : null;
    if (max !== undefined) mask = mask === null ? xs!.le(max) : mask.mul(xs!.le(max));
    return [gy.mul(mask!)];
  });
  return out;
}

/** Expands `t` (or a scalar) to `shape` as a contiguous float32 tensor. */
function materialise(op: string, t: TensorLike, shape: Shape): Tensor {
  const out = Tensor._empty(shape);
  if (typeof t === 'number') {
    kernels.fill(out._ptr, out.size, t);
  } else {
    t._check(op);
    kernels.copyStrided(t._ptr, broadcastStrides(t.shape, t.strides, shape), out._ptr, shape);
  }
  return out;
}

/**
 * Elementwise `condition ? a : b` with broadcasting of all three; `condition` is a float32 tensor
 * whose nonzero elements mean true (e.g. from a comparison).
 *
 * @example where(x.gt(0), x, x.mul(0.1)) // a leaky ReLU
 */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  condition._check('where');
  requireFloat('where', condition);
  let shape = [...condition.shape];
  for (const t of [a, b]) {
    if (typeof t !== 'number') {
      requireFloat('where', t);
      shape = broadcastShapes('where', shape, t.shape);
    }
  }
  requireDims('where', shape);
  const [mc, ma, mb] = [
    materialise('where', condition, shape),
    materialise('where', a, shape),
    materialise('where', b, shape),
  ];
  const out = Tensor._empty(shape);
  kernels.where(mc._ptr, ma._ptr, mb._ptr, out._ptr, out.size);
  ma.dispose();
  mb.dispose();
  const inputs = [a, b].filter((t): t is Tensor => typeof t !== 'number');
  record(out, 'where', inputs, [mc], (gy, [cond]) => {
    const grads: Tensor[] = [];
    if (typeof a !== 'number') grads.push(sumToShape(where(cond!, gy, 0), a.shape));
    if (typeof b !== 'number') grads.push(sumToShape(where(cond!, 0, gy), b.shape));
    return grads;
  });
  mc.dispose();
  return out;
}

/** A copy converted to `dtype` (int32 truncates toward zero, saturating; no gradient). */
export function cast(x: Tensor, dtype: DType): Tensor {
  x._check(dtype === 'float32' ? 'float' : 'int');
  const xc = contiguousRaw(x);
  const out = Tensor._empty(x.shape, dtype);
  if (x.dtype === dtype) kernels.copyStrided(xc._ptr, xc.strides, out._ptr, x.shape);
  else if (dtype === 'float32') kernels.raw.i32ToF32(xc._ptr, out._ptr, x.size);
  else kernels.raw.f32ToI32(xc._ptr, out._ptr, x.size);
  release(xc, x);
  return out;
}
