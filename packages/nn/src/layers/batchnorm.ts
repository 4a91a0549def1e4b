import { noGrad, ones, type Tensor, tidy, zeros } from '@myelin/tensor';
import { Module } from '../module.js';
import {
  checkOptions,
  closed,
  positive,
  requireBoolean,
  requireInteger,
  requireNumber,
  requireTensor,
} from '../validate.js';

/** Options of {@link BatchNorm1d}. */
export interface BatchNormOptions {
  eps?: number;
  /** Weight of the new batch in the running statistics (default 0.1, as PyTorch). */
  momentum?: number;
  /** Learnable scale γ and shift β (default true). */
  affine?: boolean;
  /** Keep running statistics for evaluation (default true). */
  trackRunningStats?: boolean;
}

/**
 * The buffer names saved before PyTorch's were adopted, accepted by `loadStateDict` as aliases.
 * @internal
 */
export const LEGACY_BUFFER_NAMES = [
  ['runningMean', 'running_mean'],
  ['runningVar', 'running_var'],
  ['numBatchesTracked', 'num_batches_tracked'],
] as const;

/**
 * Batch normalisation (Ioffe & Szegedy 2015) over [N, C] or [N, C, L] inputs, as PyTorch's
 * BatchNorm1d. Training: normalise with the batch mean and biased variance, and update
 * running_mean ← (1 − m)·running_mean + m·mean and running_var likewise with the unbiased variance.
 * Evaluation: normalise with the running statistics. Then y = γ·x̂ + β. The state dict uses
 * PyTorch's names — weight, bias, running_mean, running_var, num_batches_tracked (int32 here,
 * int64 in PyTorch; both load either way) — and `loadStateDict` still accepts the camelCase names
 * (runningMean, runningVar, numBatchesTracked) earlier versions saved.
 *
 * @example new Sequential(new Linear(64, 128), new BatchNorm1d(128), new ReLU())
 */
export class BatchNorm1d extends Module {
  static override readonly layerName = 'BatchNorm1d';
  readonly eps: number;
  readonly momentum: number;
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  readonly numBatchesTracked: Tensor | null;

  constructor(
    readonly numFeatures: number,
    options: BatchNormOptions = {},
  ) {
    super();
    requireInteger('BatchNorm1d', 'numFeatures', numFeatures, 1);
    checkOptions('BatchNorm1d', options, ['eps', 'momentum', 'affine', 'trackRunningStats']);
    const { eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true } = options;
    requireNumber('BatchNorm1d', 'eps', eps, positive);
    requireNumber('BatchNorm1d', 'momentum', momentum, closed(0, 1));
    requireBoolean('BatchNorm1d', 'affine', affine);
    requireBoolean('BatchNorm1d', 'trackRunningStats', trackRunningStats);
    this.eps = eps;
    this.momentum = momentum;
    this.weight = affine ? this.addParameter('weight', ones([numFeatures])) : null;
    this.bias = affine ? this.addParameter('bias', zeros([numFeatures])) : null;
    this.runningMean = trackRunningStats ? this.addBuffer('running_mean', zeros([numFeatures])) : null;
    this.runningVar = trackRunningStats ? this.addBuffer('running_var', ones([numFeatures])) : null;
    this.numBatchesTracked = trackRunningStats
      ? this.addBuffer('num_batches_tracked', zeros([], { dtype: 'int32' }))
      : null;
    // Earlier versions saved the buffers under camelCase names: files they wrote still load.
    if (trackRunningStats)
      for (const [alias, name] of LEGACY_BUFFER_NAMES) this.addStateDictAlias(alias, name);
  }

  forward(x: Tensor): Tensor {
    requireTensor('BatchNorm1d.forward', 'the input', x, 'float32');
    if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[1] !== this.numFeatures) {
      throw new RangeError(
        `BatchNorm1d: expected input [N, ${this.numFeatures}] or [N, ${this.numFeatures}, L], got [${x.shape.join(',')}]`,
      );
    }
    const dims = x.ndim === 2 ? [0] : [0, 2];
    const shape = x.ndim === 2 ? [1, this.numFeatures] : [1, this.numFeatures, 1];
    const useBatch = this.training || this.runningMean === null;
    let mean: Tensor;
    let variance: Tensor;
    if (useBatch) {
      const count = x.size / this.numFeatures;
      if (this.training && count < 2)
        throw new RangeError(
          `BatchNorm1d: expected more than 1 value per channel when training, got input [${x.shape.join(',')}]`,
        );
      mean = x.mean(dims, true);
      variance = x.sub(mean).square().mean(dims, true);
      if (this.training && this.runningMean !== null) this.updateRunningStats(mean, variance, count);
    } else {
      mean = this.runningMean!.reshape(shape);
      variance = this.runningVar!.reshape(shape);
    }
    let y = x.sub(mean).div(variance.add(this.eps).sqrt());
    if (this.weight !== null) y = y.mul(this.weight.reshape(shape)).add(this.bias!.reshape(shape));
    return y;
  }

  private updateRunningStats(mean: Tensor, variance: Tensor, count: number): void {
    noGrad(() => {
      const m = this.momentum;
      tidy(() => {
        const unbiased = variance.mul(count / (count - 1)).reshape([this.numFeatures]);
        this.runningMean!.mul_(1 - m).add_(mean.reshape([this.numFeatures]).mul(m));
        this.runningVar!.mul_(1 - m).add_(unbiased.mul(m));
      });
      // int32 arithmetic is not in the kernels yet: count on the host.
      this.numBatchesTracked!.fill_(this.numBatchesTracked!.item() + 1);
    });
  }

  protected override describe(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.weight !== null}`;
  }
}
