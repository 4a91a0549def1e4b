// One style for error messages across Myelin: `fnName: what was found; what was expected`. These
// helpers print user-supplied values safely (bounded, never throwing) so that a message about bad
// input can never itself fail or flood the console.
import { formatShape } from './shape.js';

/** Longest rendering of a value that an error message includes. */
const MAX_LENGTH = 80;

/**
 * A short, safe description of any value for an error message: numbers and short strings as
 * themselves, arrays and objects abbreviated, tensors by shape and dtype. Never throws, never recurses
 * deeply.
 *
 * @example describeValue('0.1') // "the string '0.1'"
 */
export function describeValue(value: unknown): string {
  try {
    if (value === null) return 'null';
    if (value === undefined) return 'undefined';
    switch (typeof value) {
      case 'number':
        return `${value}`;
      case 'bigint':
        return `${value}n`;
      case 'boolean':
        return `${value}`;
      case 'string':
        return `the string '${truncate(value)}'`;
      case 'function':
        return 'a function';
      case 'symbol':
        return 'a symbol';
    }
    if (Array.isArray(value)) {
      const items = value.slice(0, 8).map((v) => (typeof v === 'number' ? `${v}` : typeof v));
      return truncate(`an array [${items.join(',')}${value.length > 8 ? ',…' : ''}]`);
    }
    const shaped = value as { shape?: unknown; dtype?: unknown };
    if (Array.isArray(shaped.shape) && typeof shaped.dtype === 'string') {
      return `a ${shaped.dtype} tensor of shape ${formatShape(shaped.shape as number[])}`;
    }
    const name = Object.getPrototypeOf(value)?.constructor?.name;
    return name && name !== 'Object' ? `a ${truncate(String(name))}` : 'an object';
  } catch {
    return 'an unprintable value';
  }
}

function truncate(text: string): string {
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH)}…` : text;
}

/**
 * Throws unless `options` is undefined or a plain object whose keys are all in `valid`: a misspelt
 * option (`{ learningRate: 0.1 }` for `lr`) is an error listing the valid ones, never silently ignored.
 *
 * @example checkOptions('Adam', { lr: 0.01 }, ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad'])
 */
export function checkOptions(fn: string, options: unknown, valid: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${fn}: options must be an object, got ${describeValue(options)}`);
  }
  const unknown = Object.keys(options).filter((key) => !valid.includes(key));
  if (unknown.length > 0) {
    const names = unknown.map((k) => `'${truncate(k)}'`).join(', ');
    throw new TypeError(
      `${fn}: unknown option${unknown.length > 1 ? 's' : ''} ${names}; valid options are ${valid.map((k) => `'${k}'`).join(', ')}`,
    );
  }
}
