// Argument checks shared by the layers, losses and training functions: each throws an error in the
// style of the whole library — `fn: what was found; what was expected` — naming the public entry
// point, so that bad input never surfaces as an internal op's error or a JavaScript crash.
import { checkOptions, describeValue, Tensor } from '@myelin/tensor';

export { checkOptions, describeValue };

/** Throws unless `value` is a live tensor (of `dtype`, when given). */
export function requireTensor(
  fn: string,
  name: string,
  value: unknown,
  dtype?: 'float32' | 'int32',
): asserts value is Tensor {
  if (!(value instanceof Tensor))
    throw new TypeError(`${fn}: ${name} must be a tensor, got ${describeValue(value)}`);
  if (value.isDisposed) throw new Error(`${fn}: ${name} was disposed`);
  if (dtype !== undefined && value.dtype !== dtype) {
    const how = dtype === 'float32' ? '.float()' : ".int() or create it with { dtype: 'int32' }";
    throw new TypeError(
      `${fn}: ${name} must be ${dtype === 'int32' ? 'an' : 'a'} ${dtype} tensor, got ${describeValue(value)} (convert with ${how})`,
    );
  }
}

/** Throws unless `value` is an integer (≥ `min`, when given). */
export function requireInteger(
  fn: string,
  name: string,
  value: unknown,
  min?: number,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || (min !== undefined && value < min)) {
    const expected = min === undefined ? 'an integer' : `an integer >= ${min}`;
    throw new RangeError(`${fn}: ${name} must be ${expected}, got ${describeValue(value)}`);
  }
}

/** A range of numbers, and how an error message describes it. */
export interface NumberRange {
  low: number;
  high: number;
  lowOpen?: boolean;
  highOpen?: boolean;
  text: string;
}

/** [low, high]. */
export const closed = (low: number, high: number): NumberRange => ({
  low,
  high,
  text: `in [${low}, ${high}]`,
});
/** [low, high). */
export const halfOpen = (low: number, high: number): NumberRange => ({
  low,
  high,
  highOpen: true,
  text: `in [${low}, ${high})`,
});
/** > 0. */
export const positive: NumberRange = { low: 0, high: Number.POSITIVE_INFINITY, lowOpen: true, text: '> 0' };
/** ≥ 0. */
export const nonNegative: NumberRange = { low: 0, high: Number.POSITIVE_INFINITY, text: '>= 0' };

/** Throws unless `value` is a finite number (within `range`, when given). */
export function requireNumber(
  fn: string,
  name: string,
  value: unknown,
  range?: NumberRange,
): asserts value is number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (range === undefined ||
      ((range.lowOpen ? value > range.low : value >= range.low) &&
        (range.highOpen ? value < range.high : value <= range.high)));
  if (!ok) {
    const expected = range === undefined ? 'a finite number' : `a number ${range.text}`;
    throw new RangeError(`${fn}: ${name} must be ${expected}, got ${describeValue(value)}`);
  }
}

/** Throws unless `value` is a boolean (a string 'false' would otherwise count as true). */
export function requireBoolean(fn: string, name: string, value: unknown): asserts value is boolean {
  if (typeof value !== 'boolean')
    throw new TypeError(`${fn}: ${name} must be true or false, got ${describeValue(value)}`);
}

/** Throws unless `value` is one of `choices`. */
export function requireChoice<T extends string | number>(
  fn: string,
  name: string,
  value: unknown,
  choices: readonly T[],
): asserts value is T {
  if (!choices.includes(value as T)) {
    const list = choices.map((c) => (typeof c === 'string' ? `'${c}'` : `${c}`)).join(', ');
    throw new RangeError(`${fn}: ${name} must be one of ${list}, got ${describeValue(value)}`);
  }
}

/** Throws unless `a` and `b` have the same shape. */
export function requireSameShape(fn: string, input: Tensor, target: Tensor): void {
  if (input.ndim !== target.ndim || input.shape.some((d, i) => d !== target.shape[i])) {
    throw new RangeError(
      `${fn}: input shape [${input.shape.join(',')}] and target shape [${target.shape.join(',')}] differ; they must be equal`,
    );
  }
}
