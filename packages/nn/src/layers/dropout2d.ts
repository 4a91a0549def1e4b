import type { Generator, Tensor } from '@myelin/tensor';
import { Module } from '../module.js';
import { checkOptions, halfOpen, requireBoolean, requireNumber, requireTensor } from '../validate.js';
import { applyDropoutMask } from './dropout.js';

/**
 * Channel-wise inverted dropout (Tompson et al. 2015; torch.nn.functional.dropout2d): in training,
 * each channel of [N, C, H, W] (or unbatched [C, H, W]) images is zeroed as a whole with probability
 * p and the surviving channels are scaled by 1/(1 − p); at evaluation it is the identity. Masks come
 * from the same generators as {@link dropout}'s: `generator`, else the running `fit`'s (when it has
 * a seed), else the default one.
 *
 * NOTE: neighbouring pixels of a feature map are strongly correlated, so element-wise dropout barely
 * regularises a convolution; dropping whole feature maps does.
 *
 * @example dropout2d(features, 0.2, model.training)
 */
export function dropout2d(
  x: Tensor,
  p = 0.5,
  training = true,
  options: { generator?: Generator } = {},
): Tensor {
  const fn = 'dropout2d';
  requireTensor(fn, 'x', x);
  requireNumber(fn, 'p', p, halfOpen(0, 1));
  requireBoolean(fn, 'training', training);
  checkOptions(fn, options, ['generator']);
  if (x.ndim !== 3 && x.ndim !== 4)
    throw new RangeError(`${fn}: expected input [N, C, H, W] or [C, H, W], got [${x.shape.join(',')}]`);
  if (!training || p === 0) return x;
  // One draw per channel, broadcast over its plane.
  return applyDropoutMask(x, p, [...x.shape.slice(0, -2), 1, 1], options.generator);
}

/**
 * Channel dropout layer (PyTorch's nn.Dropout2d); see {@link dropout2d}. Active only in training mode.
 *
 * @example new Sequential(new Conv2d(16, 32, 3), new ReLU(), new Dropout2d(0.1))
 */
export class Dropout2d extends Module {
  static override readonly layerName = 'Dropout2d';
  readonly generator: Generator | undefined;

  constructor(
    readonly p = 0.5,
    options: { generator?: Generator } = {},
  ) {
    super();
    requireNumber('Dropout2d', 'p', p, halfOpen(0, 1));
    checkOptions('Dropout2d', options, ['generator']);
    this.generator = options.generator;
  }

  forward(x: Tensor): Tensor {
    requireTensor('Dropout2d.forward', 'the input', x);
    if (x.ndim !== 3 && x.ndim !== 4)
      throw new RangeError(
        `Dropout2d.forward: expected input [N, C, H, W] or [C, H, W], got [${x.shape.join(',')}]`,
      );
    return dropout2d(x, this.p, this.training, { generator: this.generator });
  }

  protected override describe(): string {
    return `p=${this.p}`;
  }
}
