import type { SchedulableOptimizer } from './lr-scheduler.js';
import { requireNonNegative } from './validate.js';

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
    this.options = {
      mode: 'min',
      factor: 0.1,
      patience: 10,
      threshold: 1e-4,
      thresholdMode: 'rel',
      cooldown: 0,
      minLr: 0,
      eps: 1e-8,
      ...options,
    };
    const o = this.options;
    if (!(o.factor >= 0 && o.factor < 1))
      throw new RangeError(`ReduceLROnPlateau: factor must be in [0, 1), got ${o.factor}`);
    requireNonNegative('ReduceLROnPlateau', 'patience', o.patience);
    requireNonNegative('ReduceLROnPlateau', 'cooldown', o.cooldown);
    requireNonNegative('ReduceLROnPlateau', 'minLr', o.minLr);
    if (o.mode !== 'min' && o.mode !== 'max')
      throw new RangeError(`ReduceLROnPlateau: mode must be 'min' or 'max', got ${o.mode}`);
    this.best = o.mode === 'min' ? Infinity : -Infinity;
  }

  /** Records one value of the monitored metric and reduces the learning rate if it has plateaued. */
  step(metric: number): void {
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
