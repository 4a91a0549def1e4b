import type { Tensor } from '@myelin/tensor';
import { Module } from '../module.js';
import { Linear } from './linear.js';

/**
 * Maxout (Goodfellow et al. 2013): k linear pieces per output unit, and the unit's value is their
 * maximum — a learned, piecewise-linear convex activation.
 *
 * @example new Maxout(64, 32, 3).forward(x) // [N, 32]
 */
export class Maxout extends Module {
  readonly linear: Linear;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    readonly pieces: number,
  ) {
    super();
    if (!Number.isInteger(pieces) || pieces < 1)
      throw new RangeError(`Maxout: pieces must be an integer >= 1, got ${pieces}`);
    this.linear = this.addModule('linear', new Linear(inFeatures, outFeatures * pieces));
  }

  forward(x: Tensor): Tensor {
    const z = this.linear.forward(x);
    return z.reshape([...z.shape.slice(0, -1), this.outFeatures, this.pieces]).max(-1);
  }

  protected override describe(): string {
    return `${this.inFeatures}, ${this.outFeatures}, pieces=${this.pieces}`;
  }
}
