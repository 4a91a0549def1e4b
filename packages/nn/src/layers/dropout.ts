import { noGrad, rand, type Tensor } from '@myelin/tensor';
import { Module } from '../module.js';

/**
 * Inverted dropout: in training each element is zeroed with probability p and the survivors are
 * scaled by 1/(1 − p), so the expected activation equals the input; at evaluation it is the
 * identity. Masks come from the seeded generator (`manualSeed`).
 *
 * NOTE: the course notes' form — keep with probability 1 − p during training, multiply by 1 − p at
 * test time — gives the same expected activations; inverted dropout moves the scaling into
 * training so that inference needs no change.
 *
 * @example dropout(x, 0.5, model.training)
 */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  if (!(p >= 0 && p < 1)) throw new RangeError(`dropout: p must be in [0, 1), got ${p}`);
  if (!training || p === 0) return x;
  const mask = noGrad(() => {
    const u = rand(x.shape);
    const keep = u.ge(p);
    u.dispose();
    const scaled = keep.div(1 - p);
    keep.dispose();
    return scaled;
  });
  const out = x.mul(mask);
  mask.dispose();
  return out;
}

/**
 * Dropout layer (Srivastava et al. 2014); see {@link dropout}. Active only in training mode.
 *
 * @example new Sequential(new Linear(64, 128), new ReLU(), new Dropout(0.2))
 */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (!(p >= 0 && p < 1)) throw new RangeError(`Dropout: p must be in [0, 1), got ${p}`);
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }

  protected override describe(): string {
    return `p=${this.p}`;
  }
}
