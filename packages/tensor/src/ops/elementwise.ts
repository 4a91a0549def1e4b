// Elementwise primitives: binary arithmetic with NumPy broadcasting, comparisons, clamp, where and
// casts, each defined once in the op table with its backward rule. The unary ops (exp, relu, …) are
// rows of the table in unary.ts.
import { BinaryOp } from '@myelin/kernels-wasm';
import { describeValue } from '../errors.js';
import { kernels } from '../runtime.js';
import { broadcastShapes, broadcastStrides, type Shape } from '../shape.js';
import { type DType, Tensor, type TensorLike } from '../tensor.js';
import { contiguousRaw, release, requireDims, requireFloat, sameShape, sumToShape } from './common.js';
import { defineOp } from './define.js';
import { denseInt32, integerBinary, staysInteger } from './integer.js';

/** Runs a binary kernel with broadcasting (checked operands); no autograd. */
function binaryForward(op: BinaryOp, a: Tensor, b: TensorLike): Tensor {
  if (typeof b === 'number') {
    const out = Tensor._empty(a.shape);
    kernels.withScalar(b, (scalar) => {
      if (a.isContiguous) kernels.binaryScalar(op, a._ptr, scalar, out._ptr, a.size);
      else kernels.binaryStrided(op, a._ptr, a.strides, scalar, new Array(a.ndim).fill(0), out._ptr, a.shape);
    });
    return out;
  }
  const shape = broadcastShapes('binary', a.shape, b.shape);
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

/** Attributes of a binary op: the second operand when it is a number (then the op has one input). */
interface BinaryAttrs {
  readonly [key: string]: number | null;
  readonly scalar: number | null;
}

/** The operands a binary rule reads (null when the op did not save them: add and sub need none). */
interface Operands {
  a: Tensor | null;
  b: TensorLike | null;
  out: Tensor | null;
}

/** What a binary op's backward reads: nothing, its inputs, or its inputs and output. */
type BinarySaves = 'none' | 'inputs' | 'inputsAndOut';

type BinaryRule = (
  gy: Tensor,
  operands: Operands,
  needs: readonly [boolean, boolean],
) => [Tensor | null, Tensor | null];

/** Checks a binary op's operands: float32, broadcastable, within the kernels' dimensions. */
function checkBinary(name: string, inputs: readonly Tensor[]): void {
  for (const t of inputs) requireFloat(name, t);
  if (inputs.length === 2) requireDims(name, broadcastShapes(name, inputs[0]!.shape, inputs[1]!.shape));
}

/**
 * Defines a binary op. Its rule maps gy to broadcast-shaped gradients of a and b (null where `needs`
 * says an input wants none); they are summed back to each input's shape here.
 */
function defineBinary(name: string, op: BinaryOp, saves: BinarySaves, rule: BinaryRule | null) {
  return defineOp<BinaryAttrs>({
    name,
    check: (inputs) => checkBinary(name, inputs),
    forward: ([a, b], { scalar }) => binaryForward(op, a!, b ?? scalar!),
    save: (inputs, [out]) => (saves === 'none' ? [] : saves === 'inputs' ? inputs : [...inputs, out!]),
    backward:
      rule === null
        ? undefined
        : ({ grads, saved, attrs, needs, inputs }) => {
            const two = inputs.length === 2;
            const operands: Operands = {
              a: saved[0] ?? null,
              b: two ? (saved[1] ?? null) : attrs.scalar,
              out: saves === 'inputsAndOut' ? saved[saved.length - 1]! : null,
            };
            const [ga, gb] = rule(grads[0]!, operands, [needs[0]!, two && needs[1]!]);
            const result = [ga === null || !needs[0] ? null : sumToShape(ga, inputs[0]!.shape)];
            if (two) result.push(gb === null || !needs[1] ? null : sumToShape(gb, inputs[1]!.shape));
            return result;
          },
  });
}

/**
 * Runs a binary op on a tensor and a tensor or number, checking the operands' kinds, with PyTorch's
 * type promotion: int32 with int32 (or an integer number) stays int32 where the op allows it
 * (integer.ts); otherwise int32 operands are promoted to float32.
 */
function applyBinary(name: string, run: ReturnType<typeof defineBinary>, a: Tensor, b: TensorLike): Tensor {
  if (!(a instanceof Tensor)) throw new TypeError(`${name}: expected a tensor, got ${describeValue(a)}`);
  if (typeof b !== 'number' && !(b instanceof Tensor))
    throw new TypeError(
      `${name}: expected a tensor or a number as the second operand, got ${describeValue(b)}`,
    );
  a._check(name);
  if (b instanceof Tensor) b._check(name);
  if (a.dtype === 'int32' || (b instanceof Tensor && b.dtype === 'int32')) {
    if (staysInteger(name, a, b)) return integerBinary(name, a, b);
    const fa = a.dtype === 'int32' ? a.float() : a;
    const fb = b instanceof Tensor && b.dtype === 'int32' ? b.float() : b;
    const out = applyBinary(name, run, fa, fb);
    if (fa !== a) fa.dispose();
    if (fb !== b) (fb as Tensor).dispose();
    return out;
  }
  if (typeof b === 'number') return run([a], { scalar: b })[0]!;
  return run([a, b], { scalar: null })[0]!;
}

const addOp = defineBinary('add', BinaryOp.Add, 'none', (gy) => [gy, gy]);
const subOp = defineBinary('sub', BinaryOp.Sub, 'none', (gy, _, [, needB]) => [gy, needB ? gy.neg() : null]);
const mulOp = defineBinary('mul', BinaryOp.Mul, 'inputs', (gy, o, [needA, needB]) => [
  needA ? gy.mul(o.b!) : null,
  needB ? gy.mul(o.a!) : null,
]);
const divOp = defineBinary('div', BinaryOp.Div, 'inputs', (gy, o, [needA, needB]) => [
  needA ? gy.div(o.b!) : null,
  needB
    ? gy
        .mul(o.a!)
        .div((o.b as Tensor).square())
        .neg()
    : null,
]);
// d/da = b·a^(b−1); d/db = a^b·ln a (0 where a = 0 and b ≥ 0, as PyTorch).
const powOp = defineBinary('pow', BinaryOp.Pow, 'inputsAndOut', (gy, o, [needA, needB]) => {
  const a = o.a!;
  const b = o.b!;
  if (typeof b === 'number') return [b === 0 ? gy.mul(0) : gy.mul(a.pow(b - 1)).mul(b), null];
  const ga = needA ? gy.mul(b).mul(a.pow(b.sub(1))) : null;
  const gb = needB ? where(a.eq(0).mul(b.ge(0)), 0, gy.mul(o.out!).mul(a.log())) : null;
  return [ga, gb];
});

/** Gradient share of the first operand of maximum/minimum: 1 where it wins, ½ on ties. */
function winnerShare(first: Tensor, second: TensorLike, wins: BinaryOp): Tensor {
  const win = binaryForward(wins, first, second);
  const tie = binaryForward(BinaryOp.Eq, first, second);
  return win.add(tie.mul(0.5));
}

const maximumOp = defineBinary('maximum', BinaryOp.Maximum, 'inputs', (gy, o, [needA, needB]) => [
  needA ? gy.mul(winnerShare(o.a!, o.b!, BinaryOp.Gt)) : null,
  needB ? gy.mul(winnerShare(o.b as Tensor, o.a!, BinaryOp.Gt)) : null,
]);
const minimumOp = defineBinary('minimum', BinaryOp.Minimum, 'inputs', (gy, o, [needA, needB]) => [
  needA ? gy.mul(winnerShare(o.a!, o.b!, BinaryOp.Lt)) : null,
  needB ? gy.mul(winnerShare(o.b as Tensor, o.a!, BinaryOp.Lt)) : null,
]);

/** a + b with broadcasting. */
export const add = (a: Tensor, b: TensorLike): Tensor => applyBinary('add', addOp, a, b);
/** a − b with broadcasting. */
export const sub = (a: Tensor, b: TensorLike): Tensor => applyBinary('sub', subOp, a, b);
/** a · b elementwise with broadcasting. */
export const mul = (a: Tensor, b: TensorLike): Tensor => applyBinary('mul', mulOp, a, b);
/** a / b with broadcasting. */
export const div = (a: Tensor, b: TensorLike): Tensor => applyBinary('div', divOp, a, b);
/** a ^ b with broadcasting. */
export const pow = (a: Tensor, b: TensorLike): Tensor => applyBinary('pow', powOp, a, b);
/** Elementwise maximum (NaN propagates; ties share the gradient equally, as PyTorch). */
export const maximum = (a: Tensor, b: TensorLike): Tensor => applyBinary('maximum', maximumOp, a, b);
/** Elementwise minimum (NaN propagates; ties share the gradient equally). */
export const minimum = (a: Tensor, b: TensorLike): Tensor => applyBinary('minimum', minimumOp, a, b);

/** The comparisons: float32 1/0, no gradient. */
export const comparisons = {
  gt: defineBinary('gt', BinaryOp.Gt, 'none', null),
  ge: defineBinary('ge', BinaryOp.Ge, 'none', null),
  lt: defineBinary('lt', BinaryOp.Lt, 'none', null),
  le: defineBinary('le', BinaryOp.Le, 'none', null),
  eq: defineBinary('eq', BinaryOp.Eq, 'none', null),
  ne: defineBinary('ne', BinaryOp.Ne, 'none', null),
};

/** Comparison giving float32 1/0 (no gradient). */
export function compare(name: keyof typeof comparisons, a: Tensor, b: TensorLike): Tensor {
  return applyBinary(name, comparisons[name], a, b);
}

const clampOp = defineOp<{ readonly min: number | null; readonly max: number | null }>({
  name: 'clamp',
  check([x], { min, max }) {
    requireFloat('clamp', x!);
    if (min === null && max === null) throw new TypeError('clamp: give at least one of min and max');
    for (const [name, bound] of [
      ['min', min],
      ['max', max],
    ] as const) {
      if (bound !== null && typeof bound !== 'number')
        throw new TypeError(`clamp: ${name} must be a number, got ${describeValue(bound)}`);
    }
    if (min !== null && max !== null && min > max)
      throw new RangeError(`clamp: min ${min} is greater than max ${max}`);
  },
  forward([x], { min, max }) {
    const xc = contiguousRaw(x!);
    const n = x!.size;
    const out = Tensor._empty(x!.shape);
    if (min !== null)
      kernels.withScalar(min, (bound) => kernels.binaryScalar(BinaryOp.Maximum, xc._ptr, bound, out._ptr, n));
    if (max !== null) {
      const from = min !== null ? out._ptr : xc._ptr;
      kernels.withScalar(max, (bound) => kernels.binaryScalar(BinaryOp.Minimum, from, bound, out._ptr, n));
    }
    release(xc, x!);
    return out;
  },
  save: (inputs) => inputs,
  // The gradient passes where min ≤ x ≤ max (as PyTorch).
  backward({ grads, saved: [x], attrs: { min, max } }) {
    let mask = min !== null ? x!.ge(min) : null;
    if (max !== null) mask = mask === null ? x!.le(max) : mask.mul(x!.le(max));
    return [grads[0]!.mul(mask!)];
  },
});

/** Clamps into [min, max] (either may be omitted). */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  return clampOp([x], { min: min ?? null, max: max ?? null })[0]!;
}

/** Expands `t` (or a scalar) to `shape` as a contiguous float32 tensor. */
function materialise(t: TensorLike, shape: Shape): Tensor {
  const out = Tensor._empty(shape);
  if (typeof t === 'number') kernels.fill(out._ptr, out.size, t);
  else kernels.copyStrided(t._ptr, broadcastStrides(t.shape, t.strides, shape), out._ptr, shape);
  return out;
}

/** Attributes of where: the branches given as numbers (null where a branch is a tensor input). */
interface WhereAttrs {
  readonly [key: string]: number | null;
  readonly a: number | null;
  readonly b: number | null;
}

/** Inputs of where: the condition, then the branches that are tensors. */
function whereBranches(inputs: readonly Tensor[], attrs: WhereAttrs): [TensorLike, TensorLike] {
  let next = 1;
  const a = attrs.a ?? inputs[next++]!;
  const b = attrs.b ?? inputs[next]!;
  return [a, b];
}

const whereOp = defineOp<WhereAttrs>({
  name: 'where',
  check(inputs) {
    for (const t of inputs) requireFloat('where', t);
    requireDims(
      'where',
      inputs.map((t) => t.shape).reduce((s, t) => broadcastShapes('where', s, t)),
    );
  },
  forward(inputs, attrs) {
    const shape = inputs.map((t) => t.shape).reduce((s, t) => broadcastShapes('where', s, t));
    const [a, b] = whereBranches(inputs, attrs);
    const [mc, ma, mb] = [materialise(inputs[0]!, shape), materialise(a, shape), materialise(b, shape)];
    const out = Tensor._empty(shape);
    kernels.where(mc._ptr, ma._ptr, mb._ptr, out._ptr, out.size);
    for (const t of [mc, ma, mb]) t.dispose();
    return out;
  },
  save: ([condition]) => [condition!],
  backward({ grads, saved: [condition], attrs, needs, inputs }) {
    const gy = grads[0]!;
    const result: (Tensor | null)[] = [null];
    let next = 1;
    if (attrs.a === null) {
      result.push(needs[next] ? sumToShape(where(condition!, gy, 0), inputs[next]!.shape) : null);
      next++;
    }
    if (attrs.b === null)
      result.push(needs[next] ? sumToShape(where(condition!, 0, gy), inputs[next]!.shape) : null);
    return result;
  },
});

/**
 * Elementwise `condition ? a : b` with broadcasting of all three; `condition` is a float32 tensor
 * whose nonzero elements mean true (e.g. from a comparison).
 *
 * @example where(x.gt(0), x, x.mul(0.1)) // a leaky ReLU
 */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  for (const [name, value] of [
    ['condition', condition],
    ['a', a],
    ['b', b],
  ] as const) {
    if (!(value instanceof Tensor) && (name === 'condition' || typeof value !== 'number'))
      throw new TypeError(
        `where: ${name} must be a tensor${name === 'condition' ? '' : ' or a number'}, got ${describeValue(value)}`,
      );
  }
  const isInt = (v: TensorLike) => (v instanceof Tensor ? v.dtype === 'int32' : Number.isInteger(v));
  if ((a instanceof Tensor && a.dtype === 'int32') || (b instanceof Tensor && b.dtype === 'int32')) {
    if (isInt(a) && isInt(b)) return integerWhere(condition, a, b);
    // Mixed int32 and float32 branches: promote, as PyTorch does.
    const fa = a instanceof Tensor && a.dtype === 'int32' ? a.float() : a;
    const fb = b instanceof Tensor && b.dtype === 'int32' ? b.float() : b;
    const out = where(condition, fa, fb);
    for (const [t, original] of [
      [fa, a],
      [fb, b],
    ] as const)
      if (t !== original) (t as Tensor).dispose();
    return out;
  }
  // An int32 condition means what a float32 one does: nonzero is true.
  const cond = condition.dtype === 'int32' ? condition.float() : condition;
  const inputs = [cond, a, b].filter((t): t is Tensor => t instanceof Tensor);
  const out = whereOp(inputs, {
    a: typeof a === 'number' ? a : null,
    b: typeof b === 'number' ? b : null,
  })[0]!;
  if (cond !== condition) cond.dispose();
  return out;
}

const castOp = defineOp<{ readonly dtype: DType }>({
  name: 'cast',
  forward([x], { dtype }) {
    const xc = contiguousRaw(x!);
    const out = Tensor._empty(x!.shape, dtype);
    if (x!.dtype === dtype) kernels.copyStrided(xc._ptr, xc.strides, out._ptr, x!.shape);
    else if (dtype === 'float32') kernels.raw.i32ToF32(xc._ptr, out._ptr, x!.size);
    else kernels.raw.f32ToI32(xc._ptr, out._ptr, x!.size);
    release(xc, x!);
    return out;
  },
});

/** `condition ? a : b` for int32 branches (tensors or integers): int32, no gradient. */
function integerWhere(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const shapes = [condition, a, b].filter((t): t is Tensor => t instanceof Tensor).map((t) => t.shape);
  const shape = shapes.reduce((s, t) => broadcastShapes('where', s, t));
  const cond = condition.dtype === 'int32' ? condition.float() : condition;
  const mask = materialise(cond, shape);
  if (cond !== condition) cond.dispose();
  const flags = kernels.f32.slice(mask._ptr >>> 2, (mask._ptr >>> 2) + mask.size);
  mask.dispose();
  const pick = (v: TensorLike) => (typeof v === 'number' ? null : denseInt32(v, shape));
  const [xa, xb] = [pick(a), pick(b)];
  const out = Tensor._empty(shape, 'int32');
  const values = new Int32Array(out.size);
  for (let i = 0; i < values.length; i++)
    values[i] = flags[i] !== 0 ? (xa?.[i] ?? (a as number)) : (xb?.[i] ?? (b as number));
  kernels.i32.set(values, out._ptr >>> 2);
  return out;
}

/** A copy converted to `dtype` (int32 truncates toward zero, saturating; no gradient). */
export function cast(x: Tensor, dtype: DType): Tensor {
  if (!(x instanceof Tensor))
    throw new TypeError(
      `${dtype === 'float32' ? 'float' : 'int'}: expected a tensor, got ${describeValue(x)}`,
    );
  return castOp([x], { dtype })[0]!;
}
