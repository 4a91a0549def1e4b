import { defaultGenerator, type Generator, noGrad, rand, type Tensor } from '@myelin/tensor';
import { Module } from '../module.js';
import { checkOptions, halfOpen, requireBoolean, requireNumber, requireTensor } from '../validate.js';

// The generator of masks not given one: `fit`'s own (when it has a seed) while it runs a step.
let stepGenerator: Generator | undefined;

/**
 * Runs `step` with `generator` as the default of dropout masks. Internal to `fit`: a training step
 * is synchronous, so concurrent fits each draw their masks from their own generator.
 */
export function withMaskGenerator<T>(generator: Generator | undefined, step: () => T): T {
  const outer = stepGenerator;
  stepGenerator = generator;
  try {
    return step();
  } finally {
    stepGenerator = outer;
  }
}

/** The generator of a dropout mask: `explicit`, else the running `fit`'s, else the default one. */
export function maskGenerator(explicit?: Generator): Generator {
  return explicit ?? stepGenerator ?? defaultGenerator;
}

/**
 * Inverted dropout: in training each element is zeroed with probability p and the survivors are
 * scaled by 1/(1 − p), so the expected activation equals the input; at evaluation it is the
 * identity. Masks come from `generator` if given, else from the generator of the `fit` that runs
 * (when it has a `seed`), else from the default generator (`manualSeed`).
 *
 * NOTE: the course notes' form — keep with probability 1 − p during training, multiply by 1 − p at
 * test time — gives the same expected activations; inverted dropout moves the scaling into
 * training so that inference needs no change.
 *
 * @example dropout(x, 0.5, model.training)
 */
export function dropout(
  x: Tensor,
  p = 0.5,
  training = true,
  options: { generator?: Generator } = {},
): Tensor {
  requireTensor('dropout', 'x', x);
  requireNumber('dropout', 'p', p, halfOpen(0, 1));
  requireBoolean('dropout', 'training', training);
  checkOptions('dropout', options, ['generator']);
  if (!training || p === 0) return x;
  return applyDropoutMask(x, p, x.shape, options.generator);
}

/**
 * x · mask / (1 − p), with a keep-mask of `maskShape` (x's shape for dropout; one entry per channel
 * for channel dropout, broadcast over the plane) drawn from the fit's or the given generator.
 */
export function applyDropoutMask(
  x: Tensor,
  p: number,
  maskShape: readonly number[],
  generatorOption: Generator | undefined,
): Tensor {
  const generator = maskGenerator(generatorOption);
  const mask = noGrad(() => {
    const u = rand(maskShape, { generator });
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
 * Dropout layer (Srivastava et al. 2014); see {@link dropout}. Active only in training mode. Its
 * masks come from `generator` when given (as a torch.Generator), so they do not depend on other
 * users of the default generator.
 *
 * @example new Sequential(new Linear(64, 128), new ReLU(), new Dropout(0.2))
 * @example new Dropout(0.5, { generator: new Generator().manualSeed(1) })
 */
export class Dropout extends Module {
  static override readonly layerName = 'Dropout';
  readonly generator: Generator | undefined;

  constructor(
    readonly p = 0.5,
    options: { generator?: Generator } = {},
  ) {
    super();
    requireNumber('Dropout', 'p', p, halfOpen(0, 1));
    checkOptions('Dropout', options, ['generator']);
    this.generator = options.generator;
  }

  forward(x: Tensor): Tensor {
    requireTensor('Dropout.forward', 'the input', x);
    return dropout(x, this.p, this.training, { generator: this.generator });
  }

  protected override describe(): string {
    return `p=${this.p}`;
  }
}
