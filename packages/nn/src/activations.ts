// Activation functions: functional forms, their derivatives (for plotting f and f′), and modules.
import { noGrad, type Tensor, tidy } from '@myelin/tensor';
import { Module } from './module.js';
import { requireChoice, requireInteger, requireNumber, requireTensor } from './validate.js';

/** `x`, once checked to be a live tensor (so that a wrong argument is not a JavaScript crash). */
function input(fn: string, x: Tensor): Tensor {
  requireTensor(fn, 'x', x);
  return x;
}

/** Checks a `dim` argument: an integer (negative counts from the end). */
function dimension(fn: string, dim: number): number {
  requireInteger(fn, 'dim', dim);
  return dim;
}

/** σ(x) = 1/(1 + e^{−x}). @example sigmoid(x) */
export const sigmoid = (x: Tensor): Tensor => input('sigmoid', x).sigmoid();
/** tanh(x). @example tanh(x) */
export const tanh = (x: Tensor): Tensor => input('tanh', x).tanh();
/** max(0, x). @example relu(x) */
export const relu = (x: Tensor): Tensor => input('relu', x).relu();
/** x for x > 0, slope·x otherwise. @example leakyRelu(x, 0.1) */
export const leakyRelu = (x: Tensor, negativeSlope = 0.01): Tensor => {
  requireNumber('leakyRelu', 'negativeSlope', negativeSlope);
  return input('leakyRelu', x).leakyRelu(negativeSlope);
};
/** x for x > 0, α(eˣ − 1) otherwise (Clevert et al. 2016). @example elu(x) */
export const elu = (x: Tensor, alpha = 1): Tensor => {
  requireNumber('elu', 'alpha', alpha);
  return input('elu', x).elu(alpha);
};
/** Self-normalising ELU, scale·elu(x, α) with Klambauer et al.'s constants. @example selu(x) */
export const selu = (x: Tensor): Tensor => input('selu', x).selu();
/** x/(1 + |x|). @example softsign(x) */
export const softsign = (x: Tensor): Tensor => input('softsign', x).softsign();
/**
 * Heaviside step: 1 where x > threshold, else 0 (the perceptron's activation). NOTE: its gradient is
 * zero everywhere, so a network using it cannot learn by backpropagation.
 *
 * @example step(x)
 */
export const step = (x: Tensor, threshold = 0): Tensor => {
  requireNumber('step', 'threshold', threshold);
  return input('step', x).step(threshold);
};
/** The identity. @example identity(x) */
export const identity = (x: Tensor): Tensor => input('identity', x);
/** Softmax along `dim` (default last). @example softmax(logits, 1) */
export const softmax = (x: Tensor, dim = -1): Tensor =>
  input('softmax', x).softmax(dimension('softmax', dim));
/** log(softmax) along `dim`, computed stably. @example logSoftmax(logits, 1) */
export const logSoftmax = (x: Tensor, dim = -1): Tensor =>
  input('logSoftmax', x).logSoftmax(dimension('logSoftmax', dim));

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
  requireChoice('derivative', 'name', name, Object.keys(elementwiseActivations) as ActivationName[]);
  requireTensor('derivative', 'x', x);
  const f = elementwiseActivations[name] as (t: Tensor) => Tensor;
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
  protected constructor(
    /** Name used in error messages. */
    private readonly name: string,
    private readonly apply: (x: Tensor) => Tensor,
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    requireTensor(`${this.name}.forward`, 'the input', x);
    return this.apply(x);
  }
}

/** ReLU layer. @example new ReLU() */
export class ReLU extends ActivationModule {
  static override readonly layerName = 'ReLU';
  constructor() {
    super('ReLU', relu);
  }
}

/** Sigmoid layer. @example new Sigmoid() */
export class Sigmoid extends ActivationModule {
  static override readonly layerName = 'Sigmoid';
  constructor() {
    super('Sigmoid', sigmoid);
  }
}

/** Tanh layer. @example new Tanh() */
export class Tanh extends ActivationModule {
  static override readonly layerName = 'Tanh';
  constructor() {
    super('Tanh', tanh);
  }
}

/** SELU layer. @example new SELU() */
export class SELU extends ActivationModule {
  static override readonly layerName = 'SELU';
  constructor() {
    super('SELU', selu);
  }
}

/** Softsign layer. @example new Softsign() */
export class Softsign extends ActivationModule {
  static override readonly layerName = 'Softsign';
  constructor() {
    super('Softsign', softsign);
  }
}

/** Leaky ReLU layer. @example new LeakyReLU(0.1) */
export class LeakyReLU extends ActivationModule {
  static override readonly layerName = 'LeakyReLU';
  constructor(readonly negativeSlope = 0.01) {
    super('LeakyReLU', (x) => leakyRelu(x, negativeSlope));
    requireNumber('LeakyReLU', 'negativeSlope', negativeSlope);
  }

  protected override describe(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

/** ELU layer. @example new ELU(1) */
export class ELU extends ActivationModule {
  static override readonly layerName = 'ELU';
  constructor(readonly alpha = 1) {
    super('ELU', (x) => elu(x, alpha));
    requireNumber('ELU', 'alpha', alpha);
  }

  protected override describe(): string {
    return `alpha=${this.alpha}`;
  }
}

/** Step (threshold) layer; see {@link step}. @example new Step() */
export class Step extends ActivationModule {
  static override readonly layerName = 'Step';
  constructor(readonly threshold = 0) {
    super('Step', (x) => step(x, threshold));
    requireNumber('Step', 'threshold', threshold);
  }

  protected override describe(): string {
    return `threshold=${this.threshold}`;
  }
}

/** Softmax layer along `dim`. @example new Softmax(1) */
export class Softmax extends ActivationModule {
  static override readonly layerName = 'Softmax';
  constructor(readonly dim = -1) {
    super('Softmax', (x) => softmax(x, dim));
    dimension('Softmax', dim);
  }

  protected override describe(): string {
    return `dim=${this.dim}`;
  }
}

/** LogSoftmax layer along `dim`. @example new LogSoftmax(1) */
export class LogSoftmax extends ActivationModule {
  static override readonly layerName = 'LogSoftmax';
  constructor(readonly dim = -1) {
    super('LogSoftmax', (x) => logSoftmax(x, dim));
    dimension('LogSoftmax', dim);
  }

  protected override describe(): string {
    return `dim=${this.dim}`;
  }
}
