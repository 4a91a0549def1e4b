// In-place operations (PyTorch's trailing-underscore methods: add_, fill_, copy_, …) and clone().
//
// An in-place op writes into the tensor's own storage and bumps the storage's version counter, so
// that autograd can tell when a tensor it saved for a gradient was overwritten (backward then throws
// naming the op). Under grad mode, an in-place op on a tensor that is part of a graph is recorded:
// the result is computed out of place from a clone and the tensor's history is moved onto it (as
// PyTorch "rebases" history). In-place ops on a leaf that requires grad are refused outside
// `noGrad`, since they would silently change what its gradient means.
import { record } from '../autograd.js';
import { describeValue } from '../errors.js';
import { type Generator, rand, randn } from '../random.js';
import { kernels } from '../runtime.js';
import { isGradEnabled, noGrad } from '../scope.js';
import { broadcastShapes, broadcastStrides, formatShape, sameShape } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { requireFloat } from './common.js';
import { defineOp } from './define.js';

/**
 * Checks that `op` may write into `target`; returns whether the write must be recorded by autograd.
 */
function begin(op: string, target: Tensor, operands: readonly TensorLike[]): boolean {
  target._check(op);
  for (const o of operands) {
    if (o instanceof Tensor) o._check(op);
    else if (typeof o !== 'number')
      throw new TypeError(`${op}: expected a tensor or a number, got ${describeValue(o)}`);
  }
  target.shape.forEach((size, d) => {
    if (size > 1 && target.strides[d] === 0 && target.size > 0) {
      throw new RangeError(
        `${op}: the tensor (shape ${formatShape(target.shape)}) is an expanded view in which several elements share ` +
          'one memory location; clone() it before writing in place',
      );
    }
  });
  const recording =
    isGradEnabled() && (target.requiresGrad || operands.some((o) => o instanceof Tensor && o.requiresGrad));
  if (!recording) return false;
  if (target.requiresGrad && target._gradFn === null) {
    throw new Error(
      `${op}: a leaf tensor that requires grad (shape ${formatShape(target.shape)}) cannot be modified in place ` +
        'while gradients are recorded; wrap the update in noGrad(() => …), as optimizers do',
    );
  }
  if (target._sharesStorage) {
    throw new Error(
      `${op}: cannot record an in-place op on a tensor (shape ${formatShape(target.shape)}) that shares its storage ` +
        'with another tensor or with a buffer saved for backward (a view, or an output an op keeps); use the ' +
        'out-of-place op instead',
    );
  }
  return true;
}

/** Copies contiguous `values` (target's shape) into `target`'s storage and bumps its version. */
function writeInto(op: string, target: Tensor, values: Tensor): void {
  if (target.size > 0) kernels.copyIntoStrided(values._ptr, target._ptr, target.strides, target.shape);
  target._bumpVersion(op);
}

/**
 * Applies `compute` (an out-of-place op on target) in place. When recording, the result is computed
 * from a clone (so the op's saved inputs are not the storage being overwritten) and target takes
 * over the result's autograd node.
 */
function apply(
  op: string,
  target: Tensor,
  operands: readonly TensorLike[],
  compute: (x: Tensor) => Tensor,
): Tensor {
  const recording = begin(op, target, operands);
  if (!recording) {
    const result = noGrad(() => compute(target));
    writeInto(op, target, result);
    result.dispose();
    return target;
  }
  const source = clone(target);
  const result = compute(source);
  writeInto(op, target, result);
  takeHistory(target, result);
  source.dispose();
  return target;
}

/** Moves the autograd node of `result` (a temporary, disposed here) onto `target`. */
function takeHistory(target: Tensor, result: Tensor): void {
  const node = result._gradFn;
  if (node !== null) target._attachGradFn(node, result._outputIndex);
  result.dispose();
}

/** Throws unless an operand broadcasts to the target's shape without growing it. */
function requireFits(op: string, target: Tensor, other: TensorLike): void {
  if (typeof other === 'number') return;
  if (!(other instanceof Tensor))
    throw new TypeError(`${op}: expected a tensor or a number, got ${describeValue(other)}`);
  const shape = broadcastShapes(op, target.shape, other.shape);
  if (!sameShape(shape, target.shape)) {
    throw new RangeError(
      `${op}: an operand of shape ${formatShape(other.shape)} would broadcast the result to ${formatShape(shape)}, ` +
        `but the tensor written in place has shape ${formatShape(target.shape)}`,
    );
  }
}

/** target += other (broadcasting `other`). @example w.add_(1) */
export function add_(target: Tensor, other: TensorLike): Tensor {
  requireFits('add_', target, other);
  return apply('add_', target, [other], (x) => x.add(other));
}

/** target −= other. */
export function sub_(target: Tensor, other: TensorLike): Tensor {
  requireFits('sub_', target, other);
  return apply('sub_', target, [other], (x) => x.sub(other));
}

/** target ·= other. */
export function mul_(target: Tensor, other: TensorLike): Tensor {
  requireFits('mul_', target, other);
  return apply('mul_', target, [other], (x) => x.mul(other));
}

/** target /= other. */
export function div_(target: Tensor, other: TensorLike): Tensor {
  requireFits('div_', target, other);
  return apply('div_', target, [other], (x) => x.div(other));
}

/** Clamps target into [min, max] in place. */
export function clamp_(target: Tensor, min?: number | null, max?: number | null): Tensor {
  return apply('clamp_', target, [], (x) => x.clamp(min, max));
}

/** Sets every element to `value` (float32 or int32 tensors; never recorded: the result is constant). */
export function fill_(target: Tensor, value: number, op = 'fill_'): Tensor {
  if (typeof value !== 'number')
    throw new TypeError(`${op}: the value must be a number, got ${describeValue(value)}`);
  const recording = begin(op, target, []);
  if (target.isContiguous) {
    if (target.dtype === 'int32') kernels.fillI32(target._ptr, target.size, value);
    else kernels.fill(target._ptr, target.size, value);
    target._bumpVersion(op);
  } else {
    const values = Tensor._empty(target.shape, target.dtype);
    if (target.dtype === 'int32') kernels.fillI32(values._ptr, values.size, value);
    else kernels.fill(values._ptr, values.size, value);
    writeInto(op, target, values);
    values.dispose();
  }
  if (recording) {
    // A constant has no history: the gradient reaching the tensor goes nowhere (as in PyTorch).
    const marker = Tensor._empty([]);
    record(marker, op, [target], [], () => [null]);
    takeHistory(target, marker);
  }
  return target;
}

/** Sets every element to 0. */
export function zero_(target: Tensor): Tensor {
  return fill_(target, 0, 'zero_');
}

/**
 * Copies `source` into `target` (broadcasting it; converting float32 ↔ int32 as `.float()` /
 * `.int()` do). The gradient flows to `source`.
 *
 * @example noGrad(() => layer.weight.copy_(pretrained))
 */
export function copy_(target: Tensor, source: Tensor): Tensor {
  if (!(source instanceof Tensor))
    throw new TypeError(`copy_: expected a tensor to copy from, got ${describeValue(source)}`);
  requireFits('copy_', target, source);
  const recording = begin('copy_', target, [source]);
  const converted =
    source.dtype === target.dtype
      ? source
      : noGrad(() => (target.dtype === 'int32' ? source.int() : source.float()));
  const dense = Tensor._empty(target.shape, target.dtype);
  if (dense.size > 0)
    kernels.copyStrided(
      converted._ptr,
      broadcastStrides(converted.shape, converted.strides, target.shape),
      dense._ptr,
      target.shape,
    );
  if (converted !== source) converted.dispose();
  writeInto('copy_', target, dense);
  dense.dispose();
  if (recording) {
    takeHistory(target, source.expand([...target.shape]).mul(1));
  }
  return target;
}

/** Options of {@link uniform_} and {@link normal_}. */
export interface RandomFillOptions {
  /** Where the random numbers come from (default: the global generator seeded by `manualSeed`). */
  generator?: Generator;
}

/** Fills with uniform values in [low, high). @example noGrad(() => w.uniform_(-0.1, 0.1)) */
export function uniform_(target: Tensor, low = 0, high = 1, options: RandomFillOptions = {}): Tensor {
  requireFloat('uniform_', target);
  if (!Number.isFinite(low) || !Number.isFinite(high) || low > high)
    throw new RangeError(
      `uniform_: expected finite bounds low <= high, got ${describeValue(low)} and ${describeValue(high)}`,
    );
  return randomFill('uniform_', target, () =>
    rand(target.shape, options)
      .mul(high - low)
      .add(low),
  );
}

/** Fills with normal values of mean `mean` and standard deviation `std`. */
export function normal_(target: Tensor, mean = 0, std = 1, options: RandomFillOptions = {}): Tensor {
  requireFloat('normal_', target);
  if (!Number.isFinite(mean) || !Number.isFinite(std) || std < 0)
    throw new RangeError(
      `normal_: expected a finite mean and std >= 0, got ${describeValue(mean)} and ${describeValue(std)}`,
    );
  return randomFill('normal_', target, () => randn(target.shape, options).mul(std).add(mean));
}

function randomFill(op: string, target: Tensor, make: () => Tensor): Tensor {
  begin(op, target, []);
  const values = noGrad(make);
  writeInto(op, target, values);
  values.dispose();
  return target;
}

/**
 * A copy with its own storage (contiguous), recorded by autograd: the gradient passes through.
 *
 * @example const snapshot = w.clone();
 */
export function clone(x: Tensor): Tensor {
  return cloneOp([x], {})[0]!;
}

const cloneOp = defineOp<Record<string, never>>({
  name: 'clone',
  forward: ([x]) => x!._copy(),
  backward: ({ grads: [gy] }) => [gy!],
});
