import { batchNorm, ones, type Tensor, zeros } from '@myelin/tensor';
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
import { type BatchNormOptions, LEGACY_BUFFER_NAMES } from './batchnorm.js';

/**
 * Batch normalisation (Ioffe & Szegedy 2015) of images [N, C, H, W] per channel, as PyTorch's
 * BatchNorm2d: statistics over the batch and both spatial axes. Training: normalise with the batch
 * mean and biased variance, and update running_mean ← (1 − m)·running_mean + m·mean and running_var
 * likewise with the unbiased variance. Evaluation: normalise with the running statistics (or the
 * batch's, without `trackRunningStats`). Then y = γ·x̂ + β. Parameters and buffers have
 * PyTorch's names, as {@link BatchNorm1d}'s: weight, bias, running_mean, running_var,
 * num_batches_tracked (the old camelCase names still load).
 *
 * @example new Sequential(new Conv2d(3, 16, 3, { padding: 1, bias: false }), new BatchNorm2d(16), new ReLU())
 */
export class BatchNorm2d extends Module {
  static override readonly layerName = 'BatchNorm2d';
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
    const fn = 'BatchNorm2d';
    requireInteger(fn, 'numFeatures', numFeatures, 1);
    checkOptions(fn, options, ['eps', 'momentum', 'affine', 'trackRunningStats']);
    const { eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true } = options;
    requireNumber(fn, 'eps', eps, positive);
    requireNumber(fn, 'momentum', momentum, closed(0, 1));
    requireBoolean(fn, 'affine', affine);
    requireBoolean(fn, 'trackRunningStats', trackRunningStats);
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
    const fn = 'BatchNorm2d.forward';
    requireTensor(fn, 'the input', x, 'float32');
    if (x.ndim !== 4 || x.shape[1] !== this.numFeatures) {
      throw new RangeError(
        `${fn}: expected input [N, ${this.numFeatures}, H, W], got [${x.shape.join(',')}]`,
      );
    }
    const useBatch = this.training || this.runningMean === null;
    if (useBatch && x.size / this.numFeatures < 2) {
      throw new RangeError(
        `${fn}: expected more than 1 value per channel when training, got input [${x.shape.join(',')}]`,
      );
    }
    const y = batchNorm(x, this.runningMean, this.runningVar, this.weight, this.bias, {
      // With running statistics, batch statistics are used (and update them) only in training.
      training: useBatch,
      momentum: this.momentum,
      eps: this.eps,
    });
    // int32 arithmetic is not in the kernels yet: count on the host.
    if (this.training && this.numBatchesTracked !== null)
      this.numBatchesTracked.fill_(this.numBatchesTracked.item() + 1);
    return y;
  }

  protected override describe(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.weight !== null}`;
  }
}
