import { ones, type Tensor, zeros } from '@myelin/tensor';
import { Module } from '../module.js';
import {
  checkOptions,
  describeValue,
  positive,
  requireBoolean,
  requireInteger,
  requireNumber,
  requireTensor,
} from '../validate.js';

/** (x − mean)/√(var + eps) over `dims` (biased variance), as the normalisation layers use. */
function normalise(x: Tensor, dims: number[], eps: number): Tensor {
  const mean = x.mean(dims, true);
  const centered = x.sub(mean);
  return centered.div(centered.square().mean(dims, true).add(eps).sqrt());
}

/** Layer norm over the last `k` dimensions, then ·γ + β when given (shared with nn.functional.layerNorm). */
export function layerNormOf(
  x: Tensor,
  k: number,
  weight: Tensor | null,
  bias: Tensor | null,
  eps: number,
): Tensor {
  const dims = Array.from({ length: k }, (_, i) => x.ndim - k + i);
  let y = normalise(x, dims, eps);
  if (weight !== null) y = y.mul(weight);
  return bias === null ? y : y.add(bias);
}

/** Group norm of [N, C, *] input, then per-channel ·γ + β when given (shared with nn.functional.groupNorm). */
export function groupNormOf(
  x: Tensor,
  numGroups: number,
  weight: Tensor | null,
  bias: Tensor | null,
  eps: number,
): Tensor {
  const n = x.shape[0]!;
  let y = normalise(x.reshape([n, numGroups, -1]), [2], eps).reshape([...x.shape]);
  const shape = [1, x.shape[1]!, ...x.shape.slice(2).map(() => 1)];
  if (weight !== null) y = y.mul(weight.reshape(shape));
  return bias === null ? y : y.add(bias.reshape(shape));
}

/**
 * Layer normalisation (Ba et al. 2016) over the last dimensions given by `normalizedShape`, per
 * sample (no batch statistics, same in training and evaluation), with elementwise γ and β.
 *
 * @example new LayerNorm([128]).forward(x) // x: [N, 128]
 */
export class LayerNorm extends Module {
  static override readonly layerName = 'LayerNorm';
  readonly normalizedShape: number[];
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;

  constructor(
    normalizedShape: number | readonly number[],
    readonly options: { eps?: number; elementwiseAffine?: boolean } = {},
  ) {
    super();
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
    if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
      throw new RangeError(
        `LayerNorm: normalizedShape must be an integer >= 1 or a non-empty array of them, got ${describeValue(normalizedShape)}`,
      );
    }
    this.normalizedShape = [...shape];
    checkOptions('LayerNorm', options, ['eps', 'elementwiseAffine']);
    requireNumber('LayerNorm', 'eps', options.eps ?? 1e-5, positive);
    const affine = options.elementwiseAffine ?? true;
    requireBoolean('LayerNorm', 'elementwiseAffine', affine);
    this.weight = affine ? this.addParameter('weight', ones(this.normalizedShape)) : null;
    this.bias = affine ? this.addParameter('bias', zeros(this.normalizedShape)) : null;
  }

  forward(x: Tensor): Tensor {
    requireTensor('LayerNorm.forward', 'the input', x, 'float32');
    const k = this.normalizedShape.length;
    const tail = x.shape.slice(x.ndim - k);
    if (x.ndim < k || tail.some((d, i) => d !== this.normalizedShape[i])) {
      throw new RangeError(
        `LayerNorm: input [${x.shape.join(',')}] does not end in the normalized shape [${this.normalizedShape.join(',')}]`,
      );
    }
    return layerNormOf(x, k, this.weight, this.bias, this.options.eps ?? 1e-5);
  }

  protected override describe(): string {
    return `[${this.normalizedShape.join(', ')}]`;
  }
}

/**
 * Group normalisation (Wu & He 2018): the C channels of [N, C, *] inputs split into `numGroups`
 * groups, each normalised per sample; per-channel γ and β. Independent of the batch size.
 *
 * @example new GroupNorm(4, 32).forward(x) // x: [N, 32, L]
 */
export class GroupNorm extends Module {
  static override readonly layerName = 'GroupNorm';
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;

  constructor(
    readonly numGroups: number,
    readonly numChannels: number,
    readonly options: { eps?: number; affine?: boolean } = {},
  ) {
    super();
    requireInteger('GroupNorm', 'numGroups', numGroups, 1);
    requireInteger('GroupNorm', 'numChannels', numChannels, 1);
    checkOptions('GroupNorm', options, ['eps', 'affine']);
    requireNumber('GroupNorm', 'eps', options.eps ?? 1e-5, positive);
    requireBoolean('GroupNorm', 'affine', options.affine ?? true);
    if (numChannels % numGroups !== 0) {
      throw new RangeError(
        `GroupNorm: numChannels ${numChannels} must be divisible by numGroups ${numGroups}`,
      );
    }
    const affine = options.affine ?? true;
    this.weight = affine ? this.addParameter('weight', ones([numChannels])) : null;
    this.bias = affine ? this.addParameter('bias', zeros([numChannels])) : null;
  }

  forward(x: Tensor): Tensor {
    requireTensor('GroupNorm.forward', 'the input', x, 'float32');
    if (x.ndim < 2 || x.shape[1] !== this.numChannels) {
      throw new RangeError(
        `GroupNorm: expected input [N, ${this.numChannels}, ...], got [${x.shape.join(',')}]`,
      );
    }
    return groupNormOf(x, this.numGroups, this.weight, this.bias, this.options.eps ?? 1e-5);
  }

  protected override describe(): string {
    return `${this.numGroups}, ${this.numChannels}`;
  }
}
