// Learning-rate schedules as plain functions `step → lr` (closed forms of torch.optim.lr_scheduler),
// usable without an optimizer; the scheduler classes in lr-scheduler.ts are built on them. Each
// schedule's arguments are checked by a `check…` function that the matching class calls first with
// its own name, so an error names what the user called (`StepLR:` or `stepSchedule:`).
import { describeValue } from '@myelin/tensor';
import { requireInteger, requireNonNegative } from './validate.js';

/** A learning rate as a function of the step (or epoch) count, starting at 0. */
export type Schedule = (step: number) => number;

/** Throws unless `value` is a finite number. */
function requireFinite(owner: string, name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new RangeError(`${owner}: ${name} must be a finite number, got ${describeValue(value)}`);
}

/** Checks the arguments of {@link stepSchedule}. */
export function checkStep(owner: string, stepSize: unknown, gamma: unknown): void {
  requireInteger(owner, 'stepSize', stepSize, 1);
  requireNonNegative(owner, 'gamma', gamma);
}

/**
 * lr · γ^⌊step / stepSize⌋ (StepLR).
 *
 * @example stepSchedule(0.1, 30)(65) // 0.1 · 0.1² = 0.001
 */
export function stepSchedule(lr: number, stepSize: number, gamma = 0.1): Schedule {
  requireNonNegative('stepSchedule', 'lr', lr);
  checkStep('stepSchedule', stepSize, gamma);
  return (step) => lr * gamma ** Math.floor(step / stepSize);
}

/** Checks the arguments of {@link multiStepSchedule}. */
export function checkMultiStep(owner: string, milestones: unknown, gamma: unknown): void {
  if (
    !Array.isArray(milestones) ||
    !milestones.every((m) => typeof m === 'number' && Number.isInteger(m) && m >= 0)
  ) {
    throw new RangeError(
      `${owner}: milestones must be an array of integers >= 0, got ${describeValue(milestones)}`,
    );
  }
  requireNonNegative(owner, 'gamma', gamma);
}

/**
 * lr · γ^(number of milestones ≤ step) (MultiStepLR).
 *
 * @example multiStepSchedule(1, [10, 20], 0.5)(15) // 0.5
 */
export function multiStepSchedule(lr: number, milestones: readonly number[], gamma = 0.1): Schedule {
  requireNonNegative('multiStepSchedule', 'lr', lr);
  checkMultiStep('multiStepSchedule', milestones, gamma);
  const sorted = [...milestones].sort((a, b) => a - b);
  return (step) => lr * gamma ** sorted.filter((m) => m <= step).length;
}

/**
 * lr · γ^step (ExponentialLR).
 *
 * @example exponentialSchedule(1, 0.9)(2) // 0.81
 */
export function exponentialSchedule(lr: number, gamma: number): Schedule {
  requireNonNegative('exponentialSchedule', 'lr', lr);
  requireNonNegative('exponentialSchedule', 'gamma', gamma);
  return (step) => lr * gamma ** step;
}

/** Checks the arguments of {@link cosineSchedule}. */
export function checkCosine(owner: string, tMax: unknown, etaMin: unknown): void {
  requireNonNegative(owner, 'tMax', tMax, true);
  requireFinite(owner, 'etaMin', etaMin);
}

/**
 * ηmin + (lr − ηmin)·(1 + cos(π·step/tMax))/2 (CosineAnnealingLR, Loshchilov & Hutter 2017).
 *
 * @example cosineSchedule(1, 10)(5) // 0.5
 */
export function cosineSchedule(lr: number, tMax: number, etaMin = 0): Schedule {
  requireNonNegative('cosineSchedule', 'lr', lr);
  checkCosine('cosineSchedule', tMax, etaMin);
  return (step) => etaMin + ((lr - etaMin) * (1 + Math.cos((Math.PI * step) / tMax))) / 2;
}

/** Checks the arguments of {@link linearSchedule}. */
export function checkLinear(
  owner: string,
  startFactor: unknown,
  endFactor: unknown,
  totalIters: unknown,
): void {
  const inRange = (v: unknown, low: number) => typeof v === 'number' && v <= 1 && (low > 0 ? v > 0 : v >= 0);
  if (!inRange(startFactor, 1) || !inRange(endFactor, 0)) {
    throw new RangeError(
      `${owner}: startFactor must be in (0, 1] and endFactor in [0, 1], got ${describeValue(startFactor)} and ${describeValue(endFactor)}`,
    );
  }
  requireInteger(owner, 'totalIters', totalIters, 1);
}

/**
 * lr · (start + (end − start)·min(step, totalIters)/totalIters) (LinearLR, e.g. warm-up).
 *
 * @example linearSchedule(1, 0.1, 1, 10)(5) // 0.55
 */
export function linearSchedule(lr: number, startFactor = 1 / 3, endFactor = 1, totalIters = 5): Schedule {
  requireNonNegative('linearSchedule', 'lr', lr);
  checkLinear('linearSchedule', startFactor, endFactor, totalIters);
  return (step) => lr * (startFactor + ((endFactor - startFactor) * Math.min(step, totalIters)) / totalIters);
}
