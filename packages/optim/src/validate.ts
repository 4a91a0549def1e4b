import { describeValue } from '@myelin/tensor';

/** Throws unless `value` is a finite number ≥ 0 (or > 0 when `positive`), naming the optimizer and option. */
export function requireNonNegative(owner: string, name: string, value: unknown, positive = false): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    throw new RangeError(
      `${owner}: ${name} must be a finite number ${positive ? '> 0' : '>= 0'}, got ${describeValue(value)}`,
    );
  }
}

/** Throws unless 0 ≤ value < 1. */
export function requireUnitInterval(owner: string, name: string, value: unknown): void {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new RangeError(`${owner}: ${name} must be a number in [0, 1), got ${describeValue(value)}`);
  }
}

/** Throws unless `value` is an integer ≥ `min`. */
export function requireInteger(owner: string, name: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${owner}: ${name} must be an integer >= ${min}, got ${describeValue(value)}`);
  }
}

/** Throws unless `value` is a boolean (a string such as 'false' would otherwise count as true). */
export function requireBoolean(owner: string, name: string, value: unknown): void {
  if (typeof value !== 'boolean')
    throw new TypeError(`${owner}: ${name} must be true or false, got ${describeValue(value)}`);
}

/**
 * A short description of an untrusted value for an error message: numbers, booleans and short
 * strings as they are, anything else by its kind (never stringified, which could be unbounded).
 */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null || ['number', 'boolean', 'bigint', 'undefined'].includes(typeof value))
    return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
