// Anomaly detection (PyTorch's torch.autograd.detect_anomaly): while it is on, every op checks its
// outputs and every backward rule its gradients for NaN/Inf, and the first one to produce them throws,
// naming the op and the line of user code that called it. Slow (it reads every result): for debugging.
import type { Tensor } from './tensor.js';

/** Whether anomaly detection is on, shared by the op runner and the autograd engine. */
export const anomalyState = { enabled: false };

/**
 * Runs `fn` with anomaly detection on: the first op whose forward produces NaN/Inf from finite inputs,
 * or whose backward returns a NaN/Inf gradient, throws an error naming it and where it was called.
 *
 * @example detectAnomaly(() => model.forward(x).log().sum().backward())
 */
export function detectAnomaly<T>(fn: () => T): T {
  const previous = anomalyState.enabled;
  anomalyState.enabled = true;
  try {
    return fn();
  } finally {
    anomalyState.enabled = previous;
  }
}

/** Turns anomaly detection on or off globally (see {@link detectAnomaly}). @example setDetectAnomaly(true) */
export function setDetectAnomaly(enabled: boolean): void {
  anomalyState.enabled = enabled;
}

/** Whether a float32 tensor holds a NaN or an infinity. */
export function hasNonFinite(t: Tensor): boolean {
  if (t.dtype !== 'float32') return false;
  for (const v of t.data()) if (!Number.isFinite(v)) return true;
  return false;
}
