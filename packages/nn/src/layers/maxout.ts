import type { Tensor } from '@myelin/tensor';
import { Module } from '../module.js';
import { requireInteger, requireTensor } from '../validate.js';
import { Linear } from './linear.js';

/**
 * Maxout (Goodfellow et al. 2013): k linear pieces per output unit, and the unit's value is their
 * maximum — a learned, piecewise-linear convex activation.
 *
 * @example new Maxout(64, 32, 3).forward(x) // [N, 32]
 */
export class Maxout extends Module {
  static override readonly layerName = 'Maxout';
  readonly linear: Linear;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    readonly pieces: number,
  ) {
    super();
    requireInteger('Maxout', 'inFeatures', inFeatures, 1);
    requireInteger('Maxout', 'outFeatures', outFeatures, 1);
    requireInteger('Maxout', 'pieces', pieces, 1);
    this.linear = this.addModule('linear', new Linear(inFeatures, outFeatures * pieces));
  }

  forward(x: Tensor): Tensor {
    requireTensor('Maxout.forward', 'the input', x, 'float32');
    if (x.ndim === 0 || x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new RangeError(
        `Maxout.forward: input of shape [${x.shape.join(',')}] does not end in inFeatures = ${this.inFeatures}`,
      );
    }
    const z = this.linear.forward(x);
    return z.reshape([...z.shape.slice(0, -1), this.outFeatures, this.pieces]).max(-1);
  }

  protected override describe(): string {
    return `${this.inFeatures}, ${this.outFeatures}, pieces=${this.pieces}`;
  }
}
