import type { Tensor } from './tensor.js';

/** A lifetime scope: the tensors created while it is the innermost one. */
export interface Scope {
  readonly tensors: Set<Tensor>;
}

const scopes: Scope[] = [];
let gradEnabled = true;

/** Whether operations currently record the autograd graph (false inside {@link noGrad}). */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Registers a new tensor with the innermost scope, if any; returns that scope. */
export function track(t: Tensor): Scope | undefined {
  const scope = scopes[scopes.length - 1];
  scope?.tensors.add(t);
  return scope;
}

/** Collects the tensors in `value`: a tensor, or arrays / plain objects of them (two levels deep). */
function collectTensors(
  value: unknown,
  into: Set<Tensor>,
  isTensor: (v: unknown) => v is Tensor,
  depth = 0,
): void {
  if (isTensor(value)) into.add(value);
  else if (depth < 2 && Array.isArray(value))
    for (const v of value) collectTensors(v, into, isTensor, depth + 1);
  else if (
    depth < 2 &&
    value !== null &&
    typeof value === 'object' &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    for (const v of Object.values(value)) collectTensors(v, into, isTensor, depth + 1);
  }
}

let isTensorCheck: (v: unknown) => v is Tensor = (_v): _v is Tensor => false;

/** @internal Set by tensor.ts (avoids an import cycle at module load). */
export function setTensorCheck(check: (v: unknown) => v is Tensor): void {
  isTensorCheck = check;
}

/**
 * Runs `fn` and then disposes every tensor created during it, except the tensors it returns (a
 * tensor, or arrays / objects of tensors) and those passed to `keep()`. Returned tensors move to
 * the enclosing scope. Alias: `scope`.
 *
 * @example
 * const loss = tidy(() => model.forward(x).sub(y).square().mean()); // intermediates are freed
 */
export function tidy<T>(fn: () => T): T {
  const scope: Scope = { tensors: new Set() };
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    scopes.pop();
    for (const t of scope.tensors) t.dispose();
    throw error;
  }
  scopes.pop();
  if (result instanceof Promise) {
    for (const t of scope.tensors) t.dispose();
    throw new TypeError(
      'tidy: fn returned a Promise; tidy tracks synchronous code only (await outside, tidy inside)',
    );
  }
  const keepSet = new Set<Tensor>();
  collectTensors(result, keepSet, isTensorCheck);
  const parent = scopes[scopes.length - 1];
  for (const t of scope.tensors) {
    if (keepSet.has(t)) {
      if (parent !== undefined) {
        parent.tensors.add(t);
        t._scope = parent;
      } else {
        t._leaveScope();
      }
    } else {
      t.dispose();
    }
  }
  return result;
}

/** Same as {@link tidy}. */
export const scope = tidy;

/**
 * Runs `fn` without recording the autograd graph: results have `requiresGrad` false and no saved
 * buffers are kept. Use it for inference and for updates of parameters.
 *
 * @example const prediction = noGrad(() => model.forward(x));
 */
export function noGrad<T>(fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}
