// A loud, one-time warning when live tensors keep piling up — the symptom of a training loop written
// without `tidy` (issue 16 #2). Tensor data lives in WebAssembly memory that the garbage collector
// does not see, so such a loop grows silently until memory runs out; this names the line that
// creates the tensors and the fix.

import { callSite } from './call-site.js';

/** Live tensors at which the first warning is given (then at 4×, 16×, … until one is shown). */
let threshold = 20_000;
let warned = false;
let nextCheck = threshold;

/**
 * Sets how many live tensors trigger the one-time "possible leak" warning (default 20,000), or turns
 * it off with `false`.
 *
 * @example setLeakWarning(100_000); // a model that legitimately holds many tensors
 */
export function setLeakWarning(liveTensors: number | false): void {
  if (liveTensors !== false && (!Number.isInteger(liveTensors) || liveTensors < 1)) {
    throw new RangeError(`setLeakWarning: expected a positive integer or false, got ${String(liveTensors)}`);
  }
  threshold = liveTensors === false ? Number.POSITIVE_INFINITY : liveTensors;
  nextCheck = threshold;
  warned = false;
}

/** Called by the Tensor constructor with the live count; warns once when it passes the threshold. */
export function checkLiveTensors(live: number, bytes: number): void {
  if (live < nextCheck || warned) return;
  nextCheck *= 4;
  warned = true;
  console.warn(
    `@myelin/tensor: ${live} tensors (${(bytes / 2 ** 20).toFixed(1)} MiB) are alive and the number keeps growing. ` +
      'Tensor memory is not garbage-collected: in a training or inference loop, wrap each step in ' +
      'tidy(() => …) (or use fit/evaluate/predict, which do), dispose() what you keep, and set .grad = null ' +
      `(or optimizer.zeroGrad()) between steps. The latest tensor was created ${callSite()}. ` +
      'setDebug(true) and liveTensorSites() list where the live ones come from; setLeakWarning(n | false) ' +
      'changes this warning.',
  );
}
