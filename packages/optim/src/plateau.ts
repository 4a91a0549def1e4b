import { checkOptions, describeValue } from '@myelin/tensor';
import { checkSchedulable, type SchedulableOptimizer } from './lr-scheduler.js';
import { requireInteger, requireNonNegative } from './validate.js';

/** Options of {@link ReduceLROnPlateau} (torch.optim.lr_scheduler.ReduceLROnPlateau's, camelCased). */
export interface ReduceLROnPlateauOptions {
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  minLr: number;
  eps: number;
}

const PLATEAU_DEFAULTS: ReduceLROnPlateauOptions = {
  mode: 'min',
  factor: 0.1,
  patience: 10,
  threshold: 1e-4,
  thresholdMode: 'rel',
  cooldown: 0,
  minLr: 0,
  eps: 1e-8,
};

/**
 * Cuts the learning rate by `factor` when a monitored metric (e.g. validation loss) has not improved
 * for more than `patience` steps, as PyTorch's ReduceLROnPlateau.
 *
 * @example const plateau = new ReduceLROnPlateau(opt, { patience: 5 }); plateau.step(valLoss);
 */
export class ReduceLROnPlateau {
  readonly options: ReduceLROnPlateauOptions;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;

  constructor(
    readonly optimizer: SchedulableOptimizer,
    options: Partial<ReduceLROnPlateauOptions> = {},
  ) {
    const name = 'ReduceLROnPlateau';
    checkSchedulable(name, optimizer);
    checkOptions(name, options, Object.keys(PLATEAU_DEFAULTS));
    this.options = { ...PLATEAU_DEFAULTS, ...options };
    const o = this.options;
    if (typeof o.factor !== 'number' || !(o.factor >= 0 && o.factor < 1))
      throw new RangeError(`${name}: factor must be in [0, 1), got ${describeValue(o.factor)}`);
    requireInteger(name, 'patience', o.patience, 0);
    requireInteger(name, 'cooldown', o.cooldown, 0);
    requireNonNegative(name, 'threshold', o.threshold);
    requireNonNegative(name, 'minLr', o.minLr);
    requireNonNegative(name, 'eps', o.eps);
    if (o.mode !== 'min' && o.mode !== 'max')
      throw new RangeError(`${name}: mode must be 'min' or 'max', got ${describeValue(o.mode)}`);
    if (o.thresholdMode !== 'rel' && o.thresholdMode !== 'abs')
      throw new RangeError(
        `${name}: thresholdMode must be 'rel' or 'abs', got ${describeValue(o.thresholdMode)}`,
      );
    this.best = o.mode === 'min' ? Infinity : -Infinity;
  }

  /** Records one value of the monitored metric and reduces the learning rate if it has plateaued. */
  step(metric: number): void {
    if (typeof metric !== 'number') {
      throw new TypeError(
        `ReduceLROnPlateau.step: the metric must be a number (e.g. the validation loss), got ${describeValue(metric)}`,
      );
    }
    this.lastEpoch++;
    if (this.isBetter(metric)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.options.patience) {
      this.reduce();
      this.cooldownCounter = this.options.cooldown;
      this.numBadEpochs = 0;
    }
  }

  /** Name used in error messages and saved state files. */
  readonly name = 'ReduceLROnPlateau';

  /**
   * The scheduler's counters as plain numbers (`best` may be ±Infinity before the first step), e.g.
   * to save with the optimizer's: `opt.saveState({ scheduler })`. The learning rates themselves are
   * the optimizer's.
   *
   * @example const state = plateau.stateDict(); // { best: 0.31, numBadEpochs: 2, cooldownCounter: 0, lastEpoch: 9 }
   */
  stateDict(): { best: number; numBadEpochs: number; cooldownCounter: number; lastEpoch: number } {
    const { best, numBadEpochs, cooldownCounter, lastEpoch } = this;
    return { best, numBadEpochs, cooldownCounter, lastEpoch };
  }

  /**
   * Restores a {@link stateDict}, checking every field first.
   *
   * @example plateau.loadStateDict(saved);
   */
  loadStateDict(state: {
    best: number;
    numBadEpochs: number;
    cooldownCounter: number;
    lastEpoch: number;
  }): void {
    const where = 'ReduceLROnPlateau.loadStateDict';
    const s = (state ?? {}) as Record<string, unknown>;
    if (typeof s.best !== 'number' || Number.isNaN(s.best))
      throw new RangeError(`${where}: best must be a number, got ${describeValue(s.best)}`);
    for (const key of ['numBadEpochs', 'cooldownCounter', 'lastEpoch']) {
      const value = s[key];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
        throw new RangeError(`${where}: ${key} must be an integer >= 0, got ${describeValue(value)}`);
    }
    this.best = s.best;
    this.numBadEpochs = s.numBadEpochs as number;
    this.cooldownCounter = s.cooldownCounter as number;
    this.lastEpoch = s.lastEpoch as number;
  }

  /** The learning rates now set, one per parameter group. */
  getLastLr(): number[] {
    return this.optimizer.paramGroups?.map((g) => g.options.lr) ?? [this.optimizer.lr];
  }

  private isBetter(value: number): boolean {
    const { mode, threshold, thresholdMode } = this.options;
    if (mode === 'min')
      return thresholdMode === 'rel' ? value < this.best * (1 - threshold) : value < this.best - threshold;
    return thresholdMode === 'rel' ? value > this.best * (1 + threshold) : value > this.best + threshold;
  }

  private reduce(): void {
    const { factor, minLr, eps } = this.options;
    const update = (old: number) => {
      const next = Math.max(old * factor, minLr);
      return old - next > eps ? next : old;
    };
    if (this.optimizer.paramGroups)
      for (const g of this.optimizer.paramGroups) g.options.lr = update(g.options.lr);
    else this.optimizer.lr = update(this.optimizer.lr);
  }
}
