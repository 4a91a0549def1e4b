import { checkOptions, describeValue } from '@myelin/tensor';
import {
  checkCosine,
  checkLinear,
  checkMultiStep,
  checkStep,
  cosineSchedule,
  exponentialSchedule,
  linearSchedule,
  multiStepSchedule,
  type Schedule,
  stepSchedule,
} from './schedules.js';
import { requireNonNegative } from './validate.js';

/**
 * What a scheduler needs of an optimizer: a settable learning rate, and optionally parameter
 * groups with their own (scheduled separately, as in PyTorch).
 */
export interface SchedulableOptimizer {
  lr: number;
  paramGroups?: { options: { lr: number } }[];
}

/** Throws unless `optimizer` has a learning rate to schedule (a number, or one per parameter group). */
export function checkSchedulable(owner: string, optimizer: unknown): void {
  const o = optimizer as SchedulableOptimizer | null;
  const ok =
    typeof o === 'object' &&
    o !== null &&
    (Array.isArray(o.paramGroups)
      ? o.paramGroups.every((g) => typeof g?.options?.lr === 'number')
      : typeof o.lr === 'number');
  if (!ok) {
    throw new TypeError(
      `${owner}: expected an optimizer with a learning rate (e.g. new SGD(params, { lr: 0.1 })), got ${describeValue(optimizer)}`,
    );
  }
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
  private schedules: Schedule[];

  protected constructor(
    /** Name used in error messages. */
    readonly name: string,
    readonly optimizer: SchedulableOptimizer,
    private readonly makeSchedule: (baseLr: number) => Schedule,
  ) {
    checkSchedulable(name, optimizer);
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

  /**
   * The scheduler's state as plain numbers (PyTorch's last_epoch and base_lrs), e.g. to save with
   * the optimizer's: `opt.saveState({ scheduler })`.
   *
   * @example const saved = JSON.stringify(scheduler.stateDict()); // {"lastEpoch":3,"baseLrs":[0.1]}
   */
  stateDict(): { lastEpoch: number; baseLrs: number[] } {
    return { lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs] };
  }

  /**
   * Restores a {@link stateDict} (`baseLrs` may be left out: the rates the scheduler was built with
   * stay) and sets the optimizer's learning rates to the schedule's at `lastEpoch`. Checks first.
   *
   * @example scheduler.loadStateDict({ lastEpoch: 3, baseLrs: [0.1] });
   */
  loadStateDict(state: { lastEpoch: number; baseLrs?: readonly number[] }): void {
    const where = `${this.name}.loadStateDict`;
    const { lastEpoch, baseLrs } = (state ?? {}) as { lastEpoch?: unknown; baseLrs?: unknown };
    if (typeof lastEpoch !== 'number' || !Number.isInteger(lastEpoch) || lastEpoch < 0) {
      throw new RangeError(`${where}: lastEpoch must be an integer >= 0, got ${describeValue(lastEpoch)}`);
    }
    if (
      baseLrs !== undefined &&
      (!Array.isArray(baseLrs) ||
        baseLrs.length !== this.baseLrs.length ||
        !baseLrs.every((lr) => typeof lr === 'number' && Number.isFinite(lr) && lr >= 0))
    ) {
      throw new RangeError(
        `${where}: baseLrs must hold ${this.baseLrs.length} learning rates >= 0 (one per parameter group), got ${describeValue(baseLrs)}`,
      );
    }
    this.lastEpoch = lastEpoch;
    if (baseLrs !== undefined) {
      this.baseLrs.splice(0, this.baseLrs.length, ...(baseLrs as number[]));
      this.schedules = this.baseLrs.map(this.makeSchedule);
    }
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
  constructor(optimizer: SchedulableOptimizer, options: { stepSize: number; gamma?: number }) {
    checkOptions('StepLR', options, ['stepSize', 'gamma']);
    const { stepSize, gamma = 0.1 } = options ?? {};
    checkStep('StepLR', stepSize, gamma);
    super('StepLR', optimizer, (lr) => stepSchedule(lr, stepSize, gamma));
  }
}

/** Multiplies the learning rate by `gamma` at each milestone. @example new MultiStepLR(opt, { milestones: [30, 80] }) */
export class MultiStepLR extends LRScheduler {
  constructor(optimizer: SchedulableOptimizer, options: { milestones: number[]; gamma?: number }) {
    checkOptions('MultiStepLR', options, ['milestones', 'gamma']);
    const { milestones, gamma = 0.1 } = options ?? {};
    checkMultiStep('MultiStepLR', milestones, gamma);
    super('MultiStepLR', optimizer, (lr) => multiStepSchedule(lr, milestones, gamma));
  }
}

/** Multiplies the learning rate by `gamma` every step. @example new ExponentialLR(opt, { gamma: 0.95 }) */
export class ExponentialLR extends LRScheduler {
  constructor(optimizer: SchedulableOptimizer, options: { gamma: number }) {
    checkOptions('ExponentialLR', options, ['gamma']);
    const gamma = options?.gamma;
    requireNonNegative('ExponentialLR', 'gamma', gamma);
    super('ExponentialLR', optimizer, (lr) => exponentialSchedule(lr, gamma));
  }
}

/** Cosine annealing from the base rate to `etaMin` over `tMax` steps. @example new CosineAnnealingLR(opt, { tMax: 100 }) */
export class CosineAnnealingLR extends LRScheduler {
  constructor(optimizer: SchedulableOptimizer, options: { tMax: number; etaMin?: number }) {
    checkOptions('CosineAnnealingLR', options, ['tMax', 'etaMin']);
    const { tMax, etaMin = 0 } = options ?? {};
    checkCosine('CosineAnnealingLR', tMax, etaMin);
    super('CosineAnnealingLR', optimizer, (lr) => cosineSchedule(lr, tMax, etaMin));
  }
}

/** Linear ramp of the factor from `startFactor` to `endFactor` over `totalIters` steps (warm-up). @example new LinearLR(opt, { startFactor: 0.1, totalIters: 10 }) */
export class LinearLR extends LRScheduler {
  constructor(
    optimizer: SchedulableOptimizer,
    options: { startFactor?: number; endFactor?: number; totalIters?: number } = {},
  ) {
    checkOptions('LinearLR', options, ['startFactor', 'endFactor', 'totalIters']);
    const { startFactor = 1 / 3, endFactor = 1, totalIters = 5 } = options;
    checkLinear('LinearLR', startFactor, endFactor, totalIters);
    super('LinearLR', optimizer, (lr) => linearSchedule(lr, startFactor, endFactor, totalIters));
  }
}

/** Base rate times a user function of the step. @example new LambdaLR(opt, { lrLambda: (e) => 0.95 ** e }) */
export class LambdaLR extends LRScheduler {
  constructor(optimizer: SchedulableOptimizer, options: { lrLambda: (step: number) => number }) {
    checkOptions('LambdaLR', options, ['lrLambda']);
    const lrLambda = options?.lrLambda;
    if (typeof lrLambda !== 'function') {
      throw new TypeError(
        `LambdaLR: lrLambda must be a function of the step, got ${describeValue(lrLambda)}`,
      );
    }
    super('LambdaLR', optimizer, (lr) => (step) => lr * lrLambda(step));
  }
}
