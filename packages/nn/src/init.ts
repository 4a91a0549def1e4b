// Parameter initialisation, in place (torch.nn.init). Deterministic under manualSeed.
import { noGrad, rand, randn, type Tensor, tidy } from '@myelin/tensor';
import { checkOptions, nonNegative, requireChoice, requireNumber, requireTensor } from './validate.js';

/** Nonlinearities known to {@link calculateGain}. */
export type Nonlinearity =
  | 'linear'
  | 'identity'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leakyRelu'
  | 'selu'
  | 'conv';

/**
 * The recommended gain for a nonlinearity (PyTorch's calculate_gain): 1 for linear/sigmoid, 5/3 for
 * tanh, √2 for ReLU, √(2/(1 + slope²)) for leaky ReLU, 3/4 for SELU.
 *
 * @example calculateGain('relu') // 1.414…
 */
export function calculateGain(nonlinearity: Nonlinearity, negativeSlope = 0.01): number {
  switch (nonlinearity) {
    case 'linear':
    case 'identity':
    case 'sigmoid':
    case 'conv':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leakyRelu':
      return Math.sqrt(2 / (1 + negativeSlope ** 2));
    case 'selu':
      return 3 / 4;
    default:
      throw new RangeError(`calculateGain: unknown nonlinearity '${nonlinearity}'`);
  }
}

/**
 * fanIn and fanOut of a weight of shape [out, in, ...kernel] (PyTorch's convention: a Linear weight
 * is [outFeatures, inFeatures]).
 */
export function fans(t: Tensor): { fanIn: number; fanOut: number } {
  requireTensor('init', 'the tensor', t);
  if (t.ndim < 2)
    throw new RangeError(
      `init: fan in and fan out need a tensor with at least 2 dimensions, got shape [${t.shape.join(',')}]`,
    );
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: t.shape[1]! * receptive, fanOut: t.shape[0]! * receptive };
}

/** Overwrites `t` (contiguous float32) with the values `make()` computes; intermediates are freed. */
function assign(t: Tensor, make: () => Tensor): Tensor {
  requireTensor('init', 'the tensor', t, 'float32');
  noGrad(() => tidy(() => t.copy_(make())));
  return t;
}

/** Fills with `value`. @example init.constant(bias, 0.1) */
export function constant(t: Tensor, value: number): Tensor {
  requireTensor('init.constant', 'the tensor', t);
  requireNumber('init.constant', 'value', value);
  noGrad(() => t.fill_(value));
  return t;
}

/** Fills with zeros. @example init.zeros(bias) */
export function zeros(t: Tensor): Tensor {
  return constant(t, 0);
}

/** Fills with ones. @example init.ones(gamma) */
export function ones(t: Tensor): Tensor {
  return constant(t, 1);
}

/** Uniform values in [a, b). @example init.uniform(w, -0.1, 0.1) */
export function uniform(t: Tensor, a = 0, b = 1): Tensor {
  requireNumber('init.uniform', 'a', a);
  requireNumber('init.uniform', 'b', b);
  if (!(b >= a)) throw new RangeError(`init.uniform: expected a <= b, got ${a} and ${b}`);
  return assign(t, () =>
    rand(t.shape)
      .mul(b - a)
      .add(a),
  );
}

/** Normal values with the given mean and standard deviation. @example init.normal(w, 0, 0.01) */
export function normal(t: Tensor, mean = 0, std = 1): Tensor {
  requireNumber('init.normal', 'mean', mean);
  requireNumber('init.normal', 'std', std, nonNegative);
  return assign(t, () => randn(t.shape).mul(std).add(mean));
}

/**
 * Glorot/Xavier uniform (Glorot & Bengio 2010): U(−a, a) with a = gain·√(6/(fanIn + fanOut)), which
 * keeps activation and gradient variances roughly equal across layers.
 *
 * @example init.xavierUniform(linear.weight)
 */
export function xavierUniform(t: Tensor, gain = 1): Tensor {
  requireNumber('init.xavierUniform', 'gain', gain);
  const { fanIn, fanOut } = fans(t);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(t, -a, a);
}

/** Glorot/Xavier normal: N(0, σ²) with σ = gain·√(2/(fanIn + fanOut)). @example init.xavierNormal(w) */
export function xavierNormal(t: Tensor, gain = 1): Tensor {
  requireNumber('init.xavierNormal', 'gain', gain);
  const { fanIn, fanOut } = fans(t);
  return normal(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)));
}

/** Options of the Kaiming initialisers. */
export interface KaimingOptions {
  /** Negative slope of the rectifier after this layer (used with 'leakyRelu'; default 0). */
  a?: number;
  /** 'fanIn' (default) preserves the forward variance, 'fanOut' the backward one. */
  mode?: 'fanIn' | 'fanOut';
  nonlinearity?: Nonlinearity;
}

function kaimingStd(fn: string, t: Tensor, options: KaimingOptions): number {
  checkOptions(fn, options, ['a', 'mode', 'nonlinearity']);
  const { a = 0, mode = 'fanIn', nonlinearity = 'leakyRelu' } = options;
  requireNumber(fn, 'a', a);
  requireChoice(fn, 'mode', mode, ['fanIn', 'fanOut']);
  const { fanIn, fanOut } = fans(t);
  return calculateGain(nonlinearity, a) / Math.sqrt(mode === 'fanIn' ? fanIn : fanOut);
}

/**
 * He/Kaiming uniform (He et al. 2015): U(−b, b) with b = gain·√(3/fan), for ReLU-family networks.
 *
 * @example init.kaimingUniform(w, { nonlinearity: 'relu' })
 */
export function kaimingUniform(t: Tensor, options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd('init.kaimingUniform', t, options);
  return uniform(t, -bound, bound);
}

/** He/Kaiming normal: N(0, σ²) with σ = gain/√fan. @example init.kaimingNormal(w, { mode: 'fanOut' }) */
export function kaimingNormal(t: Tensor, options: KaimingOptions = {}): Tensor {
  return normal(t, 0, kaimingStd('init.kaimingNormal', t, options));
}
