// Creation functions: tensor, zeros, ones, full, arange, linspace, eye and the *Like variants.

import { describeValue } from './errors.js';
import { kernels } from './runtime.js';
import { checkShape, formatShape, type Shape, sizeOf } from './shape.js';
import { type DType, Tensor } from './tensor.js';

/** Options shared by creation functions. */
export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

/** Nested arrays of numbers (any depth) accepted by {@link tensor}. */
export type NestedNumbers = number | readonly NestedNumbers[];

/** The element types a tensor can have. */
const DTYPES: readonly DType[] = ['float32', 'int32'];

/** Throws unless `dtype` is one Myelin supports, naming the function the user called. */
export function checkDType(op: string, dtype: unknown): asserts dtype is DType {
  if (!DTYPES.includes(dtype as DType)) {
    throw new TypeError(
      `${op}: unsupported dtype ${describeValue(dtype)}; Myelin tensors are 'float32' (values) or 'int32' ` +
        `(indices, class labels)`,
    );
  }
}

function finish(t: Tensor, options: CreateOptions): Tensor {
  if (options.requiresGrad) t.requiresGrad_(true);
  return t;
}

/** A new tensor holding `values` (length = size of shape), converted to `dtype`. */
export function fromValues(
  values: ArrayLike<number>,
  shape: Shape,
  options: CreateOptions = {},
  op = 'tensor',
): Tensor {
  const dtype = options.dtype ?? 'float32';
  checkDType(op, dtype);
  const t = Tensor._empty(shape, dtype);
  (dtype === 'int32' ? kernels.i32 : kernels.f32).set(values, t._ptr >>> 2);
  return finish(t, options);
}

function inferShape(data: NestedNumbers): number[] {
  const shape: number[] = [];
  let level: NestedNumbers = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = (level as readonly NestedNumbers[])[0]!;
  }
  return shape;
}

function flattenInto(
  data: NestedNumbers,
  shape: readonly number[],
  depth: number,
  path: number[],
  out: number[],
): void {
  if (depth === shape.length) {
    if (typeof data !== 'number') {
      throw new TypeError(
        `tensor: expected a number at [${path.join('][')}], got ${Array.isArray(data) ? 'an array (ragged nesting)' : typeof data}`,
      );
    }
    out.push(data);
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[depth]) {
    throw new RangeError(
      `tensor: ragged nested array: expected ${shape[depth]} elements at [${path.join('][')}] (shape ${formatShape(shape)}), got ${Array.isArray(data) ? data.length : typeof data}`,
    );
  }
  (data as readonly NestedNumbers[]).forEach((item, i) => {
    path.push(i);
    flattenInto(item, shape, depth + 1, path, out);
    path.pop();
  });
}

/**
 * A tensor from a number, nested arrays or a typed array (with `shape`). float32 unless `dtype`
 * says otherwise or the data is an Int32Array.
 *
 * @example
 * tensor([[1, 2], [3, 4]]);                                // shape [2, 2], float32
 * tensor([0, 2, 1], { dtype: 'int32' });                   // class labels
 * tensor(new Float32Array(6), { shape: [2, 3] });
 * tensor([1, 2], { requiresGrad: true });
 */
export function tensor(
  data: NestedNumbers | Float32Array | Int32Array | ArrayLike<number>,
  options: CreateOptions & { shape?: Shape } = {},
): Tensor {
  const dtype = options.dtype ?? (data instanceof Int32Array ? 'int32' : 'float32');
  checkDType('tensor', dtype);
  if (ArrayBuffer.isView(data) || (typeof data === 'object' && !Array.isArray(data))) {
    const values = data as ArrayLike<number>;
    const shape = options.shape ?? [values.length];
    checkShape('tensor', shape);
    if (sizeOf(shape) !== values.length) {
      throw new RangeError(
        `tensor: ${values.length} values do not fill shape ${formatShape(shape)} (${sizeOf(shape)} elements)`,
      );
    }
    return fromValues(values, shape, { ...options, dtype });
  }
  const shape = inferShape(data as NestedNumbers);
  const flat: number[] = [];
  flattenInto(data as NestedNumbers, shape, 0, [], flat);
  if (options.shape !== undefined) {
    checkShape('tensor', options.shape);
    if (sizeOf(options.shape) !== flat.length) {
      throw new RangeError(`tensor: ${flat.length} values do not fill shape ${formatShape(options.shape)}`);
    }
  }
  return fromValues(flat, options.shape ?? shape, { ...options, dtype });
}

/**
 * A tensor of `shape` filled with `value`.
 *
 * @example full([2, 2], 7)
 */
export function full(shape: Shape, value: number, options: CreateOptions = {}): Tensor {
  return filled('full', shape, value, options);
}

/** A tensor of `shape` filled with `value`, errors named after `op` (the function the user called). */
function filled(op: string, shape: Shape, value: number, options: CreateOptions): Tensor {
  checkShape(op, shape);
  const dtype = options.dtype ?? 'float32';
  checkDType(op, dtype);
  if (typeof value !== 'number')
    throw new TypeError(`${op}: the fill value must be a number, got ${describeValue(value)}`);
  const t = Tensor._empty(shape, dtype);
  if (t.dtype === 'int32') kernels.fillI32(t._ptr, t.size, value);
  else kernels.fill(t._ptr, t.size, value);
  return finish(t, options);
}

/** Zeros of `shape`. @example zeros([3, 4]) */
export function zeros(shape: Shape, options: CreateOptions = {}): Tensor {
  return filled('zeros', shape, 0, options);
}

/** Ones of `shape`. @example ones([3]) */
export function ones(shape: Shape, options: CreateOptions = {}): Tensor {
  return filled('ones', shape, 1, options);
}

/** Zeros shaped like `t` (same dtype unless given). @example zerosLike(x) */
export function zerosLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return full(t.shape, 0, { dtype: t.dtype, ...options });
}

/** Ones shaped like `t`. @example onesLike(x) */
export function onesLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return full(t.shape, 1, { dtype: t.dtype, ...options });
}

/** `value` shaped like `t`. @example fullLike(x, 0.5) */
export function fullLike(t: Tensor, value: number, options: CreateOptions = {}): Tensor {
  return full(t.shape, value, { dtype: t.dtype, ...options });
}

/**
 * Values start, start+step, … below end (one argument: 0..end). float32 unless `dtype`.
 *
 * @example arange(5).toArray(); // [0, 1, 2, 3, 4]
 */
export function arange(start: number, end?: number, step = 1, options: CreateOptions = {}): Tensor {
  const [from, to] = end === undefined ? [0, start] : [start, end];
  if (step === 0 || !Number.isFinite(step))
    throw new RangeError(`arange: step must be a finite nonzero number, got ${step}`);
  if (!Number.isFinite(from) || !Number.isFinite(to))
    throw new RangeError(`arange: bounds must be finite, got ${from} and ${to}`);
  const n = Math.max(0, Math.ceil((to - from) / step));
  return fromValues(
    Array.from({ length: n }, (_, i) => from + i * step),
    [n],
    options,
    'arange',
  );
}

/**
 * `steps` evenly spaced values from start to end inclusive.
 *
 * @example linspace(0, 1, 5).toArray(); // [0, 0.25, 0.5, 0.75, 1]
 */
export function linspace(start: number, end: number, steps: number, options: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0)
    throw new RangeError(`linspace: steps must be an integer >= 0, got ${steps}`);
  const values = Array.from({ length: steps }, (_, i) =>
    steps === 1 ? start : start + ((end - start) * i) / (steps - 1),
  );
  return fromValues(values, [steps], options, 'linspace');
}

/**
 * The n×m identity matrix (m defaults to n).
 *
 * @example eye(3)
 */
export function eye(n: number, m = n, options: CreateOptions = {}): Tensor {
  checkShape('eye', [n, m]);
  const t = zeros([n, m], { dtype: options.dtype });
  const view = t.dtype === 'int32' ? kernels.i32 : kernels.f32;
  for (let i = 0; i < Math.min(n, m); i++) view[(t._ptr >>> 2) + i * m + i] = 1;
  return finish(t, options);
}
