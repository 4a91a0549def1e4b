// Argument checks of the data package, in the library's one error style: `fn: what was found;
// what was expected`, naming the public entry point.
import { checkOptions, describeValue, Tensor } from '@myelin/tensor';

export { checkOptions, describeValue };

/** Throws unless `value` is a live tensor. */
export function requireTensor(fn: string, name: string, value: unknown): asserts value is Tensor {
  if (!(value instanceof Tensor))
    throw new TypeError(`${fn}: ${name} must be a tensor, got ${describeValue(value)}`);
  if (value.isDisposed) throw new Error(`${fn}: ${name} was disposed`);
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

/** Throws unless `value` is a boolean (a string 'false' would otherwise count as true). */
export function requireBoolean(fn: string, name: string, value: unknown): asserts value is boolean {
  if (typeof value !== 'boolean')
    throw new TypeError(`${fn}: ${name} must be true or false, got ${describeValue(value)}`);
}
