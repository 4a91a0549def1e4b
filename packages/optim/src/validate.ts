/** Throws unless `value` is a finite number ≥ 0 (or > 0 when `positive`), naming the optimizer and option. */
export function requireNonNegative(owner: string, name: string, value: number, positive = false): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    throw new RangeError(
      `${owner}: invalid ${name} ${value} (expected a finite number ${positive ? '> 0' : '>= 0'})`,
    );
  }
}

/** Throws unless 0 ≤ value < 1. */
export function requireUnitInterval(owner: string, name: string, value: number): void {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new RangeError(`${owner}: invalid ${name} ${value} (expected a number in [0, 1))`);
  }
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
