// Learning-rate schedules as plain functions `step → lr` (closed forms of torch.optim.lr_scheduler),
// usable without an optimizer; the scheduler classes in lr-scheduler.ts are built on them.
import { requireNonNegative } from './validate.js';

/** A learning rate as a function of the step (or epoch) count, starting at 0. */
export type Schedule = (step: number) => number;

/**
 * lr · γ^⌊step / stepSize⌋ (StepLR).
 *
 * @example stepSchedule(0.1, 30)(65) // 0.1 · 0.1² = 0.001
 */
export function stepSchedule(lr: number, stepSize: number, gamma = 0.1): Schedule {
  if (!Number.isInteger(stepSize) || stepSize < 1)
    throw new RangeError(`StepLR: stepSize must be an integer >= 1, got ${stepSize}`);
  requireNonNegative('StepLR', 'gamma', gamma);
  return (step) => lr * gamma ** Math.floor(step / stepSize);
}

/**
 * lr · γ^(number of milestones ≤ step) (MultiStepLR).
 *
 * @example multiStepSchedule(1, [10, 20], 0.5)(15) // 0.5
 */
export function multiStepSchedule(lr: number, milestones: readonly number[], gamma = 0.1): Schedule {
  const sorted = [...milestones].sort((a, b) => a - b);
  requireNonNegative('MultiStepLR', 'gamma', gamma);
  return (step) => lr * gamma ** sorted.filter((m) => m <= step).length;
}

/**
 * lr · γ^step (ExponentialLR).
 *
 * @example exponentialSchedule(1, 0.9)(2) // 0.81
 */
export function exponentialSchedule(lr: number, gamma: number): Schedule {
  requireNonNegative('ExponentialLR', 'gamma', gamma);
  return (step) => lr * gamma ** step;
}

/**
 * ηmin + (lr − ηmin)·(1 + cos(π·step/tMax))/2 (CosineAnnealingLR, Loshchilov & Hutter 2017).
 *
 * @example cosineSchedule(1, 10)(5) // 0.5
 */
export function cosineSchedule(lr: number, tMax: number, etaMin = 0): Schedule {
  if (!(tMax > 0)) throw new RangeError(`CosineAnnealingLR: tMax must be > 0, got ${tMax}`);
  return (step) => etaMin + ((lr - etaMin) * (1 + Math.cos((Math.PI * step) / tMax))) / 2;
}

/**
 * lr · (start + (end − start)·min(step, totalIters)/totalIters) (LinearLR, e.g. warm-up).
 *
 * @example linearSchedule(1, 0.1, 1, 10)(5) // 0.55
 */
export function linearSchedule(lr: number, startFactor = 1 / 3, endFactor = 1, totalIters = 5): Schedule {
  if (!(startFactor > 0 && startFactor <= 1) || !(endFactor >= 0 && endFactor <= 1)) {
    throw new RangeError(
      `LinearLR: factors must be in (0, 1] and [0, 1], got ${startFactor} and ${endFactor}`,
    );
  }
  if (!Number.isInteger(totalIters) || totalIters < 1)
    throw new RangeError(`LinearLR: totalIters must be an integer >= 1, got ${totalIters}`);
  return (step) => lr * (startFactor + ((endFactor - startFactor) * Math.min(step, totalIters)) / totalIters);
}
