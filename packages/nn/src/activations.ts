// Activation functions: functional forms, their derivatives (for plotting f and f′), and modules.
import { noGrad, type Tensor, tidy } from '@myelin/tensor';
import { Module } from './module.js';

/** σ(x) = 1/(1 + e^{−x}). @example sigmoid(x) */
export const sigmoid = (x: Tensor): Tensor => x.sigmoid();
/** tanh(x). @example tanh(x) */
export const tanh = (x: Tensor): Tensor => x.tanh();
/** max(0, x). @example relu(x) */
export const relu = (x: Tensor): Tensor => x.relu();
/** x for x > 0, slope·x otherwise. @example leakyRelu(x, 0.1) */
export const leakyRelu = (x: Tensor, negativeSlope = 0.01): Tensor => x.leakyRelu(negativeSlope);
/** x for x > 0, α(eˣ − 1) otherwise (Clevert et al. 2016). @example elu(x) */
export const elu = (x: Tensor, alpha = 1): Tensor => x.elu(alpha);
/** Self-normalising ELU, scale·elu(x, α) with Klambauer et al.'s constants. @example selu(x) */
export const selu = (x: Tensor): Tensor => x.selu();
/** x/(1 + |x|). @example softsign(x) */
export const softsign = (x: Tensor): Tensor => x.softsign();
/**
 * Heaviside step: 1 where x > threshold, else 0 (the perceptron's activation). NOTE: its gradient is
 * zero everywhere, so a network using it cannot learn by backpropagation.
 *
 * @example step(x)
 */
export const step = (x: Tensor, threshold = 0): Tensor => x.step(threshold);
/** The identity. @example identity(x) */
export const identity = (x: Tensor): Tensor => x;
/** Softmax along `dim` (default last). @example softmax(logits, 1) */
export const softmax = (x: Tensor, dim = -1): Tensor => x.softmax(dim);
/** log(softmax) along `dim`, computed stably. @example logSoftmax(logits, 1) */
export const logSoftmax = (x: Tensor, dim = -1): Tensor => x.logSoftmax(dim);

/** Names of the elementwise activations, with their functions. */
export const elementwiseActivations = {
  sigmoid,
  tanh,
  relu,
  leakyRelu,
  elu,
  selu,
  softsign,
  step,
  identity,
} as const;

/** An elementwise activation's name. */
export type ActivationName = keyof typeof elementwiseActivations;

/**
 * f′(x) of an elementwise activation at every element of `x`, computed by autograd (so it is exactly
 * the gradient training uses) — for drawing f and f′ side by side.
 *
 * @example derivative('tanh', linspace(-4, 4, 101)) // 1 − tanh²
 */
export function derivative(name: ActivationName, x: Tensor): Tensor {
  const f = elementwiseActivations[name] as ((t: Tensor) => Tensor) | undefined;
  if (f === undefined) throw new RangeError(`derivative: unknown activation '${name}'`);
  return tidy(() => {
    const input = noGrad(() => x.mul(1)).requiresGrad_();
    const y = f(input);
    if (!y.requiresGrad) return noGrad(() => input.mul(0).add(1)); // the identity: f′ = 1
    y.sum().backward();
    const grad = input.grad!.mul(1);
    input.dispose();
    return grad;
  });
}

/** A module wrapping an elementwise function. */
abstract class ActivationModule extends Module {
  protected constructor(private readonly apply: (x: Tensor) => Tensor) {
    super();
  }

  forward(x: Tensor): Tensor {
    return this.apply(x);
  }
}

/** ReLU layer. @example new ReLU() */
export class ReLU extends ActivationModule {
  constructor() {
    super(relu);
  }
}

/** Sigmoid layer. @example new Sigmoid() */
export class Sigmoid extends ActivationModule {
  constructor() {
    super(sigmoid);
  }
}

/** Tanh layer. @example new Tanh() */
export class Tanh extends ActivationModule {
  constructor() {
    super(tanh);
  }
}

/** SELU layer. @example new SELU() */
export class SELU extends ActivationModule {
  constructor() {
    super(selu);
  }
}

/** Softsign layer. @example new Softsign() */
export class Softsign extends ActivationModule {
  constructor() {
    super(softsign);
  }
}

/** Leaky ReLU layer. @example new LeakyReLU(0.1) */
export class LeakyReLU extends ActivationModule {
  constructor(readonly negativeSlope = 0.01) {
    super((x) => leakyRelu(x, negativeSlope));
  }

  protected override describe(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

/** ELU layer. @example new ELU(1) */
export class ELU extends ActivationModule {
  constructor(readonly alpha = 1) {
    super((x) => elu(x, alpha));
  }

  protected override describe(): string {
    return `alpha=${this.alpha}`;
  }
}

/** Step (threshold) layer; see {@link step}. @example new Step() */
export class Step extends ActivationModule {
  constructor(readonly threshold = 0) {
    super((x) => step(x, threshold));
  }

  protected override describe(): string {
    return `threshold=${this.threshold}`;
  }
}

/** Softmax layer along `dim`. @example new Softmax(1) */
export class Softmax extends ActivationModule {
  constructor(readonly dim = -1) {
    super((x) => softmax(x, dim));
  }

  protected override describe(): string {
    return `dim=${this.dim}`;
  }
}

/** LogSoftmax layer along `dim`. @example new LogSoftmax(1) */
export class LogSoftmax extends ActivationModule {
  constructor(readonly dim = -1) {
    super((x) => logSoftmax(x, dim));
  }

  protected override describe(): string {
    return `dim=${this.dim}`;
  }
}
