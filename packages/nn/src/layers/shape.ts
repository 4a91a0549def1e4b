import type { Tensor } from '@myelin/tensor';
import { Module } from '../module.js';
import { requireInteger, requireTensor } from '../validate.js';

/** Returns its input unchanged (a placeholder, or a skip path). @example new Identity().forward(x) === x */
export class Identity extends Module {
  static override readonly layerName = 'Identity';
  forward(x: Tensor): Tensor {
    requireTensor('Identity.forward', 'the input', x);
    return x;
  }
}

/**
 * Flattens dimensions startDim..endDim (default: all but the batch dimension), e.g. images
 * [N, C, H, W] to [N, C·H·W] before a Linear layer.
 *
 * @example new Flatten().forward(images).shape // [N, C*H*W]
 */
export class Flatten extends Module {
  static override readonly layerName = 'Flatten';
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
    requireInteger('Flatten', 'startDim', startDim);
    requireInteger('Flatten', 'endDim', endDim);
  }

  forward(x: Tensor): Tensor {
    requireTensor('Flatten.forward', 'the input', x);
    return x.flatten(this.startDim, this.endDim);
  }

  protected override describe(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}
