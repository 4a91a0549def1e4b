import {
  cosineSchedule,
  exponentialSchedule,
  linearSchedule,
  multiStepSchedule,
  type Schedule,
  stepSchedule,
} from './schedules.js';

/**
 * What a scheduler needs of an optimizer: a settable learning rate, and optionally parameter
 * groups with their own (scheduled separately, as in PyTorch).
 */
export interface SchedulableOptimizer {
  lr: number;
  paramGroups?: { options: { lr: number } }[];
}

function learningRates(optimizer: SchedulableOptimizer): number[] {
  return optimizer.paramGroups?.map((g) => g.options.lr) ?? [optimizer.lr];
}

function setLearningRates(optimizer: SchedulableOptimizer, lrs: readonly number[]): void {
  if (optimizer.paramGroups) {
    for (const [i, g] of optimizer.paramGroups.entries()) g.options.lr = lrs[i]!;
  } else optimizer.lr = lrs[0]!;
}

/**
 * Base of the epoch-driven schedulers: on construction the optimizer's learning rates become the
 * base rates and the schedule's value at step 0 is applied; each `step()` advances one step (one
 * epoch, usually) and applies the schedule, giving the same sequence as PyTorch.
 */
export abstract class LRScheduler {
  /** Steps taken so far (PyTorch's last_epoch). */
  lastEpoch = 0;
  readonly baseLrs: number[];
  private readonly schedules: Schedule[];

  protected constructor(
    readonly optimizer: SchedulableOptimizer,
    makeSchedule: (baseLr: number) => Schedule,
  ) {
    this.baseLrs = learningRates(optimizer);
    this.schedules = this.baseLrs.map(makeSchedule);
    this.apply();
  }

  /** Advances the schedule by one step and sets the optimizer's learning rates. */
  step(): void {
    this.lastEpoch++;
    this.apply();
  }

  /** The learning rates last set, one per parameter group. */
  getLastLr(): number[] {
    return learningRates(this.optimizer);
  }

  stateDict(): { lastEpoch: number } {
    return { lastEpoch: this.lastEpoch };
  }

  loadStateDict(state: { lastEpoch: number }): void {
    if (!Number.isInteger(state?.lastEpoch) || state.lastEpoch < 0)
      throw new Error(`loadStateDict: invalid lastEpoch ${state?.lastEpoch}`);
    this.lastEpoch = state.lastEpoch;
    this.apply();
  }

  private apply(): void {
    setLearningRates(
      this.optimizer,
      this.schedules.map((s) => s(this.lastEpoch)),
    );
  }
}

/** Multiplies the learning rate by `gamma` every `stepSize` steps. @example new StepLR(opt, { stepSize: 30 }) */
export class StepLR extends LRScheduler {
  constructor(
    optimizer: SchedulableOptimizer,
    { stepSize, gamma = 0.1 }: { stepSize: number; gamma?: number },
  ) {
    super(optimizer, (lr) => stepSchedule(lr, stepSize, gamma));
  }
}

/** Multiplies the learning rate by `gamma` at each milestone. @example new MultiStepLR(opt, { milestones: [30, 80] }) */
export class MultiStepLR extends LRScheduler {
  constructor(
    optimizer: SchedulableOptimizer,
    { milestones, gamma = 0.1 }: { milestones: number[]; gamma?: number },
  ) {
    super(optimizer, (lr) => multiStepSchedule(lr, milestones, gamma));
  }
}

/** Multiplies the learning rate by `gamma` every step. @example new ExponentialLR(opt, { gamma: 0.95 }) */
export class ExponentialLR extends LRScheduler {
  constructor(optimizer: SchedulableOptimizer, { gamma }: { gamma: number }) {
    super(optimizer, (lr) => exponentialSchedule(lr, gamma));
  }
}

/** Cosine annealing from the base rate to `etaMin` over `tMax` steps. @example new CosineAnnealingLR(opt, { tMax: 100 }) */
export class CosineAnnealingLR extends LRScheduler {
  constructor(optimizer: SchedulableOptimizer, { tMax, etaMin = 0 }: { tMax: number; etaMin?: number }) {
    super(optimizer, (lr) => cosineSchedule(lr, tMax, etaMin));
  }
}

/** Linear ramp of the factor from `startFactor` to `endFactor` over `totalIters` steps (warm-up). @example new LinearLR(opt, { startFactor: 0.1, totalIters: 10 }) */
export class LinearLR extends LRScheduler {
  constructor(
    optimizer: SchedulableOptimizer,
    {
      startFactor = 1 / 3,
      endFactor = 1,
      totalIters = 5,
    }: { startFactor?: number; endFactor?: number; totalIters?: number } = {},
  ) {
    super(optimizer, (lr) => linearSchedule(lr, startFactor, endFactor, totalIters));
  }
}

/** Base rate times a user function of the step. @example new LambdaLR(opt, { lrLambda: (e) => 0.95 ** e }) */
export class LambdaLR extends LRScheduler {
  constructor(optimizer: SchedulableOptimizer, { lrLambda }: { lrLambda: (step: number) => number }) {
    super(optimizer, (lr) => (step) => lr * lrLambda(step));
  }
}
